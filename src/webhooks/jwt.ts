/**
 * Minimal HS256/HS512 JWT verification and signing for Kommo's disposable tokens (widget
 * `X-Auth-Token` and Salesbot `widget_request`). Only the one algorithm the caller names is
 * accepted, so `alg: none` and algorithm swaps fail.
 *
 * @module
 */

import {
  anyMatch,
  fromBase64,
  hmac,
  hmacVerify,
  toBase64Url,
  toBytes,
  type HmacAlgorithm,
} from '../core/crypto.js';
import { WebhookVerificationError } from './errors.js';
import { safeJsonParse } from './form.js';

/** The JWT algorithms Kommo uses. */
export type JwtAlgorithm = 'HS256' | 'HS512';

const HASH: Readonly<Record<JwtAlgorithm, HmacAlgorithm>> = { HS256: 'sha256', HS512: 'sha512' };

/** What a verified token must satisfy. @internal */
export interface JwtCheck {
  secrets: ReadonlyArray<string | Uint8Array>;
  algorithm: JwtAlgorithm;
  audience?: string | readonly string[] | undefined;
  clockSkewSec: number;
  nowSec: number;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function malformed(message: string): WebhookVerificationError {
  return new WebhookVerificationError('malformed', message);
}

function decodeJsonPart(part: string, what: string): Record<string, unknown> {
  const bytes = fromBase64(part);
  if (bytes === undefined || /[+/=]/.test(part))
    throw malformed(`The token ${what} is not base64url`);
  let value: unknown;
  try {
    // Claims are handed to the caller: no key that could reach a prototype when merged.
    value = safeJsonParse(decoder.decode(bytes));
  } catch {
    throw malformed(`The token ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(`The token ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Verifies a compact JWT and returns its claims.
 *
 * @throws {@link WebhookVerificationError} `malformed`, `unsupported_algorithm`,
 *   `bad_signature`, `expired`, `not_yet_valid` or `wrong_audience`.
 */
export async function verifyJwt(token: string, check: JwtCheck): Promise<Record<string, unknown>> {
  const parts = token.split('.');
  if (parts.length !== 3) throw malformed('The token is not a JWT (three dot-separated parts)');
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeJsonPart(headerPart, 'header');
  if (header['alg'] !== check.algorithm) {
    throw new WebhookVerificationError(
      'unsupported_algorithm',
      `The token must be signed with ${check.algorithm}`,
    );
  }
  const signature = fromBase64(signaturePart);
  // Only the canonical encoding is accepted: spare low bits in the last character must not
  // let several strings stand for one signature.
  if (signature === undefined || toBase64Url(signature) !== signaturePart) {
    throw malformed('The token signature is not base64url');
  }
  const signed = `${headerPart}.${payloadPart}`;
  const valid = await anyMatch(check.secrets, (secret) =>
    hmacVerify(HASH[check.algorithm], secret, signed, signature),
  );
  if (!valid)
    throw new WebhookVerificationError('bad_signature', 'The token signature does not match');

  // Claims are read only after the signature holds, so nothing forged drives a decision.
  const claims = decodeJsonPart(payloadPart, 'payload');
  const { nowSec, clockSkewSec } = check;
  const exp = claims['exp'];
  if (typeof exp !== 'number') throw malformed('The token has no numeric exp claim');
  if (nowSec - clockSkewSec >= exp)
    throw new WebhookVerificationError('expired', 'The token has expired');
  for (const name of ['nbf', 'iat'] as const) {
    const value = claims[name];
    if (value === undefined) continue;
    if (typeof value !== 'number') throw malformed(`The token ${name} claim is not a number`);
    if (value > nowSec + clockSkewSec) {
      throw new WebhookVerificationError('not_yet_valid', `The token is not valid yet (${name})`);
    }
  }
  if (check.audience !== undefined) {
    const expected = (typeof check.audience === 'string' ? [check.audience] : check.audience).map(
      stripSlash,
    );
    const aud = claims['aud'];
    const actual: unknown[] = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    if (!actual.some((a) => typeof a === 'string' && expected.includes(stripSlash(a)))) {
      throw new WebhookVerificationError(
        'wrong_audience',
        'The token audience is not this integration',
      );
    }
  }
  return claims;
}

function stripSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

/** Signs claims into a compact JWT. @internal */
export async function signJwt(
  claims: Record<string, unknown>,
  secret: string | Uint8Array,
  algorithm: JwtAlgorithm,
): Promise<string> {
  const header = toBase64Url(toBytes(JSON.stringify({ typ: 'JWT', alg: algorithm })));
  const payload = toBase64Url(toBytes(JSON.stringify(claims)));
  const signature = await hmac(HASH[algorithm], secret, `${header}.${payload}`);
  return `${header}.${payload}.${toBase64Url(signature)}`;
}
