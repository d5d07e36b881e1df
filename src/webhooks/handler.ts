/**
 * `createWebhookHandler`: verify, parse and dispatch Kommo webhooks in any framework that speaks
 * Web `Request`/`Response` (Next.js route handlers, Hono, Bun, Deno, Workers), plus
 * {@link toNodeHandler} for Express and `node:http`.
 *
 * @module
 */

import { isKommoError } from '../core/errors.js';
import { appendValue, encodePairs, type WebhookInputValue } from './encode.js';
import { WebhookParseError } from './errors.js';
import { DEFAULT_MAX_BYTES, type WebhookParseLimits } from './form.js';
import { DEFAULT_READ_TIMEOUT_MS, readBody, readCapped, type ReadLimits } from './input.js';
import { parseWebhook } from './parse.js';
import type { WebhookEvent, WebhookEventOf, WebhookEventType, WebhookPayload } from './types.js';
import { verifyWebhook, type VerifyWebhookOptions, type WebhookVerification } from './verify.js';

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

/**
 * Remembers which deliveries were processed, to drop Kommo's retries of the same content.
 * `seen` must check and record in one step (an atomic `SET NX` in Redis, say).
 */
export interface WebhookDedupeStore {
  /** Records `key` for `ttlMs`; resolves `true` when it was already recorded. */
  seen(key: string, ttlMs: number): boolean | Promise<boolean>;
  /** Forgets `key`, so a retry after a failed listener is processed again. */
  delete(key: string): unknown;
}

/** Options of the dedupe feature. */
export interface WebhookDedupeOptions {
  /**
   * The key of an event; `undefined` never deduplicates it.
   *
   * @defaultValue {@link webhookEventKey}
   */
  key?: (event: WebhookEvent, payload: WebhookPayload) => string | undefined;
  /**
   * Where keys live. Use a shared store when several processes receive webhooks.
   *
   * @defaultValue a {@link MemoryDedupeStore} of this handler
   */
  store?: WebhookDedupeStore;
  /**
   * How long a key is remembered. Kommo's last retry comes about 1 h 35 min after the first try.
   *
   * @defaultValue `7_200_000` (2 hours)
   */
  ttlMs?: number;
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
   * `true` uses {@link webhookEventKey} and an in-memory store.
   *
   * @defaultValue off
   */
  dedupe?: boolean | WebhookDedupeOptions;
}

/**
 * The default dedupe key: account, type, item id and a hash of the event's whole content, so a
 * retry of the same delivery matches while any later change of the same entity does not — even
 * within the same second (Kommo's times have one-second resolution, so a move to a stage and
 * then to won in one second differ only by `status_id`).
 */
export function webhookEventKey(event: WebhookEvent, payload: WebhookPayload): string | undefined {
  if (event.id === undefined) return undefined;
  const account = payload.account.id ?? payload.account.subdomain;
  return `${String(account)}:${event.type}:${String(event.id)}:${contentHash(event.data)}`;
}

/** Key-order-independent JSON of a parsed webhook value. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** 64-bit FNV-1a of the stable JSON, as hex: short keys without Web Crypto's async API. */
function contentHash(value: unknown): string {
  const text = stableJson(value);
  let h1 = 0x811c9dc5;
  let h2 = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x01000193 + 2) >>> 0;
  }
  return `${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}`;
}

/** A bounded in-memory {@link WebhookDedupeStore} (one process only). */
export class MemoryDedupeStore implements WebhookDedupeStore {
  readonly #expiries = new Map<string, number>();
  readonly #max: number;
  readonly #now: () => number;

  /**
   * @param options.max - Most keys kept; the oldest go first. Default `10_000`.
   * @param options.now - The clock in ms. Default `Date.now`.
   */
  constructor(options: { max?: number; now?: () => number } = {}) {
    this.#max = options.max ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** {@inheritDoc WebhookDedupeStore.seen} */
  seen(key: string, ttlMs: number): boolean {
    const now = this.#now();
    const expiry = this.#expiries.get(key);
    if (expiry !== undefined && expiry > now) return true;
    this.#expiries.delete(key);
    this.#expiries.set(key, now + ttlMs);
    while (this.#expiries.size > this.#max) {
      const oldest = this.#expiries.keys().next().value;
      if (oldest === undefined) break;
      this.#expiries.delete(oldest);
    }
    return false;
  }

  /** {@inheritDoc WebhookDedupeStore.delete} */
  delete(key: string): void {
    this.#expiries.delete(key);
  }
}

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  });
}

/**
 * The answer to a body that could not be read or parsed: 413 when too large, 408 when too
 * slow, else 400. The first two close the connection: the rest of the body is never read, so
 * the connection cannot carry another request.
 */
export function refuseBody(error: unknown): Response {
  const reason = error instanceof WebhookParseError ? error.reason : undefined;
  if (reason === 'too_large') return text(413, 'Payload Too Large', { connection: 'close' });
  if (reason === 'read_timeout') return text(408, 'Request Timeout', { connection: 'close' });
  return text(400, 'Bad Request');
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
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  const dedupe = resolveDedupe(options.dedupe);
  const report = async (error: unknown, context: WebhookErrorContext): Promise<void> => {
    try {
      await options.onError?.(error, context);
    } catch {
      // onError must not change the answer Kommo gets.
    }
  };

  return async (request: Request): Promise<Response> => {
    if (request.method !== 'POST') return text(405, 'Method Not Allowed', { allow: 'POST' });

    let body: Uint8Array;
    try {
      body = await readBody(request, { maxBytes, timeoutMs });
    } catch (error) {
      await report(error, { phase: 'parse', request });
      return refuseBody(error);
    }

    let verification: WebhookVerification | undefined;
    try {
      if (options.verify === false) verification = undefined;
      else if (typeof options.verify === 'function') await options.verify(request, body);
      else {
        verification = await verifyWebhook(
          { url: request.url, headers: request.headers, body },
          { maxBytes, ...options.verify },
        );
      }
    } catch (error) {
      if (isKommoError(error) && error.code === 'configuration_error') {
        await report(error, { phase: 'config', request });
        return text(500, 'Internal Server Error');
      }
      await report(error, { phase: 'verify', request });
      return text(401, 'Unauthorized');
    }

    let payload: WebhookPayload;
    try {
      payload = parseWebhook(body, {
        maxBytes,
        ...(options.maxDepth !== undefined && { maxDepth: options.maxDepth }),
        ...(options.maxFields !== undefined && { maxFields: options.maxFields }),
      });
    } catch (error) {
      await report(error, { phase: 'parse', request });
      return refuseBody(error);
    }

    const context: WebhookHandlerContext = { payload, request, verification };
    const work = dispatch(payload, context, options.on ?? {}, dedupe, report);
    if (options.waitUntil) {
      options.waitUntil(work);
      return text(200, 'OK');
    }
    const failed = await work;
    return failed ? text(500, 'Internal Server Error') : text(200, 'OK');
  };
}

interface ResolvedDedupe {
  key: (event: WebhookEvent, payload: WebhookPayload) => string | undefined;
  store: WebhookDedupeStore;
  ttlMs: number;
}

function resolveDedupe(option: WebhookHandlerOptions['dedupe']): ResolvedDedupe | undefined {
  if (option === undefined || option === false) return undefined;
  const o = option === true ? {} : option;
  return {
    key: o.key ?? webhookEventKey,
    store: o.store ?? new MemoryDedupeStore(),
    ttlMs: o.ttlMs ?? 7_200_000,
  };
}

/** Runs the listeners of every event in order; resolves `true` when one threw. */
async function dispatch(
  payload: WebhookPayload,
  context: WebhookHandlerContext,
  routes: WebhookRoutes,
  dedupe: ResolvedDedupe | undefined,
  report: (error: unknown, context: WebhookErrorContext) => Promise<void>,
): Promise<boolean> {
  let failed = false;
  for (const event of payload.events) {
    const key = dedupe?.key(event, payload);
    if (dedupe && key !== undefined && (await dedupe.store.seen(key, dedupe.ttlMs))) continue;
    const listeners = [
      ...listOf((routes as Record<string, unknown>)[event.type]),
      ...listOf(routes['*']),
    ];
    let eventFailed = false;
    for (const route of listeners) {
      try {
        if (typeof route === 'function') await route(event, context);
        else if (matches(route.filter, event)) await route.handler(event, context);
      } catch (error) {
        eventFailed = true;
        await report(error, { phase: 'handler', request: context.request, event });
      }
    }
    if (eventFailed) {
      failed = true;
      // A retry of this delivery must be processed again.
      if (dedupe && key !== undefined) await dedupe.store.delete(key);
    }
  }
  return failed;
}

type AnyRoute = WebhookListener | WebhookRoute;

function listOf(value: unknown): AnyRoute[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as AnyRoute[];
}

function matches(filter: WebhookRoute['filter'], event: WebhookEvent): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'function') return filter(event);
  const data = event.data as Record<string, unknown>;
  return Object.entries(filter as Record<string, unknown>).every(([key, expected]) =>
    Array.isArray(expected) ? expected.includes(data[key]) : data[key] === expected,
  );
}

/** The parts of a `node:http` / Express request {@link toNodeHandler} reads. */
export interface NodeRequestLike extends AsyncIterable<unknown> {
  method?: string | undefined;
  url?: string | undefined;
  /** Express's full URL (before the mount path was stripped). */
  originalUrl?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** A body already read by middleware: raw (`express.raw`/`express.text`) or decoded. */
  body?: unknown;
}

/** The parts of a `node:http` / Express response {@link toNodeHandler} writes. */
export interface NodeResponseLike {
  /** The status to answer. */
  statusCode: number;
  /** Sets one response header. */
  setHeader(name: string, value: string): unknown;
  /** Sends the body and finishes the answer. */
  end(chunk?: Uint8Array | string): unknown;
}

/** Options of {@link toNodeHandler}. */
export interface ToNodeHandlerOptions {
  /**
   * Largest body read from the socket, in bytes. A larger one is answered 413 with
   * `Connection: close`, without calling the handler and without reading the rest.
   *
   * @defaultValue `1_048_576` (1 MB)
   */
  maxBytes?: number;
  /**
   * Longest the body may take to arrive from the socket, in milliseconds. A slower one is
   * answered 408 with `Connection: close`, without calling the handler. `Infinity` waits for
   * ever (Node's own `server.requestTimeout` still applies).
   *
   * @defaultValue `10_000` (10 s)
   */
  readTimeoutMs?: number;
  /**
   * The origin used to build the request URL (only its path and query are checked).
   *
   * @defaultValue `http://<Host header>`
   */
  origin?: string;
}

/**
 * Adapts a Fetch-API handler to `node:http` and Express: `(req, res) => Promise<void>`.
 *
 * Mount it without a body parser, or after `express.raw({ type: '*\/*' })` / `express.text()`,
 * so the raw body reaches it. A body already decoded by `express.urlencoded()` is re-encoded,
 * which is fine for the URL-secret scheme but not for signatures over the raw bytes.
 *
 * @example
 * ```ts
 * app.post('/kommo/webhook', toNodeHandler(handler));
 * http.createServer(toNodeHandler(handler)).listen(3000);
 * ```
 */
export function toNodeHandler(
  handler: (request: Request) => Promise<Response>,
  options: ToNodeHandlerOptions = {},
): (req: NodeRequestLike, res: NodeResponseLike) => Promise<void> {
  const limits = {
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    timeoutMs: options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
  };
  return async (req, res) => {
    let response: Response;
    const request = await toRequest(req, options.origin, limits).catch(refuseBody);
    if (request instanceof Response) response = request;
    else {
      try {
        response = await handler(request);
      } catch {
        response = text(500, 'Internal Server Error');
      }
    }
    res.statusCode = response.status;
    response.headers.forEach((value, name) => {
      res.setHeader(name, value);
    });
    res.end(new Uint8Array(await response.arrayBuffer()));
  };
}

/**
 * Builds the Web `Request` of a Node request.
 *
 * @throws {@link WebhookParseError} for a body over the limits, or for a request the Fetch
 *   API refuses (a malformed `Host`, a `TRACE` method): the sender's fault, answered 4xx.
 */
async function toRequest(
  req: NodeRequestLike,
  origin: string | undefined,
  limits: ReadLimits,
): Promise<Request> {
  const method = (req.method ?? 'GET').toUpperCase();
  const body = method === 'GET' || method === 'HEAD' ? undefined : await nodeBody(req, limits);
  try {
    const host = typeof req.headers['host'] === 'string' ? req.headers['host'] : 'localhost';
    const url = new URL(req.originalUrl ?? req.url ?? '/', origin ?? `http://${host}`);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    if (body !== undefined) {
      headers.delete('content-length');
      headers.delete('transfer-encoding');
    }
    return new Request(url, { method, headers, ...(body && { body }) });
  } catch (cause) {
    throw new WebhookParseError('invalid_input', 'The request cannot be represented', { cause });
  }
}

async function nodeBody(
  req: NodeRequestLike,
  limits: ReadLimits,
): Promise<Uint8Array<ArrayBuffer>> {
  const given = req.body;
  if (typeof given === 'string') return new TextEncoder().encode(given);
  if (given instanceof Uint8Array) return Uint8Array.from(given);
  if (typeof given === 'object' && given !== null && Object.keys(given).length > 0) {
    const pairs: Array<[string, string]> = [];
    appendValue(pairs, '', given as WebhookInputValue);
    return new TextEncoder().encode(encodePairs(pairs));
  }
  const chunks = req[Symbol.asyncIterator]();
  // Pulled chunk by chunk so each pull can race the deadline. The iterator is not closed on
  // the way out (that destroys the request mid-answer); the unread rest goes with the
  // connection, which the `Connection: close` of the 413/408 ends.
  return readCapped(
    () => chunks.next(),
    () => undefined,
    limits,
  );
}
