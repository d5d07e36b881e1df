/**
 * `verifyWebhook`: one function for every authenticity mechanism Kommo has.
 *
 * Kommo's standard account webhooks are NOT signed (no header, no secret: see
 * `docs/webhooks.md`). They are protected by a secret you put into the destination URL, which
 * the `url-secret` scheme checks. The other schemes check what Kommo does sign.
 *
 * @module
 */

import { ConfigurationError, isKommoError, isRecord } from '../core/errors.js';
import {
  anyMatch,
  fromBase64,
  fromHex,
  hmacVerify,
  timingSafeEqualText,
  toBase64Url,
  type HmacAlgorithm,
} from '../core/crypto.js';
import { verificationError as fail } from './errors.js';
import {
  bytesToText,
  DEFAULT_MAX_BYTES,
  decodeForm,
  safeJsonParse,
  type WebhookFormTree,
  type WebhookParseLimits,
} from './form.js';
import {
  DEFAULT_READ_TIMEOUT_MS,
  requestParts,
  type RequestParts,
  type VerifyWebhookInput,
} from './input.js';
import { jwtHash, type JwtAlgorithm } from './jwt.js';

/** The verification schemes. */
export type WebhookScheme =
  'url-secret' | 'disconnect' | 'chats' | 'widget-jwt' | 'salesbot-jwt' | 'hmac';

/** One secret, or several while you rotate (any of them verifies). */
export type WebhookSecret = string | readonly string[];

/** The account a webhook must come from. */
export interface ExpectedAccount {
  /** Account id. */
  id?: number;
  /** Account subdomain (compared case-insensitively). */
  subdomain?: string;
}

/** Options every scheme shares. */
interface CommonVerifyOptions {
  /** The secret: see each scheme for which one. Never logged, never put in an error. */
  secret: WebhookSecret;
  /**
   * Largest body read, in bytes. A larger body (with or without `Content-Length`) fails with
   * reason `malformed` as soon as the limit is passed, its cause a `WebhookParseError`
   * `too_large`.
   *
   * @defaultValue `1_048_576` (1 MB)
   */
  maxBytes?: number;
  /**
   * Longest a `Request` body may take to arrive, in milliseconds, for the schemes that read
   * the body (`chats`, `hmac`, `salesbot-jwt`, `url-secret` with `expectedAccount`). A body
   * that trickles in slower fails with reason `malformed`, its cause a `WebhookParseError`
   * `read_timeout`. `Infinity` waits for ever.
   *
   * @defaultValue `10_000` (10 s; Kommo itself gives up on a webhook after 2 s)
   */
  readTimeoutMs?: number;
}

/** Options shared by the JWT schemes. */
interface JwtVerifyOptions extends CommonVerifyOptions {
  /**
   * Tolerated clock difference for `exp`, `nbf` and `iat`, in seconds.
   *
   * @defaultValue `30`
   */
  clockSkewSec?: number;
  /**
   * The clock, in milliseconds since the epoch (inject it in tests).
   *
   * @defaultValue `Date.now`
   */
  now?: () => number;
  /** The account the token must name (`account_id`, `subdomain` claims). */
  expectedAccount?: ExpectedAccount;
}

/**
 * `url-secret`: the default, for standard webhooks. `secret` is the token you put in the
 * destination URL you registered with Kommo (`https://you.example/kommo?secret=…` or
 * `https://you.example/kommo/<secret>`); it is compared in constant time.
 */
export interface UrlSecretVerifyOptions extends CommonVerifyOptions {
  scheme?: 'url-secret';
  /**
   * The query parameter holding the secret. Ignored when `pathSegment` is set.
   *
   * @defaultValue `'secret'`
   */
  param?: string;
  /**
   * Read the secret from this path segment instead: `0` is the first, `-1` the last.
   *
   * @defaultValue not set (the query parameter is used)
   */
  pathSegment?: number;
  /** Also require `account[id]` / `account[subdomain]` in the body to match. */
  expectedAccount?: ExpectedAccount;
}

/**
 * `disconnect`: the integration-disconnect hook, a GET with `client_uuid`, `account_id` and
 * `signature` = hex HMAC-SHA256(`client_uuid|account_id`) keyed with your client secret.
 */
export interface DisconnectVerifyOptions extends CommonVerifyOptions {
  scheme: 'disconnect';
  /** Your integration id; the hook's `client_uuid` must equal it. */
  clientUuid: string;
  /** Also require this account. */
  expectedAccount?: ExpectedAccount;
}

/** `chats`: a Chats API (amojo) webhook, `X-Signature` = hex HMAC-SHA1(raw body, channel secret). */
export interface ChatsVerifyOptions extends CommonVerifyOptions {
  scheme: 'chats';
  /**
   * The signature header.
   *
   * @defaultValue `'x-signature'`
   */
  header?: string;
}

/**
 * `widget-jwt`: a widget's disposable token (header `X-Auth-Token`, HS256 with your client
 * secret). `audience` is your integration's base URL (from its redirect URI).
 */
export interface WidgetJwtVerifyOptions extends JwtVerifyOptions {
  scheme: 'widget-jwt';
  /** Accepted `aud` value(s). Required: a token for another integration must not pass. */
  audience: string | readonly string[];
  /** When set, the token's `client_uuid` must equal it. */
  clientUuid?: string;
  /**
   * The header holding the token; `Authorization: Bearer …` is accepted too.
   *
   * @defaultValue `'x-auth-token'`
   */
  header?: string;
  /**
   * The token algorithm.
   *
   * @defaultValue `'HS256'`
   */
  algorithm?: JwtAlgorithm;
}

/**
 * `salesbot-jwt`: a Salesbot `widget_request` (body `{ token, data, return_url }`, the token
 * signed with your client secret; HS512 as Kommo's PHP SDK verifies it).
 */
export interface SalesbotJwtVerifyOptions extends JwtVerifyOptions {
  scheme: 'salesbot-jwt';
  /** When set, the token's `aud` must be one of these. */
  audience?: string | readonly string[];
  /**
   * The token algorithm.
   *
   * @defaultValue `'HS512'`
   */
  algorithm?: JwtAlgorithm;
}

/**
 * `hmac`: a generic HMAC of the raw body in a header, for a signing relay you run in front of
 * Kommo (Kommo itself sends no such header).
 */
export interface HmacVerifyOptions extends CommonVerifyOptions {
  scheme: 'hmac';
  /**
   * The signature header. A `sha256=` style prefix in its value is ignored.
   *
   * @defaultValue `'x-signature'`
   */
  header?: string;
  /**
   * The hash.
   *
   * @defaultValue `'sha256'`
   */
  algorithm?: HmacAlgorithm;
  /**
   * How the signature is written.
   *
   * @defaultValue `'hex'`
   */
  encoding?: 'hex' | 'base64';
}

/** The options of {@link verifyWebhook}, by `scheme`. */
export type VerifyWebhookOptions =
  | UrlSecretVerifyOptions
  | DisconnectVerifyOptions
  | ChatsVerifyOptions
  | WidgetJwtVerifyOptions
  | SalesbotJwtVerifyOptions
  | HmacVerifyOptions;

/** Claims of the disconnect hook. */
export interface DisconnectClaims {
  client_uuid: string;
  account_id: number;
}

/** Claims of a widget's disposable token. */
export interface WidgetTokenClaims {
  /** The account URL. */
  iss?: string;
  /** Your integration's base URL. */
  aud?: string | string[];
  jti?: string;
  iat?: number;
  nbf?: number;
  exp: number;
  account_id?: number;
  user_id?: number;
  client_uuid?: string;
  subdomain?: string;
  [claim: string]: unknown;
}

/** Claims of a Salesbot `widget_request` token. */
export interface SalesbotTokenClaims {
  iss?: string;
  aud?: string | string[];
  iat?: number;
  nbf?: number;
  exp: number;
  account_id?: number;
  subdomain?: string;
  entity_type?: number | string;
  entity_id?: number;
  [claim: string]: unknown;
}

/** What a successful {@link verifyWebhook} resolves to, by scheme. */
export type WebhookVerification =
  | { scheme: 'url-secret' }
  | { scheme: 'disconnect'; claims: DisconnectClaims }
  | { scheme: 'chats' }
  | { scheme: 'widget-jwt'; claims: WidgetTokenClaims }
  | { scheme: 'salesbot-jwt'; claims: SalesbotTokenClaims }
  | { scheme: 'hmac' };

/** The result type for given options. */
export type WebhookVerificationFor<O extends VerifyWebhookOptions> = Extract<
  WebhookVerification,
  { scheme: O['scheme'] extends WebhookScheme ? O['scheme'] : 'url-secret' }
>;

/**
 * Checks that a webhook request is authentic, with the scheme `options.scheme` names.
 *
 * Standard Kommo webhooks carry no signature, so the default scheme, `url-secret`, checks the
 * secret you embedded in the destination URL (and, with `expectedAccount`, the account in the
 * body). `disconnect`, `chats`, `widget-jwt`, `salesbot-jwt` check Kommo's real signatures;
 * `hmac` checks a header added by your own signing relay. Everything runs on Web Crypto and
 * compares in constant time. When `input` is a `Request`, its body is read from a clone, so you
 * can still read it afterwards; the read stops at `maxBytes` and after `readTimeoutMs`, so an
 * unauthenticated sender cannot hold the request with a huge or trickling body.
 *
 * @param input - A Web `Request`, or `{ url, headers, body }` with the raw body.
 * @param options - The scheme and its secret.
 * @returns `{ scheme }`, plus `claims` for `disconnect` and the JWT schemes.
 * @throws {@link WebhookVerificationError} with `reason` `missing_signature`, `bad_signature`,
 *   `expired`, `not_yet_valid`, `wrong_account`, `wrong_client`, `wrong_audience`,
 *   `unsupported_algorithm` or `malformed` (also for a body over `maxBytes`, one slower than
 *   `readTimeoutMs`, an unparsable URL or an input that is not a request; `cause` says which).
 * @throws {@link ConfigurationError} when the options are unusable (an empty secret, a missing
 *   `clientUuid` or `audience`, an unknown scheme).
 *
 * @example
 * ```ts
 * // Registered destination: https://example.com/kommo/webhook?secret=<KOMMO_WEBHOOK_SECRET>
 * await verifyWebhook(request, {
 *   secret: process.env.KOMMO_WEBHOOK_SECRET!,
 *   expectedAccount: { id: 31204999 },
 * });
 * const { events } = parseWebhook(await request.text());
 * ```
 */
export async function verifyWebhook<const O extends VerifyWebhookOptions>(
  input: VerifyWebhookInput,
  options: O,
): Promise<WebhookVerificationFor<O>> {
  const { verification } = await verifyRequest(input, options);
  return verification as WebhookVerificationFor<O>;
}

/** What {@link verifyRequest} found. @internal */
export interface VerifiedRequest {
  verification: WebhookVerification;
  /** The decoded body, when the `expectedAccount` check decoded it. */
  form?: WebhookFormTree | undefined;
}

/**
 * {@link verifyWebhook}, also handing back the body's decoded form when the account check
 * decoded it (with `limits`), so the handler parses that instead of decoding the body again.
 *
 * @internal
 */
export async function verifyRequest(
  input: VerifyWebhookInput,
  options: VerifyWebhookOptions,
  limits?: WebhookParseLimits,
): Promise<VerifiedRequest> {
  const list: readonly unknown[] =
    typeof options.secret === 'string' ? [options.secret] : options.secret;
  if (!Array.isArray(list) || !list.length || list.some((s) => typeof s !== 'string' || !s)) {
    // An empty secret would make every request verify.
    throw new ConfigurationError('verifyWebhook needs a non-empty `secret`');
  }
  const secrets = list as readonly string[];
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const parts = requestParts(input, {
    maxBytes,
    timeoutMs: options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
  });
  // Every secret of a rotation is tried, so the time does not tell which one matched.
  const anyHmac = (algorithm: HmacAlgorithm, data: string | Uint8Array, signature?: Uint8Array) =>
    signature !== undefined &&
    anyMatch(secrets, (secret) => hmacVerify(algorithm, secret, data, signature));
  const scheme = options.scheme ?? 'url-secret';
  switch (options.scheme) {
    case undefined:
    case 'url-secret': {
      let given: string | null | undefined = parts.url.searchParams.get(options.param ?? 'secret');
      const at = options.pathSegment;
      if (at !== undefined) {
        const segments = parts.url.pathname.split('/').filter(Boolean);
        given = segments.at(at);
        try {
          given &&= decodeURIComponent(given);
        } catch {
          // A malformed escape is compared as it is.
        }
      }
      if (!given) throw fail('missing_signature', 'The webhook URL carries no secret');
      const secret = given;
      if (!(await anyMatch(secrets, (s) => timingSafeEqualText(s, secret)))) {
        throw fail('bad_signature', 'The webhook URL secret does not match');
      }
      let form: WebhookFormTree | undefined;
      if (options.expectedAccount) {
        form = await readBody(parts, (body) => decodeForm(body, { ...limits, maxBytes }));
        const account = form['account'];
        const record = isRecord(account) ? account : {};
        checkAccount(options.expectedAccount, record['id'], record['subdomain']);
      }
      return { verification: { scheme } as WebhookVerification, form };
    }
    case 'disconnect': {
      if (typeof options.clientUuid !== 'string' || !options.clientUuid) {
        throw new ConfigurationError('The disconnect scheme needs `clientUuid`');
      }
      const query = parts.url.searchParams;
      const signature = query.get('signature');
      const clientUuid = query.get('client_uuid');
      const accountId = query.get('account_id');
      if (!signature) throw fail('missing_signature', 'The disconnect hook has no signature');
      if (clientUuid === null || accountId === null) {
        throw fail('malformed', 'The disconnect hook lacks client_uuid or account_id');
      }
      if (!(await anyHmac('sha256', `${clientUuid}|${accountId}`, fromHex(signature)))) {
        throw fail('bad_signature', 'The disconnect hook signature does not match');
      }
      if (clientUuid !== options.clientUuid) {
        throw fail('wrong_client', 'The disconnect hook is for another integration');
      }
      const id = Number(accountId);
      if (!/^\d+$/.test(accountId) || !Number.isSafeInteger(id)) {
        throw fail('malformed', 'The disconnect hook account_id is not a number');
      }
      checkAccount(options.expectedAccount, accountId);
      const claims = { client_uuid: clientUuid, account_id: id };
      return { verification: { scheme, claims } as WebhookVerification };
    }
    case 'chats':
    case 'hmac': {
      const {
        header = 'x-signature',
        algorithm = 'sha256',
        encoding = 'hex',
      } = options as HmacVerifyOptions;
      const chats = scheme === 'chats';
      const value = parts.header(header)?.trim();
      if (!value) throw fail('missing_signature', `The ${header} header is missing`);
      // Accept `sha256=<sig>` as relays in the GitHub style send it.
      const given = value.replace(/^sha(1|256|512)=/i, '');
      const body = await readBody(parts, (bytes) => bytes);
      const signature = chats || encoding === 'hex' ? fromHex(given) : fromBase64(given);
      if (!(await anyHmac(chats ? 'sha1' : algorithm, body, signature))) {
        throw fail('bad_signature', `The ${header} signature does not match`);
      }
      return { verification: { scheme } as WebhookVerification };
    }
    case 'widget-jwt':
    case 'salesbot-jwt': {
      const widget = scheme === 'widget-jwt';
      const audience = options.audience;
      if (widget && !audience?.length) {
        throw new ConfigurationError('The widget-jwt scheme needs `audience` (your base URL)');
      }
      const token = widget
        ? bearer(parts, (options as WidgetJwtVerifyOptions).header ?? 'x-auth-token')
        : await salesbotToken(parts);
      const algorithm = options.algorithm ?? (widget ? 'HS256' : 'HS512');
      const jwt = token.split('.');
      if (jwt.length !== 3) throw fail('malformed', 'The token is not a JWT');
      const [head = '', payload = '', signed = ''] = jwt;
      if (jsonPart(head, 'header')['alg'] !== algorithm) {
        throw fail('unsupported_algorithm', `The token must be signed with ${algorithm}`);
      }
      const signature = fromBase64(signed);
      // Only the canonical encoding is accepted: spare low bits in the last character must
      // not let several strings stand for one signature.
      if (!signature || toBase64Url(signature) !== signed) {
        throw fail('malformed', 'The token signature is not base64url');
      }
      if (!(await anyHmac(jwtHash(algorithm), `${head}.${payload}`, signature))) {
        throw fail('bad_signature', 'The token signature does not match');
      }
      // Claims are read only after the signature holds, so nothing forged drives a decision.
      const claims = jsonPart(payload, 'payload');
      checkTimes(claims, options);
      if (audience !== undefined) {
        const strip = (url: unknown) => (typeof url === 'string' ? url.replace(/\/$/, '') : url);
        const expected = (typeof audience === 'string' ? [audience] : audience).map(strip);
        const aud = claims['aud'];
        const actual: unknown[] = Array.isArray(aud) ? aud : [aud];
        if (!actual.some((a) => typeof a === 'string' && expected.includes(strip(a)))) {
          throw fail('wrong_audience', 'The token audience is not this integration');
        }
      }
      const clientUuid = (options as WidgetJwtVerifyOptions).clientUuid;
      if (widget && clientUuid !== undefined && claims['client_uuid'] !== clientUuid) {
        throw fail('wrong_client', 'The token is for another integration');
      }
      checkAccount(options.expectedAccount, claims['account_id'], claims['subdomain']);
      return {
        verification: { scheme, claims } as WebhookVerification,
      };
    }
    default:
      throw new ConfigurationError(`Unknown webhook scheme ${JSON.stringify(scheme)}`);
  }
}

/** A token part: base64url of a JSON object, without keys that could reach a prototype. */
function jsonPart(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    const bytes = fromBase64(part);
    if (bytes && !/[+/=]/.test(part)) value = safeJsonParse(bytesToText(bytes));
  } catch {
    // Refused below, as every other part that is not a JSON object.
  }
  if (!isRecord(value)) throw fail('malformed', `The token ${what} is not base64url JSON`);
  return value;
}

/** `exp`, `nbf` and `iat` against the clock, with the tolerated skew. */
function checkTimes(claims: Record<string, unknown>, options: JwtVerifyOptions): void {
  const skew = options.clockSkewSec ?? 30;
  const now = Math.floor((options.now ?? Date.now)() / 1000);
  for (const name of ['exp', 'nbf', 'iat']) {
    const value = claims[name];
    if (value === undefined && name !== 'exp') continue;
    if (typeof value !== 'number')
      throw fail('malformed', `The token ${name} claim is not a number`);
    if (name === 'exp' ? now - skew >= value : value > now + skew) {
      throw name === 'exp'
        ? fail('expired', 'The token has expired')
        : fail('not_yet_valid', `The token is not valid yet (${name})`);
    }
  }
}

/**
 * The body, made into what `read` makes of it; a body the SDK refuses to read (too large, too
 * slow, not UTF-8…) fails verification as `malformed`, the refusal as its cause.
 */
async function readBody<T>(parts: RequestParts, read: (body: Uint8Array) => T): Promise<T> {
  try {
    return read(await parts.body());
  } catch (cause) {
    if (isKommoError(cause)) throw fail('malformed', 'The webhook body cannot be read', cause);
    throw cause;
  }
}

function checkAccount(expected: ExpectedAccount | undefined, id: unknown, subdomain?: unknown) {
  if (
    expected &&
    ((expected.id !== undefined && String(expected.id) !== String(id)) ||
      (expected.subdomain !== undefined &&
        (typeof subdomain !== 'string' ||
          subdomain.toLowerCase() !== expected.subdomain.toLowerCase())))
  ) {
    throw fail('wrong_account', 'The webhook is for another account');
  }
}

function bearer(parts: RequestParts, header: string): string {
  const token =
    parts
      .header(header)
      ?.trim()
      .replace(/^Bearer\s+/i, '') ||
    /^Bearer\s+(\S+)$/i.exec(parts.header('authorization')?.trim() ?? '')?.[1];
  if (!token) throw fail('missing_signature', 'The request carries no token');
  return token;
}

async function salesbotToken(parts: RequestParts): Promise<string> {
  const text = (await readBody(parts, bytesToText)).trim();
  let token: unknown;
  try {
    token = text.startsWith('{')
      ? (JSON.parse(text) as Record<string, unknown> | null)?.['token']
      : new URLSearchParams(text).get('token');
  } catch (cause) {
    throw fail('malformed', 'The Salesbot body is not valid JSON', cause);
  }
  if (typeof token !== 'string' || !token) {
    throw fail('missing_signature', 'The Salesbot request carries no token');
  }
  return token;
}
