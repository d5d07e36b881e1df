/**
 * `createWebhookHandler`: verify, parse and dispatch Kommo webhooks in any framework that speaks
 * Web `Request`/`Response` (Next.js route handlers, Hono, Bun, Deno, Workers). Dropping
 * repeated deliveries lives in `dedupe.ts`, serving it from `node:http`/Express in `node.ts`.
 *
 * @module
 */

import { isKommoError } from '../core/errors.js';
import { resolveDedupe, type WebhookDedupeOptions } from './dedupe.js';
import { WebhookParseError } from './errors.js';
import { DEFAULT_MAX_BYTES, type WebhookFormTree, type WebhookParseLimits } from './form.js';
import { DEFAULT_READ_TIMEOUT_MS, readBody } from './input.js';
import { parseForm, parseWebhook } from './parse.js';
import type { WebhookEvent, WebhookEventOf, WebhookEventType, WebhookPayload } from './types.js';
import { verifyRequest, type VerifyWebhookOptions, type WebhookVerification } from './verify.js';

/** What a listener receives besides the event. */
export interface WebhookHandlerContext {
  /** The whole parsed delivery (account, every event, raw tree). */
  payload: WebhookPayload;
  /** The incoming request (its body already read). */
  request: Request;
  /** The verification result; `undefined` with `verify: false` or a custom verifier. */
  verification: WebhookVerification | undefined;
}

/** A function run for an event. */
export type WebhookListener<E extends WebhookEvent = WebhookEvent> = (
  event: E,
  context: WebhookHandlerContext,
) => unknown;

/**
 * A filter on an event's data: every key must equal the given value, or be one of the values of
 * a list (`{ status_id: [142, 143] }`).
 */
export type WebhookDataFilter<E extends WebhookEvent> = {
  [K in keyof E['data']]?: E['data'][K] | ReadonlyArray<E['data'][K]>;
};

/** A listener with a filter, e.g. `{ filter: { status_id: 142 }, handler }`. */
export interface WebhookRoute<E extends WebhookEvent = WebhookEvent> {
  /** A data filter or a predicate; the handler runs only for matching events. */
  filter?: WebhookDataFilter<E> | ((event: E) => boolean);
  handler: WebhookListener<E>;
}

/** One entry of {@link WebhookRoutes}: a listener, or a listener with a filter. */
export type WebhookRouteEntry<E extends WebhookEvent> = WebhookListener<E> | WebhookRoute<E>;

/**
 * Listeners by event type, plus `'*'` for every event (run after the specific ones). A value is
 * a function, a {@link WebhookRoute}, or a list of them.
 */
export type WebhookRoutes = {
  [T in WebhookEventType]?:
    WebhookRouteEntry<WebhookEventOf<T>> | ReadonlyArray<WebhookRouteEntry<WebhookEventOf<T>>>;
} & {
  '*'?: WebhookRouteEntry<WebhookEvent> | ReadonlyArray<WebhookRouteEntry<WebhookEvent>>;
};

/** Where an error happened, for `onError`. */
export interface WebhookErrorContext {
  /** `verify` (answered 401), `parse` (400), `handler` (a listener threw) or `config` (500). */
  phase: 'verify' | 'parse' | 'handler' | 'config';
  request: Request;
  /** The event whose listener threw. */
  event?: WebhookEvent;
}

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions extends WebhookParseLimits {
  /**
   * Longest the request body may take to arrive, in milliseconds. A slower body is answered
   * 408 (`WebhookParseError` reason `read_timeout` to `onError`), so a sender trickling bytes
   * cannot hold the request. `Infinity` waits for ever.
   *
   * @defaultValue `10_000` (10 s; Kommo itself gives up on a webhook after 2 s)
   */
  readTimeoutMs?: number;
  /**
   * How to authenticate requests: {@link verifyWebhook} options (usually
   * `{ secret }` for the URL-secret scheme), a function that throws to refuse the request, or
   * `false` to accept everything (only behind your own authentication).
   */
  verify: VerifyWebhookOptions | ((request: Request, body: Uint8Array) => unknown) | false;
  /** Listeners by event type. */
  on?: WebhookRoutes;
  /**
   * Called with every failure: refused verification, malformed body, a throwing listener. Never
   * receives the secret. Errors it throws are ignored. What the SDK itself refuses arrives
   * typed: `WebhookParseError` in phase `parse`, `WebhookVerificationError` in phase `verify`,
   * `ConfigurationError` in phase `config`; a custom verifier's and a listener's own errors
   * arrive as they threw them.
   *
   * @defaultValue none (failures only shape the answer)
   */
  onError?: (error: unknown, context: WebhookErrorContext) => unknown;
  /**
   * Defers the listeners: the handler answers 200 at once and hands their promise to this
   * function (`ctx.waitUntil` in Workers/Vercel, `after` in Next.js). Kommo waits only 2 s.
   * Without it the listeners are awaited, and a throwing listener answers 500 so Kommo retries.
   *
   * @defaultValue none (listeners are awaited)
   */
  waitUntil?: (promise: Promise<unknown>) => void;
  /**
   * Drops repeated deliveries of the same content (Kommo retries on timeouts and errors).
   * `true` uses {@link webhookEventKey} and a {@link MemoryDedupeStore}.
   *
   * @defaultValue off
   */
  dedupe?: boolean | WebhookDedupeOptions;
}

/** A plain-text answer. @internal */
export function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  });
}

/**
 * The answer to a body that could not be read or parsed: 413 when too large, 408 when too
 * slow, else 400. The first two close the connection: the rest of the body is never read, so
 * the connection cannot carry another request.
 *
 * @internal
 */
export function refuseBody(error: unknown): Response {
  const reason = error instanceof WebhookParseError && error.reason;
  return reason === 'too_large' || reason === 'read_timeout'
    ? text(
        reason === 'too_large' ? 413 : 408,
        reason === 'too_large' ? 'Payload Too Large' : 'Request Timeout',
        {
          connection: 'close',
        },
      )
    : text(400, 'Bad Request');
}

/**
 * Creates a `(request: Request) => Promise<Response>` that verifies, parses and dispatches
 * Kommo webhooks.
 *
 * Answers: `200` once the events are handled (or handed to `waitUntil`), `401` when
 * verification fails, `400` for a malformed body, `413` for a body over `maxBytes` (with or
 * without `Content-Length`), `408` for a body slower than `readTimeoutMs`, `405` for other
 * methods than POST, `500` when a listener threw (so Kommo retries) or the options are
 * unusable. No listener runs unless the request verified and parsed. The request may be a
 * `clone()`: the body read never waits on the original.
 *
 * @param options - How to verify, the listeners, and the delivery options.
 * @returns A Fetch-API handler.
 *
 * @example
 * ```ts
 * // app/api/kommo/route.ts (Next.js). Registered destination:
 * // https://example.com/api/kommo?secret=<KOMMO_WEBHOOK_SECRET>
 * export const POST = createWebhookHandler({
 *   verify: { secret: process.env.KOMMO_WEBHOOK_SECRET! },
 *   on: {
 *     'leads.status': { filter: { status_id: WON_STATUS_ID }, handler: (e) => sendThankYou(e.data.id) },
 *     'leads.add': (e) => assignManager(e.data.id),
 *   },
 * });
 * ```
 */
export function createWebhookHandler(
  options: WebhookHandlerOptions,
): (request: Request) => Promise<Response> {
  const {
    verify,
    on = {},
    waitUntil,
    dedupe: dedupeOption,
    maxBytes = DEFAULT_MAX_BYTES,
  } = options;
  const limits = { maxBytes, timeoutMs: options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS };
  const parseLimits = { ...options, maxBytes };
  const dedupe = resolveDedupe(dedupeOption);
  const report = async (
    error: unknown,
    phase: WebhookErrorContext['phase'],
    request: Request,
    event?: WebhookEvent,
  ) => {
    try {
      await options.onError?.(error, event ? { phase, request, event } : { phase, request });
    } catch {
      // onError must not change the answer Kommo gets.
    }
  };
  const serverError = () => text(500, 'Internal Server Error');
  const ok = () => text(200, 'OK');

  return async (request: Request): Promise<Response> => {
    if (request.method !== 'POST') return text(405, 'Method Not Allowed', { allow: 'POST' });
    let phase: WebhookErrorContext['phase'] = 'parse';
    let verification: WebhookVerification | undefined;
    let payload: WebhookPayload;
    try {
      const body = await readBody(request, limits);
      phase = 'verify';
      // The body's form, when checking `expectedAccount` decoded it: parsed from here, not again.
      let form: WebhookFormTree | undefined;
      if (typeof verify === 'function') await verify(request, body);
      else if (verify !== false) {
        ({ verification, form } = await verifyRequest(
          { url: request.url, headers: request.headers, body },
          { maxBytes, ...verify },
          parseLimits,
        ));
      }
      phase = 'parse';
      payload = form ? parseForm(form) : parseWebhook(body, parseLimits);
    } catch (error) {
      if (phase === 'verify' && isKommoError(error) && error.code === 'configuration_error') {
        phase = 'config';
      }
      await report(error, phase, request);
      return phase === 'parse'
        ? refuseBody(error)
        : phase === 'config'
          ? serverError()
          : text(401, 'Unauthorized');
    }

    const context: WebhookHandlerContext = { payload, request, verification };
    // Runs the listeners of every event in order; resolves `true` when one threw.
    const work = (async () => {
      let failed = false;
      for (const event of payload.events) {
        const key = dedupe?.key(event, payload);
        if (dedupe && key !== undefined && (await dedupe.store.seen(key, dedupe.ttlMs))) continue;
        let eventFailed = false;
        for (const route of [event.type, '*'].flatMap(
          (type) =>
            [(on as Record<string, unknown>)[type] ?? []].flat() as Array<
              WebhookListener | WebhookRoute
            >,
        )) {
          try {
            if (typeof route === 'function') await route(event, context);
            else if (matches(route.filter, event)) await route.handler(event, context);
          } catch (error) {
            eventFailed = true;
            await report(error, 'handler', request, event);
          }
        }
        if (eventFailed) {
          failed = true;
          // A retry of this delivery must be processed again.
          if (dedupe && key !== undefined) await dedupe.store.delete(key);
        }
      }
      return failed;
    })();
    if (waitUntil) {
      waitUntil(work);
      return ok();
    }
    return (await work) ? serverError() : ok();
  };
}

function matches(filter: WebhookRoute['filter'], event: WebhookEvent): boolean {
  if (typeof filter === 'function') return filter(event);
  const data = event.data as Record<string, unknown>;
  return Object.entries(filter ?? {}).every(([key, expected]) =>
    Array.isArray(expected) ? expected.includes(data[key]) : data[key] === expected,
  );
}
