/**
 * Request signing for the Chats API (amojo): one small module both `kommo-sdk/chats` and
 * `kommo-sdk/webhooks` import, so the chats entry does not pull in the other signing schemes.
 *
 * @module
 */

import { ConfigurationError } from '../core/errors.js';
import { hmac, md5Hex, toHex } from '../core/crypto.js';

/** The parameters of {@link signChatsApiRequest}. */
export interface SignChatsApiRequestParams {
  /** The channel secret Kommo issued. */
  secret: string;
  /** HTTP method, e.g. `POST` (upper-cased before signing). */
  method: string;
  /** The path without host and query, e.g. `/v2/origin/custom/<channel>/chats`. */
  path: string;
  /**
   * The exact body that will be sent: the same string or bytes, never re-serialized (an empty
   * body, as for GET, signs the MD5 of `""`).
   *
   * @defaultValue `''`
   */
  body?: string | Uint8Array;
  /**
   * The content type. Kommo accepts only `application/json`.
   *
   * @defaultValue `'application/json'`
   */
  contentType?: string;
  /**
   * The `Date` header, or a `Date` to format. Kommo accepts a signature for 15 minutes.
   *
   * @defaultValue now, as `Thu, 02 Jan 2025 18:19:46 +0000`
   */
  date?: string | Date;
}

/**
 * Formats a time the way the Chats API docs write `Date` (RFC 2822 with a numeric zone):
 * `Thu, 02 Jan 2025 18:19:46 +0000`.
 *
 * @param date - The time.
 * @returns The header value.
 */
export function formatChatsDate(date: Date): string {
  // toUTCString() is specified as "Www, DD Mmm YYYY HH:mm:ss GMT" (ECMA-262 since 2018).
  return date.toUTCString().replace(/ GMT$/, ' +0000');
}

/**
 * Signs a request you send to the Chats API (amojo): returns the `date`, `content-type`,
 * `content-md5` and `x-signature` headers Kommo requires (lower-case keys).
 *
 * `X-Signature` is hex HMAC-SHA1 of `METHOD\nContent-MD5\nContent-Type\nDate\npath` keyed with
 * the channel secret; `Content-MD5` is the lowercase hex MD5 of the exact body bytes. Send the
 * very string or bytes you signed: re-serializing the body (a different key order, a trailing
 * newline) breaks the signature. `KommoChats` does all of this for you.
 *
 * @param params - The secret and the request.
 * @returns The four headers to send.
 * @throws {@link ConfigurationError} for an empty secret.
 *
 * @example
 * ```ts
 * const body = JSON.stringify({ conversation_id: 'c-1', user: { id: 'u-1', name: 'Ann' } });
 * const path = `/v2/origin/custom/${scopeId}/chats`;
 * const headers = await signChatsApiRequest({ secret, method: 'POST', path, body });
 * await fetch(`https://amojo.kommo.com${path}`, { method: 'POST', headers, body });
 * ```
 */
export async function signChatsApiRequest(
  params: SignChatsApiRequestParams,
): Promise<Record<string, string>> {
  if (typeof params.secret !== 'string' || params.secret === '') {
    throw new ConfigurationError('signChatsApiRequest needs a non-empty `secret`');
  }
  const method = params.method.toUpperCase();
  const contentType = params.contentType ?? 'application/json';
  const date =
    params.date === undefined
      ? formatChatsDate(new Date())
      : params.date instanceof Date
        ? formatChatsDate(params.date)
        : params.date;
  const contentMd5 = md5Hex(params.body ?? '');
  const message = [method, contentMd5, contentType, date, params.path].join('\n');
  const signature = toHex(await hmac('sha1', params.secret, message));
  return {
    date,
    'content-type': contentType,
    'content-md5': contentMd5,
    'x-signature': signature,
  };
}
