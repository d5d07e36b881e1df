/**
 * The HTTP core: one attempt through ky, and the loop around it that paces, authenticates,
 * retries, times and maps errors. ky stays inside this file; nothing of it escapes.
 *
 * Why a loop of our own around ky rather than ky's `retry`: Kommo's wait hint lives in the
 * 429 *body* (`retry_after`), writes must be replayed after a 429 but never after a 5xx or a
 * timeout, every attempt has to pass the shared rate limiter, and the 401 refresh replays once
 * without counting as a retry. ky 1.x cannot express these (and ky 2 changes its hook
 * semantics), so ky does one attempt (URL, headers, body, timeout, fetch) and this file does
 * the policy.
 *
 * @module
 */

import ky, { TimeoutError } from 'ky';
import {
  accountBreaker,
  type AccountBreaker,
  type BlockedEvent,
  type BreakerOptions,
} from './breaker.js';
import {
  AccountBlockedError,
  ConnectionError,
  KommoError,
  RequestAbortedError,
  RequestTimeoutError,
  RequestValidationError,
  ResponseValidationError,
  isKommoError,
  isWriteMethod,
  toKommoError,
  type HttpMethod,
} from './errors.js';
import type { Hooks, Logger, RequestEvent, RequestOptions, RetryOptions } from './options.js';
import { toSearchParams, type QueryInput } from './query.js';
import type { RateLimiter, RateLimitSlot } from './rate-limit.js';
import { redactUrl, scrubKnownSecrets, scrubText } from './redact.js';
import { fitsOneFlight, watchWrite } from './wire.js';
import {
  DEFAULT_BASE_DELAY_MS,
  DEFAULT_MAX_DELAY_MS,
  isRetryableNetworkError,
  isRetryableStatus,
  retryAfterMs,
  retryDelayMs,
  sleep,
} from './retry.js';
import { VERSION } from '../version.js';

/**
 * A raw answer: status, headers and the body (parsed JSON, text, or `undefined` when empty).
 * Everything in it but `headers` is already scrubbed of the request's secrets (see
 * {@link HttpClient.send}).
 */
export interface RawResponse {
  status: number;
  /** The answer's headers as received (not scrubbed: read only what you need, never log them). */
  headers: Headers;
  /** Parsed JSON; the text when it is not JSON; `undefined` for 204 or an empty body. */
  body: unknown;
  /** Kommo's `X-Request-Id`. */
  requestId: string | undefined;
  /** For a redirect: where it pointed, resolved against the request URL and redacted. */
  location?: string | undefined;
  /** Whether `body` came from JSON. */
  isJson: boolean;
}

/** One request as the core sends it. */
export interface CoreRequest {
  method: HttpMethod;
  path: string;
  query?: QueryInput | undefined;
  body?: unknown;
  /** Send this body as `application/x-www-form-urlencoded` instead of JSON. */
  form?: boolean;
  /**
   * A body already serialized, sent byte for byte instead of `body` (JSON content type): what a
   * {@link HttpClientConfig.sign} hook signs is exactly what goes out.
   */
  rawBody?: string | Uint8Array<ArrayBuffer>;
  /**
   * Another host of the same account (its Drive), for this request only: same auth, pacing,
   * retries and errors. The caller has validated it (see `core/domain.ts`); `path` is on it.
   */
  baseUrl?: string | undefined;
}

/** What a {@link HttpClientConfig.sign} hook signs: the request as it will be sent. */
interface SignableRequest {
  method: HttpMethod;
  /** The path without host and query. */
  path: string;
  /** The exact body bytes (`rawBody`), `undefined` when there is none. */
  body: string | Uint8Array | undefined;
}

/** Supplies the bearer token and handles 401s. */
export interface AuthProvider {
  /** The token for the next attempt (may refresh proactively), or `undefined` for none. */
  token(signal?: AbortSignal): Promise<string | undefined>;
  /**
   * Called once per call after a 401 answered to `usedToken`. Resolves `true` when a fresh
   * token is ready and the request should be replayed, `false` when there is nothing to do.
   */
  refreshAfterUnauthorized(usedToken: string | undefined, signal?: AbortSignal): Promise<boolean>;
  /**
   * Every secret the provider knows now (the current pair, the client secret), scrubbed from
   * each answer along with the token that request actually carried. Synchronous and cheap: it
   * is called once per attempt.
   */
  secrets?(): ReadonlyArray<string | undefined>;
  /**
   * Whether a refresh of this account's pair is in flight now. A request granted its rate-limit
   * slot meanwhile gives the slot back and waits for the new token instead of spending the
   * slot, and a replay, on a token the refresh is replacing.
   */
  refreshing?(): boolean;
}

/**
 * How {@link HttpClient.request} treats one request beyond its {@link RequestOptions}: what the
 * OAuth token endpoint needs to go through the same pacing, retries, hooks and scrubbing as
 * every API call.
 *
 * @internal
 */
export interface RequestPolicy {
  /**
   * Send no bearer token and skip the 401 refresh: the request authenticates itself (the token
   * endpoint, with the client secret in the body). Asking the token provider here would recurse.
   */
  anonymous?: boolean;
  /**
   * The request is safe to send twice, so a network failure is retried as for a read even for
   * a POST (a refresh with the same refresh token). Statuses keep the method's rule.
   */
  resendable?: boolean;
  /**
   * `false`: report nothing to the hooks. A token request shows up as `onRefresh`, not as one
   * of the caller's API requests.
   */
  hooks?: false;
  /**
   * Resolve with the final answer whatever its status (after the retries), unchecked: the
   * caller maps it (the token endpoint's errors are `OAuthError`s, not API errors).
   */
  raw?: boolean;
  /** More secrets to scrub from the answer and from low-level errors. */
  secrets?: ReadonlyArray<string | undefined>;
  /** Return a 2xx body unscrubbed (see {@link HttpClient.send}). */
  keepSuccessBody?: boolean;
}

/** Settings of {@link HttpClient}. */
export interface HttpClientConfig {
  baseUrl: string;
  /** Account key: the limiter and token-store key. */
  accountKey: string;
  fetch?: typeof fetch | undefined;
  headers?: Record<string, string> | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
  retry?: RetryOptions | undefined;
  limiter?: RateLimiter | undefined;
  auth?: AuthProvider | undefined;
  /**
   * Request signing instead of (or besides) a bearer token: called before every attempt, after
   * the rate limiter, so each attempt carries a fresh signature (the Chats API's `Date`).
   */
  sign?: ((request: SignableRequest) => Promise<Record<string, string>>) | undefined;
  hooks?: Hooks | undefined;
  logger?: Logger | undefined;
  /** The account's breaker settings (the breaker itself is shared by the process). */
  breaker?: BreakerOptions | undefined;
}

/** Default time allowed for one attempt. */
const DEFAULT_TIMEOUT_MS = 30_000;
/** Default number of retries after the first attempt. */
const DEFAULT_MAX_RETRIES = 3;
/** Default time the breaker stays open before a probe. */
const DEFAULT_COOL_DOWN_MS = 60_000;
/** Kommo's rate-limit window: a 429 asking for a longer wait pauses the whole account. */
const KOMMO_WINDOW_MS = 1000;
/** Work kept in flight by walks and batches when the limiter cannot size it. */
const DEFAULT_IN_FLIGHT = 3;

// Connection failures that happen before a byte is sent: a write failing this way was not applied.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A sanitized copy of a low-level error: keeps name, message (scrubbed of tokens) and errno code;
 * drops request objects, which carry the `Authorization` header.
 */
function safeCause(error: unknown, secrets: ReadonlyArray<string | undefined> = []): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(scrubText(source.message, secrets));
  copy.name = source.name;
  const code = errorCode(error);
  if (code) (copy as Error & { code?: string }).code = code;
  return copy;
}

function validatePath(path: unknown): string {
  if (
    typeof path !== 'string' ||
    !path.startsWith('/') ||
    path.startsWith('//') ||
    /(^|\/)\.\.?(\/|$)|[?#\\\s]/.test(path)
  ) {
    throw new RequestValidationError(
      `\`path\` must be an absolute path on the account host such as "/api/v4/leads" (no query, no "..", no scheme), got ${JSON.stringify(path)}`,
      [{ path: ['path'], message: 'Invalid path' }],
    );
  }
  return path;
}

/** The redirect target of an answer, resolved against the request URL and scrubbed. */
function redirectTarget(
  response: Response,
  requestUrl: string,
  secrets: ReadonlyArray<string | undefined>,
): string | undefined {
  const raw = response.headers.get('location');
  if (raw === null) return undefined;
  let absolute: string;
  try {
    absolute = new URL(scrubText(raw, secrets), requestUrl).toString();
  } catch {
    absolute = raw;
  }
  // Twice: the raw value may hold the secret in a form URL parsing re-encodes.
  return scrubText(redactUrl(absolute), secrets).slice(0, 2000);
}

/** Parses an answer body: JSON when it looks like JSON, text otherwise, `undefined` when empty. */
function parseBody(text: string, contentType: string | null): { body: unknown; isJson: boolean } {
  if (text === '' || text.trim() === '') return { body: undefined, isJson: false };
  const looksJson = /json/i.test(contentType ?? '') || /^\s*[{[]/.test(text);
  if (looksJson) {
    try {
      return { body: JSON.parse(text) as unknown, isJson: true };
    } catch {
      // fall through: keep the text (HTML error pages sometimes claim JSON)
    }
  }
  return { body: text, isJson: false };
}

/** The HTTP core shared by a client's resources. */
export class HttpClient {
  readonly baseUrl: string;
  readonly accountKey: string;
  readonly #config: HttpClientConfig;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #breaker: AccountBreaker;
  readonly #coolDownMs: number;

  constructor(config: HttpClientConfig) {
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.accountKey = config.accountKey;
    this.#config = config;
    this.#breaker = accountBreaker(config.accountKey);
    this.#coolDownMs = config.breaker?.coolDownMs ?? DEFAULT_COOL_DOWN_MS;
    this.#baseDelayMs = config.retry?.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
    this.#maxDelayMs = config.retry?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
    this.#sleep = config.retry?.sleep ?? sleep;
  }

  #emit(hooks: Hooks | undefined, name: keyof Hooks, event: RequestEvent): void {
    if (!hooks?.[name]) return;
    try {
      // Called on the hooks object, so hooks written as class methods keep their `this`.
      (hooks[name] as (this: Hooks, e: RequestEvent) => void).call(hooks, event);
    } catch (error) {
      this.#config.logger?.warn?.(`kommo-sdk: the ${name} hook threw; ignored`, {
        error: String(error),
      });
    }
  }

  /**
   * One attempt: no pacing, no retries, no auth. Throws only {@link ConnectionError},
   * {@link RequestTimeoutError} or {@link RequestAbortedError}; any status resolves.
   *
   * The one place an answer enters the SDK, so the one place it is scrubbed: a server or proxy
   * may reflect the request's secrets (the `Authorization` header, the OAuth body) into a body,
   * a header or a `Location`. Every known secret (`token`, `secrets`), in its usual encodings,
   * is replaced by `[REDACTED]` in the body text before it is parsed, in `X-Request-Id` and in
   * the redirect target; error answers also lose anything that looks like a bearer token or a
   * secret parameter. Errors, log lines and hook events are all built from this result.
   * Redirects are never followed (`redirect: 'manual'`): they come back as 3xx answers.
   */
  async send(
    request: CoreRequest,
    options: {
      token?: string | undefined;
      signal?: AbortSignal | undefined;
      timeoutMs?: number | undefined;
      headers?: Record<string, string> | undefined;
      baseUrl?: string;
      /** More secrets to scrub from the answer and from low-level errors (besides `token`). */
      secrets?: ReadonlyArray<string | undefined> | undefined;
      /**
       * Return a 2xx body unscrubbed: the token endpoint's answer *is* the new pair, and a
       * server that does not rotate refresh tokens sends the one it received back.
       */
      keepSuccessBody?: boolean;
      /** The rate-limit slot of this attempt: told when it leaves, is answered and ends. */
      slot?: RateLimitSlot | undefined;
      /** The URL {@link HttpClient.request} already built (and validated) for this request. */
      url?: string | undefined;
    } = {},
  ): Promise<RawResponse> {
    const url = options.url ?? this.url(request, options.baseUrl ?? request.baseUrl);
    const headers: Record<string, string> = {
      accept: 'application/json, application/hal+json, application/problem+json;q=0.9, */*;q=0.1',
      'user-agent': `kommo-sdk/${VERSION}`,
      ...this.#config.headers,
      ...options.headers,
    };
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    if (request.rawBody !== undefined) {
      body = request.rawBody;
      headers['content-type'] ??= 'application/json';
    } else if (request.body !== undefined) {
      if (request.form) {
        body = new URLSearchParams(request.body as Record<string, string>).toString();
        headers['content-type'] = 'application/x-www-form-urlencoded';
      } else {
        body = JSON.stringify(request.body);
        headers['content-type'] = 'application/json';
      }
    }
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    const timeoutMs = options.timeoutMs ?? this.#config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const write = isWriteMethod(request.method);
    const userFetch = this.#config.fetch;
    const secrets = [options.token, ...(options.secrets ?? [])];
    const slot = options.slot;
    let response: Response;
    try {
      response = await ky(url, {
        method: request.method,
        headers,
        ...(body === undefined ? {} : { body }),
        retry: 0,
        throwHttpErrors: false,
        timeout: Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : false,
        // Never follow a redirect: fetch keeps the token on a same-host hop, and a cross-host
        // `Location` may itself carry the reflected token. See RedirectError.
        redirect: 'manual',
        ...(options.signal ? { signal: options.signal } : {}),
        // Look fetch up on every call: a reference captured at import time bypasses
        // interceptors and polyfills installed later. The slot learns the departure here,
        // after the body was serialized, as close to the socket as fetch lets us get.
        fetch: (input: RequestInfo | URL, init?: RequestInit) => {
          slot?.sent();
          if (userFetch) return userFetch(input, init);
          // Where the runtime reports the moment the request is written, the slot learns it:
          // a tighter bound on its arrival than its round trip gives.
          const forget =
            slot?.written &&
            input instanceof Request &&
            watchWrite(globalThis.fetch, input.method, input.url, () =>
              slot.written?.(fitsOneFlight(body)),
            );
          const answer = globalThis.fetch(input, init);
          return forget ? answer.finally(forget) : answer;
        },
      });
    } catch (error) {
      slot?.released(false);
      throw this.#networkError(error, request, url, write, options.signal, timeoutMs, secrets);
    }
    slot?.answered(response.status);
    let text: string;
    try {
      text = response.status === 204 || request.method === 'HEAD' ? '' : await response.text();
    } catch (error) {
      slot?.released(false);
      throw this.#networkError(error, request, url, write, options.signal, timeoutMs, secrets);
    }
    slot?.released(true);
    const ok = response.status >= 200 && response.status < 300;
    if (!ok) text = scrubText(text, secrets);
    else if (!options.keepSuccessBody) text = scrubKnownSecrets(text, secrets);
    const parsed = parseBody(text, response.headers.get('content-type'));
    const requestId = response.headers.get('x-request-id');
    const redirect =
      (response.status >= 300 && response.status < 400) || response.type === 'opaqueredirect';
    return {
      status: response.status,
      headers: response.headers,
      body: parsed.body,
      isJson: parsed.isJson,
      requestId: requestId === null ? undefined : scrubText(requestId, secrets).slice(0, 200),
      ...(redirect ? { location: redirectTarget(response, url, secrets) } : {}),
    };
  }

  #networkError(
    error: unknown,
    request: CoreRequest,
    url: string,
    write: boolean,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    secrets: ReadonlyArray<string | undefined>,
  ): KommoError {
    if (isKommoError(error)) return error;
    const where = `(${request.method} ${request.path})`;
    if (signal?.aborted) {
      return new RequestAbortedError(
        `Request aborted ${where}`,
        write ? { writeOutcome: 'unknown' } : {},
      );
    }
    if (
      error instanceof TimeoutError ||
      (error instanceof Error && error.name === 'TimeoutError')
    ) {
      return new RequestTimeoutError(
        `No answer within ${timeoutMs} ms ${where}`,
        write ? { writeOutcome: 'unknown' } : {},
      );
    }
    const code = errorCode(error);
    const notSent = code !== undefined && NOT_SENT_CODES.has(code);
    const detail = code
      ? code
      : scrubText(error instanceof Error ? error.message : String(error), secrets).slice(0, 200);
    return new ConnectionError(
      `Connection to ${redactUrl(new URL(url).origin)} failed: ${detail} ${where}`,
      {
        cause: safeCause(error, secrets),
        ...(write ? { writeOutcome: notSent ? 'not_applied' : 'unknown' } : {}),
      },
    );
  }

  /** The full URL of a request. */
  url(request: Pick<CoreRequest, 'path' | 'query'>, baseUrl = this.baseUrl): string {
    const path = validatePath(request.path);
    const search = toSearchParams(request.query).toString();
    return `${baseUrl.replace(/\/+$/, '')}${path}${search ? `?${search}` : ''}`;
  }

  /**
   * Sends a request with pacing, auth, retries and hooks. Resolves with any 2xx answer; throws a
   * typed {@link KommoError} otherwise (with `policy.raw`, resolves with the final answer).
   */
  async request(
    request: CoreRequest,
    options: RequestOptions = {},
    policy: RequestPolicy = {},
  ): Promise<RawResponse> {
    const url = this.url(request, request.baseUrl);
    const maxRetries = options.maxRetries ?? this.#config.maxRetries ?? DEFAULT_MAX_RETRIES;
    const write = isWriteMethod(request.method);
    const resendable = policy.resendable ?? !write;
    const { limiter, sign } = this.#config;
    const auth = policy.anonymous ? undefined : this.#config.auth;
    const hooks = policy.hooks === false ? undefined : this.#config.hooks;
    const signal = options.signal;
    let retries = 0;
    let replayedAfter401 = false;
    for (let attempt = 1; ; attempt++) {
      const base: RequestEvent = { method: request.method, path: request.path, attempt };
      let token: string | undefined;
      let signed: Record<string, string> | undefined;
      let slot: RateLimitSlot | undefined;
      let probe = false;
      try {
        if (signal?.aborted)
          throw new RequestAbortedError(`Request aborted (${request.method} ${request.path})`);
        // Token first: a refresh (or waiting for another process's refresh) must not hold a
        // rate-limit slot, or the requests that already hold slots reach Kommo in a burst.
        for (;;) {
          token = auth ? await auth.token(signal) : undefined;
          ({ slot, probe } = await this.#clearance(request, signal));
          if (!limiter || !auth) break;
          // A refresh started while this request waited for its slot (another call met a 401):
          // the slot goes back unused and the request queues again once the new pair is in,
          // instead of every queued request leaving with the dead token (a 401 and a replay
          // each). A probe goes whatever happens: it is how the breaker learns.
          if (probe || !auth.refreshing?.()) {
            // The wait can outlast a refresh that has finished: take the current token (cached,
            // no request) so the slot is not spent on a certain 401.
            token = await auth.token(signal);
            break;
          }
          slot?.released(false);
          slot = undefined;
        }
        if (sign) {
          signed = await sign({
            method: request.method,
            path: request.path,
            body: request.rawBody,
          });
        }
      } catch (error) {
        // Nothing was sent yet: the slot, and the probe's turn, are given back.
        slot?.released(false);
        if (probe) this.#breaker.probed('undecided', this.#coolDownMs);
        const failure = isKommoError(error)
          ? error
          : new RequestAbortedError(`Request aborted (${request.method} ${request.path})`, {
              cause: safeCause(error),
            });
        this.#fail(base, failure, hooks);
        throw failure;
      }
      this.#emit(hooks, 'onRequest', base);
      const started = Date.now();
      let response: RawResponse;
      try {
        response = await this.send(request, {
          token,
          signal,
          timeoutMs: options.timeoutMs,
          headers: signed ? { ...options.headers, ...signed } : options.headers,
          // Read per attempt: a refresh may have rotated the pair since the last one.
          secrets: [...(this.#config.auth?.secrets?.() ?? []), ...(policy.secrets ?? [])],
          ...(policy.keepSuccessBody && { keepSuccessBody: true }),
          slot,
          url,
        });
      } catch (error) {
        const failure = error as KommoError;
        const durationMs = Date.now() - started;
        if (probe) this.#breaker.probed('undecided', this.#coolDownMs);
        if (
          failure.code !== 'aborted' &&
          isRetryableNetworkError(request.method, resendable) &&
          retries < maxRetries
        ) {
          const delayMs = retryDelayMs(retries, undefined, {
            baseDelayMs: this.#baseDelayMs,
            maxDelayMs: this.#maxDelayMs,
          });
          this.#emit(hooks, 'onRetry', { ...base, durationMs, error: failure, delayMs });
          this.#config.logger?.warn?.('kommo-sdk: retrying after a connection failure', {
            method: request.method,
            path: request.path,
            attempt,
            delayMs,
            error: failure.message,
          });
          retries++;
          await this.#wait(delayMs, signal, base, hooks);
          continue;
        }
        this.#fail({ ...base, durationMs }, failure, hooks);
        throw failure;
      }
      const durationMs = Date.now() - started;
      const event: RequestEvent = {
        ...base,
        status: response.status,
        durationMs,
        ...(response.requestId ? { requestId: response.requestId } : {}),
      };
      this.#emit(hooks, 'onResponse', event);
      this.#config.logger?.debug?.(
        `kommo-sdk: ${request.method} ${request.path} ${response.status} ${durationMs}ms`,
        { ...event },
      );
      if (response.requestId) this.#breaker.noteRequestId(response.requestId);
      // Kommo's block page is a bare HTML 403; a JSON 403 is about rights.
      const blockPage = response.status === 403 && !response.isJson;
      if (probe) {
        this.#breaker.probed(blockPage ? 'blocked' : 'through', this.#coolDownMs);
        if (blockPage) void limiter?.block?.(this.accountKey, this.#coolDownMs).catch(() => false);
        else void limiter?.unblock?.(this.accountKey).catch(() => undefined);
      } else if (blockPage) {
        this.#opened('block_page', event);
      }

      if (response.status >= 200 && response.status < 300) {
        if (response.body !== undefined && !response.isJson && !policy.raw) {
          const failure = new ResponseValidationError(
            `Kommo answered ${response.status} with a body that is not JSON (${request.method} ${request.path})`,
            { body: response.body, requestId: response.requestId },
          );
          this.#fail(event, failure, hooks);
          throw failure;
        }
        return response;
      }

      if (response.status === 401 && auth && !replayedAfter401) {
        replayedAfter401 = true;
        let replay: boolean;
        try {
          replay = await auth.refreshAfterUnauthorized(token, signal);
        } catch (error) {
          const failure = isKommoError(error)
            ? error
            : new KommoError('reauthorization_required', String(error));
          this.#fail(event, failure, hooks);
          throw failure;
        }
        if (replay) continue;
      }

      const hint =
        response.status === 429 ? retryAfterMs(response.headers, response.body) : undefined;
      const failure = toKommoError({
        status: response.status,
        method: request.method,
        url,
        path: request.path,
        body: response.body,
        requestId: response.requestId,
        retryAfterMs: hint,
        location: response.location,
      });
      if (response.status === 429) {
        const storm = this.#config.breaker?.max429;
        if (
          storm !== undefined &&
          this.#breaker.note429(storm, this.#config.breaker?.windowMs ?? 60_000)
        )
          this.#opened('rate_limited', event);
      }
      if (failure instanceof AccountBlockedError && this.#breaker.state !== 'closed')
        (failure as { retryAt?: number }).retryAt = this.#breaker.until;
      if (isRetryableStatus(request.method, response.status) && retries < maxRetries) {
        const delayMs = retryDelayMs(retries, hint, {
          baseDelayMs: this.#baseDelayMs,
          maxDelayMs: this.#maxDelayMs,
        });
        // The SDK's limiters learn a 429 from the slot (they count Kommo's window as full); a
        // wait longer than the window, or a limiter without slots, pauses the whole account.
        if (response.status === 429 && (!slot || delayMs > KOMMO_WINDOW_MS))
          limiter?.penalize?.(this.accountKey, delayMs);
        this.#emit(hooks, 'onRetry', { ...event, error: failure, delayMs });
        this.#config.logger?.warn?.(
          `kommo-sdk: ${response.status} on ${request.method} ${request.path}; retrying in ${delayMs}ms`,
          { ...event, delayMs },
        );
        retries++;
        await this.#wait(delayMs, signal, event, hooks);
        continue;
      }
      // The caller maps this answer itself (a refused token request becomes an OAuthError).
      if (policy.raw) return response;
      if (write && failure.writeOutcome === undefined)
        (failure as { writeOutcome?: string }).writeOutcome = 'not_applied';
      this.#fail(event, failure, hooks);
      throw failure;
    }
  }

  /**
   * How many requests of this kind a walk or a batch keeps in flight: what the limiter says
   * keeps the account at its limit given the measured round trips, else 3.
   */
  inFlight(request: { method: HttpMethod; path: string }): number {
    return this.#config.limiter?.suggestedInFlight?.(this.accountKey, request) ?? DEFAULT_IN_FLIGHT;
  }

  /**
   * Waits until the breaker lets the request go (or fails it at once, as `whenOpen` says) and
   * for a rate-limit slot. A breaker that opens while the request waits for its slot sends it
   * back to the breaker; so does a limiter that says another process holds the account blocked.
   */
  async #clearance(
    request: CoreRequest,
    signal: AbortSignal | undefined,
  ): Promise<{ slot: RateLimitSlot | undefined; probe: boolean }> {
    const limiter = this.#config.limiter;
    for (;;) {
      const probe = (await this.#admit(request, signal)) === 'probe';
      if (!limiter) return { slot: undefined, probe };
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      signal?.addEventListener('abort', stop, { once: true });
      // A probe goes whatever happens meanwhile: it is how the breaker learns.
      const unsubscribe = probe ? undefined : this.#breaker.onOpen(stop);
      try {
        const slot = await limiter.acquire(this.accountKey, controller.signal, {
          method: request.method,
          path: request.path,
        });
        return { slot: slot ?? undefined, probe };
      } catch (error) {
        if (probe) this.#breaker.probed('undecided', this.#coolDownMs);
        if (signal?.aborted) throw error;
        if (isKommoError(error) && error.code === 'account_blocked') {
          // Another process holds the account blocked (a shared breaker): join it. The error may
          // come from another copy of the SDK, so it is read, not checked with instanceof.
          const retryAt = (error as { retryAt?: unknown }).retryAt;
          this.#breaker.join(typeof retryAt === 'number' ? retryAt : Date.now() + this.#coolDownMs);
          continue;
        }
        if (controller.signal.aborted) continue;
        throw error;
      } finally {
        signal?.removeEventListener('abort', stop);
        unsubscribe?.();
      }
    }
  }

  /** `go`, or `probe` for the one request that tests a block after the cool-down. */
  async #admit(request: CoreRequest, signal: AbortSignal | undefined): Promise<'go' | 'probe'> {
    for (;;) {
      const admission = this.#breaker.admit();
      if (admission === 'go' || admission === 'probe') return admission;
      if (this.#config.breaker?.whenOpen !== 'wait') {
        throw new AccountBlockedError(
          {
            status: 403,
            method: request.method,
            url: this.url(request),
            path: request.path,
            retryAt: admission.until,
            sent: false,
            ...(isWriteMethod(request.method) ? { writeOutcome: 'not_applied' as const } : {}),
          },
          `Account ${this.accountKey} is blocked by Kommo: not sent, the breaker is open until ${new Date(admission.until).toISOString()} (then one probe request goes; kommo.breaker.reset() once Kommo's support lifted the block) (${request.method} ${request.path})`,
        );
      }
      try {
        await this.#breaker.changed(admission.until, signal);
      } catch (error) {
        throw new RequestAbortedError(
          `Request aborted while the account's breaker was open (${request.method} ${request.path})`,
          { cause: safeCause(error) },
        );
      }
    }
  }

  /** The breaker opens for this account: share it, and report it once per block. */
  #opened(reason: BlockedEvent['reason'], event: RequestEvent): void {
    if (!this.#breaker.open(this.#coolDownMs)) return;
    const options = this.#config.breaker;
    const blocked: BlockedEvent = {
      account: this.accountKey,
      at: new Date().toISOString(),
      reason,
      method: event.method,
      path: event.path,
      status: event.status ?? 0,
      requestIds: this.#breaker.requestIds(),
      ...(options?.outboundAddress ? { outboundAddress: options.outboundAddress } : {}),
      coolDownMs: this.#coolDownMs,
    };
    this.#config.logger?.error?.(
      `kommo-sdk: Kommo blocked ${this.accountKey} (${reason}); requests stop until ${new Date(this.#breaker.until).toISOString()}`,
      { ...blocked },
    );
    const shared = this.#config.limiter?.block?.(this.accountKey, this.#coolDownMs);
    // With a shared breaker, only the process that opened it reports.
    void (shared ?? Promise.resolve(true))
      .catch(() => true)
      .then((first) => {
        if (!first) return;
        const hooks = this.#config.hooks;
        try {
          hooks?.onBlocked?.call(hooks, blocked);
        } catch (error) {
          this.#config.logger?.warn?.('kommo-sdk: the onBlocked hook threw; ignored', {
            error: String(error),
          });
        }
      });
  }

  async #wait(
    ms: number,
    signal: AbortSignal | undefined,
    event: RequestEvent,
    hooks: Hooks | undefined,
  ): Promise<void> {
    try {
      await this.#sleep(ms, signal);
    } catch (error) {
      const failure = new RequestAbortedError(
        `Request aborted while waiting to retry (${event.method} ${event.path})`,
        {
          cause: safeCause(error),
          // The previous attempt's outcome decided whether we retry; writes only retry after a 429.
          ...(isWriteMethod(event.method) ? { writeOutcome: 'not_applied' } : {}),
        },
      );
      this.#fail(event, failure, hooks);
      throw failure;
    }
  }

  #fail(event: RequestEvent, error: KommoError, hooks: Hooks | undefined): void {
    if (error.code === 'aborted') {
      // The caller cancelled (or a pagination read-ahead was cut short): not a failure to report.
      this.#config.logger?.debug?.(`kommo-sdk: ${error.message}`, {
        method: event.method,
        path: event.path,
        attempt: event.attempt,
      });
      return;
    }
    this.#emit(hooks, 'onError', { ...event, error });
    this.#config.logger?.error?.(`kommo-sdk: ${error.message}`, {
      method: event.method,
      path: event.path,
      attempt: event.attempt,
      code: error.code,
      ...(event.status ? { status: event.status } : {}),
    });
  }
}
