/**
 * JWT signing for Kommo's disposable tokens (widget `X-Auth-Token`, Salesbot `widget_request`):
 * what `signWebhook` and the sandbox issue. Their verification is in `verify.ts`.
 *
 * @module
 */

import { hmac, toBase64Url, toBytes, type HmacAlgorithm } from '../core/crypto.js';

/** The JWT algorithms Kommo uses. */
export type JwtAlgorithm = 'HS256' | 'HS512';

/** The HMAC hash of a JWT algorithm: `HS256` → `sha256`. @internal */
export const jwtHash = (algorithm: JwtAlgorithm): HmacAlgorithm =>
  `sha${algorithm.slice(2) as '256' | '512'}`;

const base64Json = (value: unknown): string => toBase64Url(toBytes(JSON.stringify(value)));

/** Signs claims into a compact JWT. @internal */
export async function signJwt(
  claims: Record<string, unknown>,
  secret: string | Uint8Array,
  algorithm: JwtAlgorithm,
): Promise<string> {
  const signed = `${base64Json({ typ: 'JWT', alg: algorithm })}.${base64Json(claims)}`;
  return `${signed}.${toBase64Url(await hmac(jwtHash(algorithm), secret, signed))}`;
}
