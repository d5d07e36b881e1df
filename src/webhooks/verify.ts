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
  type HmacAlgorithm,
} from '../core/crypto.js';
import { WebhookVerificationError } from './errors.js';
import {
  bytesToText,
  DEFAULT_MAX_BYTES,
  decodeForm,
  type WebhookFormTree,
  type WebhookParseLimits,
} from './form.js';
import {
  DEFAULT_READ_TIMEOUT_MS,
  requestParts,
  type RequestParts,
  type VerifyWebhookInput,
} from './input.js';
import { verifyJwt, type JwtAlgorithm } from './jwt.js';

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
  const secrets = checkSecrets(options.secret);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const parts = requestParts(input, {
    maxBytes,
    timeoutMs: options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
  });
  if (isUrlSecret(options)) {
    const form = await verifyUrlSecret(parts, options, secrets, { ...limits, maxBytes });
    return { verification: { scheme: 'url-secret' }, form };
  }
  return { verification: await verifySigned(parts, options, secrets) };
}

function isUrlSecret(options: VerifyWebhookOptions): options is UrlSecretVerifyOptions {
  return options.scheme === undefined || options.scheme === 'url-secret';
}

function checkSecrets(secret: WebhookSecret): readonly string[] {
  const list: readonly unknown[] = typeof secret === 'string' ? [secret] : secret;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    list.some((s) => typeof s !== 'string' || s === '')
  ) {
    // An empty secret would make every request verify.
    throw new ConfigurationError('verifyWebhook needs a non-empty `secret`');
  }
  return list as readonly string[];
}

/** The schemes that check a signature or a token Kommo (or your relay) made. */
async function verifySigned(
  parts: RequestParts,
  options: Exclude<VerifyWebhookOptions, UrlSecretVerifyOptions>,
  secrets: readonly string[],
): Promise<WebhookVerification> {
  switch (options.scheme) {
    case 'disconnect':
      return { scheme: 'disconnect', claims: await verifyDisconnect(parts, options, secrets) };
    case 'chats':
      await verifyBodyHmac(parts, secrets, options.header ?? 'x-signature', 'sha1', 'hex');
      return { scheme: 'chats' };
    case 'hmac':
      await verifyBodyHmac(
        parts,
        secrets,
        options.header ?? 'x-signature',
        options.algorithm ?? 'sha256',
        options.encoding ?? 'hex',
      );
      return { scheme: 'hmac' };
    case 'widget-jwt': {
      if (options.audience === undefined || options.audience.length === 0) {
        throw new ConfigurationError('The widget-jwt scheme needs `audience` (your base URL)');
      }
      const token = bearer(parts, options.header ?? 'x-auth-token');
      const claims = await tokenClaims(token, options, secrets, 'HS256');
      if (options.clientUuid !== undefined && claims['client_uuid'] !== options.clientUuid) {
        throw new WebhookVerificationError('wrong_client', 'The token is for another integration');
      }
      checkAccount(options.expectedAccount, claims['account_id'], claims['subdomain']);
      return { scheme: 'widget-jwt', claims: claims as WidgetTokenClaims };
    }
    case 'salesbot-jwt': {
      const claims = await tokenClaims(await salesbotToken(parts), options, secrets, 'HS512');
      checkAccount(options.expectedAccount, claims['account_id'], claims['subdomain']);
      return { scheme: 'salesbot-jwt', claims: claims as SalesbotTokenClaims };
    }
    default:
      throw new ConfigurationError(
        `Unknown webhook scheme ${JSON.stringify((options as { scheme?: unknown }).scheme)}`,
      );
  }
}

/** The claims of a JWT scheme's token, checked with the scheme's options. */
function tokenClaims(
  token: string,
  options: WidgetJwtVerifyOptions | SalesbotJwtVerifyOptions,
  secrets: readonly string[],
  algorithm: JwtAlgorithm,
): Promise<Record<string, unknown>> {
  return verifyJwt(token, {
    secrets,
    algorithm: options.algorithm ?? algorithm,
    audience: options.audience,
    clockSkewSec: options.clockSkewSec ?? 30,
    nowSec: Math.floor((options.now ?? Date.now)() / 1000),
  });
}

/**
 * The body, made into what `read` makes of it; a body the SDK refuses to read (too large, too
 * slow, not UTF-8…) fails verification as `malformed`, the refusal as its cause.
 */
async function readBodyAs<T>(
  parts: RequestParts,
  read: (body: Uint8Array) => T,
  what = 'webhook',
): Promise<T> {
  try {
    return read(await parts.body());
  } catch (cause) {
    if (isKommoError(cause)) {
      throw new WebhookVerificationError('malformed', `The ${what} body cannot be read`, { cause });
    }
    throw cause;
  }
}

/** Checks the URL secret, then the account when pinned: the body's form, when it was decoded. */
async function verifyUrlSecret(
  parts: RequestParts,
  options: UrlSecretVerifyOptions,
  secrets: readonly string[],
  limits: WebhookParseLimits,
): Promise<WebhookFormTree | undefined> {
  let given: string | undefined;
  if (options.pathSegment !== undefined) {
    const segments = parts.url.pathname.split('/').filter((s) => s !== '');
    const index =
      options.pathSegment < 0 ? segments.length + options.pathSegment : options.pathSegment;
    const raw = segments[index];
    if (raw !== undefined) {
      try {
        given = decodeURIComponent(raw);
      } catch {
        given = raw;
      }
    }
  } else {
    given = parts.url.searchParams.get(options.param ?? 'secret') ?? undefined;
  }
  if (given === undefined || given === '') {
    throw new WebhookVerificationError('missing_signature', 'The webhook URL carries no secret');
  }
  if (!(await anyMatch(secrets, (secret) => timingSafeEqualText(secret, given)))) {
    throw new WebhookVerificationError('bad_signature', 'The webhook URL secret does not match');
  }
  if (options.expectedAccount === undefined) return undefined;
  const form = await readBodyAs(parts, (body) => decodeForm(body, limits));
  const account = form['account'];
  const record = isRecord(account) ? account : {};
  checkAccount(options.expectedAccount, record['id'], record['subdomain']);
  return form;
}

function checkAccount(
  expected: ExpectedAccount | undefined,
  id: unknown,
  subdomain: unknown,
): void {
  if (expected === undefined) return;
  if (expected.id !== undefined && String(expected.id) !== String(id)) {
    throw new WebhookVerificationError('wrong_account', 'The webhook is for another account');
  }
  if (
    expected.subdomain !== undefined &&
    (typeof subdomain !== 'string' || subdomain.toLowerCase() !== expected.subdomain.toLowerCase())
  ) {
    throw new WebhookVerificationError('wrong_account', 'The webhook is for another account');
  }
}

async function verifyDisconnect(
  parts: RequestParts,
  options: DisconnectVerifyOptions,
  secrets: readonly string[],
): Promise<DisconnectClaims> {
  if (typeof options.clientUuid !== 'string' || options.clientUuid === '') {
    throw new ConfigurationError('The disconnect scheme needs `clientUuid` (your integration id)');
  }
  const query = parts.url.searchParams;
  const signature = query.get('signature');
  const clientUuid = query.get('client_uuid');
  const accountId = query.get('account_id');
  if (signature === null || signature === '') {
    throw new WebhookVerificationError('missing_signature', 'The disconnect hook has no signature');
  }
  if (clientUuid === null || accountId === null) {
    throw new WebhookVerificationError(
      'malformed',
      'The disconnect hook lacks client_uuid or account_id',
    );
  }
  const bytes = fromHex(signature);
  if (
    bytes === undefined ||
    !(await anyHmac(secrets, 'sha256', `${clientUuid}|${accountId}`, bytes))
  ) {
    throw new WebhookVerificationError(
      'bad_signature',
      'The disconnect hook signature does not match',
    );
  }
  if (clientUuid !== options.clientUuid) {
    throw new WebhookVerificationError(
      'wrong_client',
      'The disconnect hook is for another integration',
    );
  }
  const id = Number(accountId);
  if (!/^\d+$/.test(accountId) || !Number.isSafeInteger(id)) {
    throw new WebhookVerificationError(
      'malformed',
      'The disconnect hook account_id is not a number',
    );
  }
  checkAccount(options.expectedAccount, accountId, undefined);
  return { client_uuid: clientUuid, account_id: id };
}

function anyHmac(
  secrets: readonly string[],
  algorithm: HmacAlgorithm,
  data: string | Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  return anyMatch(secrets, (secret) => hmacVerify(algorithm, secret, data, signature));
}

async function verifyBodyHmac(
  parts: RequestParts,
  secrets: readonly string[],
  header: string,
  algorithm: HmacAlgorithm,
  encoding: 'hex' | 'base64',
): Promise<void> {
  let value = parts.header(header)?.trim();
  if (value === undefined || value === '') {
    throw new WebhookVerificationError('missing_signature', `The ${header} header is missing`);
  }
  // Accept `sha256=<sig>` as relays in the GitHub style send it.
  const prefix = /^(sha1|sha256|sha512)=/i.exec(value);
  if (prefix) value = value.slice(prefix[0].length);
  const signature = encoding === 'hex' ? fromHex(value) : fromBase64(value);
  const body = await readBodyAs(parts, (bytes) => bytes);
  if (signature === undefined || !(await anyHmac(secrets, algorithm, body, signature))) {
    throw new WebhookVerificationError('bad_signature', `The ${header} signature does not match`);
  }
}

function bearer(parts: RequestParts, header: string): string {
  const direct = parts.header(header)?.trim();
  if (direct) return direct.replace(/^Bearer\s+/i, '');
  const authorization = parts.header('authorization')?.trim();
  const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  if (match?.[1]) return match[1];
  throw new WebhookVerificationError('missing_signature', 'The request carries no token');
}

async function salesbotToken(parts: RequestParts): Promise<string> {
  const text = await readBodyAs(parts, (body) => bytesToText(body), 'Salesbot');
  let token: unknown;
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      token = (JSON.parse(trimmed) as Record<string, unknown> | null)?.['token'];
    } catch (cause) {
      throw new WebhookVerificationError('malformed', 'The Salesbot body is not valid JSON', {
        cause,
      });
    }
  } else {
    token = new URLSearchParams(trimmed).get('token') ?? undefined;
  }
  if (typeof token !== 'string' || token === '') {
    throw new WebhookVerificationError(
      'missing_signature',
      'The Salesbot request carries no token',
    );
  }
  return token;
}
