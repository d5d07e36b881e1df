/**
 * The SDK's error hierarchy. Every error the SDK throws is a {@link KommoError}; API answers
 * become a {@link KommoApiError} subclass through {@link toKommoError} and nowhere else.
 *
 * No error ever carries a token: messages are built from the method, the path and Kommo's
 * `detail`, the URL is redacted, and `cause` is never a raw HTTP-library error (those hold the
 * request with its `Authorization` header).
 *
 * @module
 */

import { HTTP_STATUS_TITLES } from '../facts.js';
import { redactUrl } from './redact.js';

const BRAND = Symbol.for('kommo-sdk.error');

/** Machine-readable error codes. Stable across versions: branch on these, not on messages. */
export type KommoErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'reauthorization_required'
  | 'payment_required'
  | 'permission_denied'
  | 'account_blocked'
  | 'not_found'
  | 'rate_limited'
  | 'server_error'
  | 'unexpected_redirect'
  | 'connection_error'
  | 'timeout'
  | 'aborted'
  | 'oauth_error'
  | 'invalid_request'
  | 'invalid_response'
  | 'configuration_error'
  | 'token_store_error'
  | 'batch_failed'
  | 'upload_interrupted'
  | 'webhook_verification_failed'
  | 'webhook_malformed';

/**
 * Whether a failed write reached Kommo.
 *
 * - `not_applied`: Kommo refused the request (a 4xx, incl. 429) or it never left the process;
 *   sending it again is safe.
 * - `unknown`: the request may have been applied (a 5xx, a timeout or a reset after sending).
 *   The SDK never replays such a write; re-read before sending it again.
 */
export type WriteOutcome = 'not_applied' | 'unknown';

/** HTTP methods the SDK sends. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'HEAD';

/** One error Kommo reported for one field of one submitted item. */
export interface KommoFieldError {
  /** Kommo's error code, e.g. `NotSupportedChoice`, `InvalidType`, `FieldMissing`. */
  code: string;
  /** Dot path into the submitted item, e.g. `custom_fields_values.0.field_id`. */
  path: string;
  /** Kommo's human-readable explanation. */
  detail: string;
}

/** The validation errors of one submitted item, as Kommo's `validation-errors` lists them. */
export interface KommoValidationError {
  /** The `request_id` Kommo echoed (your value, or the item's index as a string). */
  requestId: string;
  /** The input index, when the SDK could map `requestId` back to the item it sent. */
  index?: number;
  /** The field errors of that item. */
  errors: KommoFieldError[];
}

/** Options common to every {@link KommoError}. */
export interface KommoErrorOptions {
  /** The underlying error. */
  cause?: unknown;
  /** For POST/PATCH/PUT: whether the write may have been applied. */
  writeOutcome?: WriteOutcome;
}

/**
 * Root of every error the SDK throws.
 *
 * Use {@link isKommoError} rather than `instanceof` when the ESM and CJS builds may both be
 * loaded in one process.
 */
export class KommoError extends Error {
  /** Stable machine-readable code. */
  readonly code: KommoErrorCode;
  /** For writes (POST/PATCH/PUT): whether Kommo may have applied the request. */
  readonly writeOutcome?: WriteOutcome;

  /** @internal */
  readonly [BRAND] = true;

  constructor(code: KommoErrorCode, message: string, options: KommoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    if (options.writeOutcome !== undefined) this.writeOutcome = options.writeOutcome;
  }
}

/** Returns true for any error thrown by this SDK (works across dual ESM/CJS copies). */
export function isKommoError(error: unknown): error is KommoError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[BRAND] === true
  );
}

/** Fields of an {@link KommoApiError}, as passed to its constructor. */
export interface KommoApiErrorInit extends KommoErrorOptions {
  status: number;
  method: HttpMethod;
  /** Full request URL; it is redacted before it is stored. */
  url: string;
  /** Path of the request, used in the message. */
  path: string;
  title?: string | undefined;
  detail?: string | undefined;
  type?: string | undefined;
  hint?: string | undefined;
  requestId?: string | undefined;
  validationErrors?: KommoValidationError[];
  /** Parsed JSON body, or the raw text when it was not JSON (HTML block pages). */
  body?: unknown;
}

/** An HTTP error answer from Kommo. See the subclasses for the status-specific ones. */
export class KommoApiError extends KommoError {
  /** HTTP status. */
  readonly status: number;
  /** Problem-JSON `title` (localized by Kommo: do not branch on it). */
  readonly title?: string;
  /** Problem-JSON `detail` (localized by Kommo: do not branch on it). */
  readonly detail?: string;
  /**
   * Problem-JSON `type`; for the Chats API, its `error_type` (`ORIGIN_INVALID_SIGNATURE`, …),
   * stable enough to branch on.
   */
  readonly type?: string;
  /** OAuth `hint`, where Kommo sent one. */
  readonly hint?: string;
  /** Kommo's `X-Request-Id` response header, when present. Quote it to Kommo's support. */
  readonly requestId?: string;
  /** Per-item validation errors (`validation-errors` of a 400), empty when there are none. */
  readonly validationErrors: KommoValidationError[];
  /** Request method. */
  readonly method: HttpMethod;
  /** Request URL with secret-looking query parameters redacted. */
  readonly url: string;
  /** The answer body: parsed JSON, or text when it was not JSON. */
  readonly body: unknown;

  constructor(code: KommoErrorCode, init: KommoApiErrorInit, message?: string) {
    super(code, message ?? apiErrorMessage(init), init);
    this.status = init.status;
    if (init.title !== undefined) this.title = init.title;
    if (init.detail !== undefined) this.detail = init.detail;
    if (init.type !== undefined) this.type = init.type;
    if (init.hint !== undefined) this.hint = init.hint;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    this.validationErrors = init.validationErrors ?? [];
    this.method = init.method;
    this.url = redactUrl(init.url);
    this.body = init.body;
  }
}

/** 400 (and 422): Kommo refused the request; see {@link KommoApiError.validationErrors}. */
export class BadRequestError extends KommoApiError {}
/** 401: missing, expired or revoked token (code `unauthorized` or `reauthorization_required`). */
export class AuthenticationError extends KommoApiError {}
/** 402: the account's subscription has ended. */
export class PaymentRequiredError extends KommoApiError {}
/**
 * 403: no rights for the method, or the account/IP is blocked (code `account_blocked`, usually
 * an HTML body) after repeated rate-limit violations.
 */
export class PermissionDeniedError extends KommoApiError {}
/**
 * Kommo blocked the account (or the IP) after repeated rate-limit violations: its bare HTML
 * `403` page, lifted only through Kommo's support. Code `account_blocked`.
 *
 * Seeing it opens the account's breaker (see the `breaker` client option): while it is open,
 * requests fail with this error *without being sent* (`sent: false`, `retryAt` says when one
 * probe request may go), or wait, as `breaker.whenOpen` says. `hooks.onBlocked` has what
 * Kommo's support asks for.
 */
export class AccountBlockedError extends PermissionDeniedError {
  /** When the breaker lets one probe request through (epoch ms), when known. */
  readonly retryAt?: number;
  /** `false` when the SDK did not send the request because the breaker was open. */
  readonly sent: boolean;
  constructor(init: KommoApiErrorInit & { retryAt?: number; sent?: boolean }, message?: string) {
    super('account_blocked', init, message);
    if (init.retryAt !== undefined) this.retryAt = init.retryAt;
    this.sent = init.sent ?? true;
  }
}
/** 404, or a 204 answer to a single-entity GET (Kommo's "no such entity"). */
export class NotFoundError extends KommoApiError {}
/** 429 after the retries ran out. `retryAfterMs` is Kommo's hint, when it gave one. */
export class RateLimitError extends KommoApiError {
  /** The wait Kommo asked for (header `Retry-After` or body `retry_after`), in milliseconds. */
  readonly retryAfterMs?: number;
  constructor(init: KommoApiErrorInit & { retryAfterMs?: number | undefined }) {
    super('rate_limited', init);
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
  }
}
/** 5xx. For writes `writeOutcome` is `unknown`: the SDK does not replay them. */
export class ServerError extends KommoApiError {}

/**
 * 3xx: the SDK never follows a redirect, to the same host or another. Kommo's API does not
 * redirect a valid request, so a redirect means a wrong `domain`/`baseUrl`, a moved account or a
 * proxy in the way; following it would send the token (and replay a write, or turn a POST into
 * a GET) wherever the answer points. Fix the address instead: `location` says where it pointed.
 * A write answered with a redirect was not applied, except after `303 See Other`
 * (`writeOutcome: 'unknown'`).
 */
export class RedirectError extends KommoApiError {
  /**
   * The absolute target of the redirect (`Location` resolved against the request URL), with
   * credentials, secret-looking parameters and the SDK's own secrets redacted. `undefined` when
   * the answer had no `Location`.
   */
  readonly location?: string;
  constructor(init: KommoApiErrorInit & { location?: string | undefined }) {
    super(
      'unexpected_redirect',
      init,
      `${init.status} Redirect ${init.location ? `to ${init.location} ` : ''}not followed (${init.method} ${init.path}): check \`domain\`/\`baseUrl\``,
    );
    if (init.location !== undefined) this.location = init.location;
  }
}

/** The request did not get an HTTP answer (DNS, refused, reset). */
export class ConnectionError extends KommoError {
  constructor(
    message: string,
    options: KommoErrorOptions & { code?: 'connection_error' | 'timeout' } = {},
  ) {
    super(options.code ?? 'connection_error', message, options);
  }
}
/** No answer within `timeoutMs`. */
export class RequestTimeoutError extends ConnectionError {
  constructor(message: string, options: KommoErrorOptions = {}) {
    super(message, { ...options, code: 'timeout' });
  }
}
/** The caller's `AbortSignal` fired. */
export class RequestAbortedError extends KommoError {
  constructor(message = 'Request aborted', options: KommoErrorOptions = {}) {
    super('aborted', message, options);
  }
}

/** Fields of an {@link OAuthError}. */
export interface OAuthErrorInit extends KommoErrorOptions {
  status?: number | undefined;
  hint?: string | undefined;
  title?: string | undefined;
  detail?: string | undefined;
  body?: unknown;
}

/**
 * The OAuth token endpoint refused a code exchange or a refresh. Branch on `status` and `hint`
 * (`Authorization code has expired`, `Token has been revoked`, …), never on the localized
 * `title`/`detail`.
 */
export class OAuthError extends KommoError {
  /** HTTP status of the token endpoint's answer. */
  readonly status?: number;
  /** Kommo's `hint`, the only stable description of the cause. */
  readonly hint?: string;
  /** Localized title. */
  readonly title?: string;
  /** Localized detail. */
  readonly detail?: string;
  /** Answer body (JSON or text), with any token redacted. */
  readonly body?: unknown;
  constructor(message: string, init: OAuthErrorInit = {}) {
    super('oauth_error', message, init);
    if (init.status !== undefined) this.status = init.status;
    if (init.hint !== undefined) this.hint = init.hint;
    if (init.title !== undefined) this.title = init.title;
    if (init.detail !== undefined) this.detail = init.detail;
    if (init.body !== undefined) this.body = init.body;
  }
}

/** One problem found in input or in an answer. */
export interface ValidationIssue {
  /** Path to the offending value, e.g. `['filter', 'id', 0]`. */
  path: Array<string | number>;
  /** What is wrong. */
  message: string;
}

/** Input rejected by the SDK before anything was sent (a misspelt key, a `limit` of 300…). */
export class RequestValidationError extends KommoError {
  /** Every problem found, with its path. */
  readonly issues: ValidationIssue[];
  constructor(message: string, issues: ValidationIssue[] = [], options: KommoErrorOptions = {}) {
    super('invalid_request', message, { writeOutcome: 'not_applied', ...options });
    this.issues = issues;
  }
}

/** Kommo answered with something the SDK cannot use (see `validateResponses`). */
export class ResponseValidationError extends KommoError {
  /** Every problem found, with its path. */
  readonly issues: ValidationIssue[];
  /** The raw answer body. */
  readonly body: unknown;
  /** Kommo's `X-Request-Id`, when present. */
  readonly requestId?: string;
  constructor(
    message: string,
    init: {
      issues?: ValidationIssue[];
      body?: unknown;
      requestId?: string | undefined;
    } & KommoErrorOptions = {},
  ) {
    super('invalid_response', message, init);
    this.issues = init.issues ?? [];
    this.body = init.body;
    if (init.requestId !== undefined) this.requestId = init.requestId;
  }
}

/** Wrong client options (an unknown domain, conflicting auth modes…). Thrown before any request. */
export class ConfigurationError extends KommoError {
  constructor(message: string, options: KommoErrorOptions = {}) {
    super('configuration_error', message, options);
  }
}

/** The {@link TokenStore} failed to read or write. The previous token pair stays in place. */
export class TokenStoreError extends KommoError {
  constructor(message: string, options: KommoErrorOptions = {}) {
    super('token_store_error', message, options);
  }
}

const STATUS_TEXT = HTTP_STATUS_TITLES;

function apiErrorMessage(init: KommoApiErrorInit): string {
  const reason = STATUS_TEXT[init.status] ?? (init.status >= 500 ? 'Server Error' : 'HTTP Error');
  const detail =
    init.detail ?? init.hint ?? (typeof init.body === 'string' ? undefined : init.title);
  const summary = detail ? `${reason}: ${truncate(detail, 300)}` : reason;
  return `${init.status} ${summary} (${init.method} ${init.path})`;
}

function truncate(text: string, max: number): string {
  const single = text.replace(/\s+/g, ' ').trim();
  return single.length > max ? `${single.slice(0, max - 1)}…` : single;
}

/** Whether a value is a non-null, non-array object: the SDK's one such check. @internal */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** Reads Kommo's `validation-errors` (tolerating the odd shapes seen in the wild). @internal */
export function parseValidationErrors(body: unknown): KommoValidationError[] {
  if (!isRecord(body)) return [];
  const raw = body['validation-errors'] ?? body['validation_errors'];
  if (!Array.isArray(raw)) return parseItemErrors(body);
  const out: KommoValidationError[] = [];
  for (const entry of raw) {
    if (!isRecord(entry)) continue;
    const errors: KommoFieldError[] = [];
    if (Array.isArray(entry['errors'])) {
      for (const e of entry['errors']) {
        if (!isRecord(e)) continue;
        errors.push({
          code: str(e['code']) ?? '',
          path: str(e['path']) ?? '',
          detail: str(e['detail']) ?? '',
        });
      }
    }
    out.push({ requestId: str(entry['request_id']) ?? '', errors });
  }
  return out;
}

/**
 * Reads the third 400 shape, `/api/v4/calls`'s `{ _total_items, errors: [{ title, … }] }`: one
 * entry per refused item, keyed by its `request_id` when Kommo sends one. Only bodies with
 * `_total_items` qualify, so a stray `errors` key elsewhere is not read as item errors.
 *
 * @internal
 */
export function parseItemErrors(body: Record<string, unknown>): KommoValidationError[] {
  const raw = body['errors'];
  if (!('_total_items' in body) || !Array.isArray(raw)) return [];
  return raw.filter(isRecord).map((e) => ({
    requestId: str(e['request_id']) ?? '',
    errors: [
      {
        code: str(e['code']) ?? str(e['title']) ?? '',
        path: str(e['path']) ?? '',
        detail: str(e['detail']) ?? str(e['title']) ?? '',
      },
    ],
  }));
}

/** What {@link toKommoError} needs to know about a failed answer. @internal */
export interface ErrorResponseInfo {
  status: number;
  method: HttpMethod;
  url: string;
  path: string;
  body: unknown;
  requestId?: string | undefined;
  retryAfterMs?: number | undefined;
  /** A redirect's target, already resolved and scrubbed. */
  location?: string | undefined;
  /**
   * Set when the SDK itself decided the token cannot be refreshed any more: why, as the whole
   * message. The answer then maps to {@link AuthenticationError} `reauthorization_required`
   * whatever its status (Kommo refuses a dead refresh token with 400, 401 or 403).
   */
  reauthorization?: string | undefined;
  cause?: unknown;
}

/** Whether the method writes, so errors carry a {@link WriteOutcome}. @internal */
export function isWriteMethod(method: HttpMethod): boolean {
  return method === 'POST' || method === 'PATCH' || method === 'PUT';
}

/**
 * Maps an HTTP error answer to the matching {@link KommoApiError} subclass. The one place that
 * turns statuses into classes.
 *
 * @internal
 */
export function toKommoError(info: ErrorResponseInfo): KommoApiError {
  const body = info.body;
  const json = isRecord(body) ? body : undefined;
  const init: KommoApiErrorInit & {
    retryAfterMs?: number | undefined;
    location?: string | undefined;
  } = {
    status: info.status,
    method: info.method,
    url: info.url,
    path: info.path,
    title: str(json?.['title']),
    // The Chats API (amojo) answers `{status, error_code, error_type, error_description}`.
    detail: str(json?.['detail']) ?? str(json?.['error_description']),
    type: str(json?.['type']) ?? str(json?.['error_type']),
    hint: str(json?.['hint']),
    requestId: info.requestId,
    validationErrors: parseValidationErrors(json),
    body,
    retryAfterMs: info.retryAfterMs,
    location: info.location,
    cause: info.cause,
  };
  const s = info.status;
  if (isWriteMethod(info.method)) {
    // 303 See Other is how a server says "done, the result is over there".
    init.writeOutcome = s >= 500 || s === 303 ? 'unknown' : 'not_applied';
  }
  // Status 0: a fetch that hides manual redirects behind an opaque answer (browsers).
  if ((s >= 300 && s < 400) || s === 0) return new RedirectError(init);
  if (info.reauthorization !== undefined) {
    return new AuthenticationError('reauthorization_required', init, info.reauthorization);
  }
  if (s === 400 || s === 422) return new BadRequestError('bad_request', init);
  if (s === 401) return new AuthenticationError('unauthorized', init);
  if (s === 402) return new PaymentRequiredError('payment_required', init);
  if (s === 403) {
    // Kommo's block page is a bare nginx HTML 403; a JSON 403 means missing rights.
    return json
      ? new PermissionDeniedError('permission_denied', init)
      : new AccountBlockedError(init);
  }
  if (s === 404) return new NotFoundError('not_found', init);
  if (s === 429) return new RateLimitError(init);
  if (s >= 500) return new ServerError('server_error', init);
  return new KommoApiError('bad_request', init);
}
