/**
 * Test helpers: produce what Kommo (or your relay) would send for each verification scheme, so
 * you can unit-test a handler the way stripe-node's `generateTestHeaderString` lets you.
 *
 * @module
 */

import { ConfigurationError } from '../core/errors.js';
import { hmac, toBase64, toHex, type HmacAlgorithm } from '../core/crypto.js';
import { signJwt, type JwtAlgorithm } from './jwt.js';

/** Sign for `url-secret`: put the secret into the URL. */
export interface SignUrlSecretParams {
  scheme: 'url-secret';
  /** The destination URL. */
  url: string;
  secret: string;
  /**
   * The query parameter.
   *
   * @defaultValue `'secret'`
   */
  param?: string;
}

/** Sign for `disconnect`: the GET URL Kommo calls when an account disconnects the integration. */
export interface SignDisconnectParams {
  scheme: 'disconnect';
  /** Your disconnect-hook URL. */
  url: string;
  /** The integration's client secret. */
  secret: string;
  clientUuid: string;
  accountId: number | string;
}

/** Sign for `chats` or `hmac`: a signature header over the raw body. */
export interface SignBodyParams {
  scheme: 'chats' | 'hmac';
  /** The exact body that will be sent. */
  body: string | Uint8Array;
  secret: string;
  /**
   * The header name.
   *
   * @defaultValue `'x-signature'`
   */
  header?: string;
  /**
   * The hash (`hmac` only; `chats` is always SHA-1).
   *
   * @defaultValue `'sha256'`
   */
  algorithm?: HmacAlgorithm;
  /**
   * The encoding (`hmac` only; `chats` is always hex).
   *
   * @defaultValue `'hex'`
   */
  encoding?: 'hex' | 'base64';
}

/** Sign for `widget-jwt` or `salesbot-jwt`: a disposable token. */
export interface SignJwtParams {
  scheme: 'widget-jwt' | 'salesbot-jwt';
  /** The integration's client secret. */
  secret: string;
  /** Claims to put in; `iat`, `nbf` (now) and `exp` (now + `ttlSec`) are filled in when absent. */
  claims: Record<string, unknown>;
  /**
   * The algorithm.
   *
   * @defaultValue `'HS256'` for `widget-jwt`, `'HS512'` for `salesbot-jwt`
   */
  algorithm?: JwtAlgorithm;
  /**
   * Lifetime when `exp` is not given, in seconds.
   *
   * @defaultValue `900`
   */
  ttlSec?: number;
  /**
   * The clock, in milliseconds since the epoch.
   *
   * @defaultValue `Date.now`
   */
  now?: () => number;
}

/** The parameters of {@link signWebhook}, by scheme. */
export type SignWebhookParams =
  SignUrlSecretParams | SignDisconnectParams | SignBodyParams | SignJwtParams;

/** What {@link signWebhook} produces for `url-secret` and `disconnect`: the URL to request. */
export interface SignedUrl {
  url: string;
}
/** What {@link signWebhook} produces for `chats` and `hmac`: the signature and its header. */
export interface SignedBody {
  signature: string;
  headers: Record<string, string>;
}
/** What {@link signWebhook} produces for the JWT schemes. */
export interface SignedToken {
  token: string;
  /** For `widget-jwt`: `{ 'x-auth-token': token }`; for `salesbot-jwt`: empty. */
  headers: Record<string, string>;
  /** For `salesbot-jwt`: a JSON body `{ token, data: {}, return_url }` ready to send. */
  body?: string;
}

/**
 * Produces a signed URL, header or token for a verification scheme, to test your handlers.
 *
 * Uses the same algorithms as {@link verifyWebhook}: what this signs, that verifies (with the
 * same secret and, for JWTs, a matching `aud`). Never use it with a production secret in code
 * that ships to a browser.
 *
 * @param params - The scheme and what to sign.
 * @returns `{ url }`, `{ signature, headers }` or `{ token, headers, body? }` by scheme.
 * @throws {@link ConfigurationError} for an empty secret.
 *
 * @example
 * ```ts
 * const body = buildWebhookBody({ id: 1, subdomain: 'acme' }, [
 *   { entity: 'leads', action: 'add', data: { id: 42, status_id: 100 } },
 * ]);
 * const { url } = await signWebhook({ scheme: 'url-secret', url: 'https://x.test/hook', secret });
 * const response = await handler(new Request(url, { method: 'POST', body, headers: FORM }));
 * ```
 */
export async function signWebhook(
  params: SignUrlSecretParams | SignDisconnectParams,
): Promise<SignedUrl>;
export async function signWebhook(params: SignBodyParams): Promise<SignedBody>;
export async function signWebhook(params: SignJwtParams): Promise<SignedToken>;
export async function signWebhook(
  params: SignWebhookParams,
): Promise<SignedUrl | SignedBody | SignedToken>;
export async function signWebhook(
  params: SignWebhookParams,
): Promise<SignedUrl | SignedBody | SignedToken> {
  const { scheme, secret } = params;
  if (typeof secret !== 'string' || !secret) {
    throw new ConfigurationError('signWebhook needs a non-empty `secret`');
  }
  if (scheme === 'url-secret' || scheme === 'disconnect') {
    const url = new URL(params.url);
    const query = url.searchParams;
    if (scheme === 'url-secret') query.set(params.param ?? 'secret', secret);
    else {
      const accountId = String(params.accountId);
      query.set('client_uuid', params.clientUuid);
      query.set('account_id', accountId);
      const signed = `${params.clientUuid}|${accountId}`;
      query.set('signature', toHex(await hmac('sha256', secret, signed)));
    }
    return { url: url.toString() };
  }
  if (scheme === 'chats' || scheme === 'hmac') {
    const chats = scheme === 'chats';
    const mac = await hmac(chats ? 'sha1' : (params.algorithm ?? 'sha256'), secret, params.body);
    const signature = !chats && params.encoding === 'base64' ? toBase64(mac) : toHex(mac);
    return { signature, headers: { [(params.header ?? 'x-signature').toLowerCase()]: signature } };
  }
  if (scheme === 'widget-jwt' || scheme === 'salesbot-jwt') {
    const now = Math.floor((params.now ?? Date.now)() / 1000);
    // The caller's claims keep their order; missing times are appended.
    const claims: Record<string, unknown> = { ...params.claims };
    claims['iat'] ??= now;
    claims['nbf'] ??= now;
    claims['exp'] ??= now + (params.ttlSec ?? 900);
    const widget = scheme === 'widget-jwt';
    const token = await signJwt(claims, secret, params.algorithm ?? (widget ? 'HS256' : 'HS512'));
    if (widget) return { token, headers: { 'x-auth-token': token } };
    const iss = claims['iss'];
    return {
      token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token,
        data: {},
        ...(typeof iss === 'string' && { return_url: `${iss}/api/v4/salesbot/1/continue/1` }),
      }),
    };
  }
  throw new ConfigurationError('signWebhook: unknown scheme');
}

// The Chats API request signer has its own module, shared with `kommo-sdk/chats`.
export { signChatsApiRequest, type SignChatsApiRequestParams } from './chats-sign.js';
