/**
 * {@link toNodeHandler}: a Fetch-API webhook handler served by `node:http` or Express, with the
 * body read from the socket within the same size and time bounds. Web APIs only: it reads the
 * request through the shapes it needs, never through `node:` imports.
 *
 * @module
 */

import { appendValue, encodePairs, type WebhookInputValue } from './encode.js';
import { toBytes } from '../core/crypto.js';
import { parseError } from './errors.js';
import { DEFAULT_MAX_BYTES } from './form.js';
import { refuseBody, text } from './handler.js';
import { DEFAULT_READ_TIMEOUT_MS, readCapped, type ReadLimits } from './input.js';

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
    try {
      const request = await toRequest(req, options.origin, limits);
      try {
        response = await handler(request);
      } catch {
        response = text(500, 'Internal Server Error');
      }
    } catch (error) {
      response = refuseBody(error);
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
  const given = req.body;
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    if (typeof given === 'string' || given instanceof Uint8Array) body = toBytes(given);
    else if (typeof given === 'object' && given !== null && Object.keys(given).length) {
      // A body `express.urlencoded()` decoded, encoded again.
      const pairs: Array<[string, string]> = [];
      appendValue(pairs, '', given as WebhookInputValue);
      body = toBytes(encodePairs(pairs));
    } else {
      const chunks = req[Symbol.asyncIterator]();
      // Pulled chunk by chunk so each pull can race the deadline. The iterator is not closed
      // on the way out (that destroys the request mid-answer); the unread rest goes with the
      // connection, which the `Connection: close` of the 413/408 ends.
      body = await readCapped(
        () => chunks.next(),
        () => undefined,
        limits,
      );
    }
  }
  try {
    const host = req.headers['host'];
    const url = new URL(
      req.originalUrl ?? req.url ?? '/',
      origin ?? `http://${typeof host === 'string' ? host : 'localhost'}`,
    );
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      for (const v of [value ?? []].flat()) headers.append(name, v);
    }
    if (body) {
      headers.delete('content-length');
      headers.delete('transfer-encoding');
    }
    return new Request(url, { method, headers, ...(body && { body }) });
  } catch (cause) {
    throw parseError('invalid_input', 'The request cannot be represented', cause);
  }
}
