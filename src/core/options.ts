/**
 * Client options, per-request options, hooks and logging types.
 *
 * @module
 */

import type { BlockedEvent, BreakerOptions } from './breaker.js';
import type { HttpMethod, KommoError } from './errors.js';
import type { QueryInput } from './query.js';
import type { RateLimitOption } from './rate-limit.js';
import type { TokenSet, TokenStore } from './token-store.js';
import type { OAuthTokenResponse } from './oauth.js';

/** The OAuth integration's credentials (Kommo → Settings → Integrations → Keys and scopes). */
export interface OAuthCredentials {
  /** Integration id (a uuid). */
  clientId: string;
  /** Secret key. */
  clientSecret: string;
  /** The redirect URI registered for the integration, exactly. */
  redirectUri: string;
}

/** Any console-like logger: `console`, pino, winston… The SDK never logs a token. */
export interface Logger {
  /** Every answer: `kommo-sdk: GET /api/v4/leads 200 123ms`, and cancellations. */
  debug?(message: string, data?: Record<string, unknown>): void;
  /** Not used by the SDK today; accepted so any console-like logger fits. */
  info?(message: string, data?: Record<string, unknown>): void;
  /** Retries, failed proactive refreshes, throwing hooks. */
  warn?(message: string, data?: Record<string, unknown>): void;
  /** Calls that finally failed. */
  error?(message: string, data?: Record<string, unknown>): void;
}

/** What every hook receives. It never contains a token. */
export interface RequestEvent {
  /** HTTP method. */
  method: HttpMethod;
  /** Request path without the query string, e.g. `/api/v4/leads`. */
  path: string;
  /** 1 for the first try, 2 for the first retry, … */
  attempt: number;
  /** HTTP status, once there is an answer. */
  status?: number;
  /** Time of this attempt, from sending to the answer (or the failure), in milliseconds. */
  durationMs?: number;
  /** Kommo's `X-Request-Id`, when present. */
  requestId?: string;
  /** The error, for `onRetry` (the one that caused it) and `onError`. */
  error?: KommoError;
  /** For `onRetry`: how long the SDK waits before the next attempt. */
  delayMs?: number;
}

/** What `onRefresh` receives. It never contains a token. */
export interface RefreshEvent {
  /** Account key (host) whose token was refreshed. */
  account: string;
  /** Why: `expiring` (proactive), `unauthorized` (after a 401) or `store` (taken from the store). */
  reason: 'expiring' | 'unauthorized' | 'store';
  /** Duration of the refresh, in milliseconds. */
  durationMs: number;
  /** New expiry, unix seconds. */
  expiresAt: number;
}

/**
 * Observability hooks: count requests, time them, see errors. Errors thrown by a hook are
 * logged and ignored; hooks never see a token.
 */
export interface Hooks {
  /** Before each attempt is sent. */
  onRequest?(event: RequestEvent): void;
  /** After each answer (any status). */
  onResponse?(event: RequestEvent): void;
  /** Before the SDK waits and retries an attempt. */
  onRetry?(event: RequestEvent): void;
  /** After a token refresh succeeded. */
  onRefresh?(event: RefreshEvent): void;
  /** When a call finally fails (after retries). */
  onError?(event: RequestEvent): void;
  /**
   * When Kommo blocks the account (its HTML 403 page, or `breaker.max429` 429s): once per
   * block, with what Kommo's support asks for (account host, time, the last request ids, your
   * outbound address if you gave it). Never a token.
   */
  onBlocked?(event: BlockedEvent): void;
}

/** Retry timing. Tests set both delays to 0. */
export interface RetryOptions {
  /**
   * First backoff step; attempt n waits a random time in `[0, min(maxDelayMs, baseDelayMs * 2^n))`
   * (full jitter).
   * @defaultValue 500
   */
  baseDelayMs?: number;
  /**
   * Ceiling of any wait between attempts. A `Retry-After` (or Kommo's `retry_after`) above it is
   * not slept: the SDK backs off up to the ceiling instead and, when retries run out, throws
   * {@link RateLimitError} carrying the hint.
   * @defaultValue 5000
   */
  maxDelayMs?: number;
  /** Replaces the wait (tests pass `async () => {}`). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Options of {@link Kommo}. Give `domain` (or `baseUrl`) and one auth mode. */
export interface KommoOptions {
  /**
   * The account: `acme` (= `acme.kommo.com`), `acme.kommo.com`, `acme.amocrm.ru`,
   * `acme.amocrm.com`, with or without `https://`. Anything else is refused.
   */
  domain?: string;
  /**
   * Explicit base URL (a proxy, the sandbox). Never derived from data Kommo sends. Plain `http`
   * is accepted only for loopback hosts.
   */
  baseUrl?: string;
  /** Long-lived token (private integrations) or any token you manage: never refreshed. */
  accessToken?: string;
  /** OAuth mode: the integration's credentials; needs `tokenStore`. */
  oauth?: OAuthCredentials;
  /** Where OAuth token pairs live, keyed by account host. Required with `oauth`. */
  tokenStore?: TokenStore;
  /** Initial pair, written to the store only when it has none for this account. */
  tokens?: TokenSet | OAuthTokenResponse;
  /**
   * Refresh when the access token expires within this many seconds.
   * @defaultValue 300
   */
  refreshMarginSec?: number;
  /**
   * Time allowed for one attempt, in milliseconds.
   * @defaultValue 30000
   */
  timeoutMs?: number;
  /**
   * Retries after the first attempt (network errors, 408, 429, 5xx for reads; 429 for writes).
   * @defaultValue 3
   */
  maxRetries?: number;
  /** Retry timing. */
  retry?: RetryOptions;
  /**
   * Client-side pacing per account. `false` turns it off.
   * @defaultValue `{ requestsPerSecond: 7 }`, shared by every client of the account in the process
   */
  rateLimit?: RateLimitOption;
  /**
   * The account-block breaker: Kommo's HTML 403 block page always opens it; `max429` also opens
   * it on a storm of 429s. While it is open, requests fail with `AccountBlockedError` without
   * being sent, or wait (`whenOpen`); after `coolDownMs` one probe request goes. See
   * `kommo.breaker`.
   * @defaultValue `{ whenOpen: 'fail', coolDownMs: 60000 }`, no `max429`
   */
  breaker?: BreakerOptions;
  /** A `fetch` implementation. @defaultValue `globalThis.fetch`, looked up on every request */
  fetch?: typeof fetch;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** A console-like logger. @defaultValue silent */
  logger?: Logger;
  /** Observability hooks. */
  hooks?: Hooks;
  /**
   * Validate answers against the SDK's schemas. Turn off only as an escape hatch.
   * @defaultValue true
   */
  validateResponses?: boolean;
}

/** Options every call takes as its last argument. */
export interface RequestOptions {
  /** Cancels the call (also while it waits for the rate limiter or a retry). */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

/** A raw request for endpoints the SDK does not wrap yet. */
export interface KommoRequest {
  /** HTTP method. */
  method: HttpMethod;
  /** Full path on the account host, e.g. `/api/v4/leads` or `/oauth2/account/current/subdomain`. */
  path: string;
  /** Query parameters, serialized in Kommo's bracket style. */
  query?: QueryInput;
  /** JSON body. */
  body?: unknown;
}
