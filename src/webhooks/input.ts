/**
 * Reading what a webhook request carries (URL, headers, raw body) from a Web `Request` or a
 * plain `{ url, headers, body }`, with bounds on the body size and on the time it takes to arrive.
 *
 * @module
 */

import { WebhookParseError, WebhookVerificationError } from './errors.js';
import { tooLarge } from './form.js';
import { toBytes } from '../core/crypto.js';

/** Header values as frameworks hand them over (`node:http` gives arrays for repeated headers). */
export type WebhookHeaders =
  | Headers
  | ReadonlyArray<readonly [string, string]>
  | { readonly [name: string]: string | readonly string[] | undefined };

/** A webhook request without the Fetch API: what Express or `node:http` code has at hand. */
export interface WebhookRequestLike {
  /** The full URL, or the path with the query (`/kommo/hook?secret=…`). */
  url: string;
  /** The request headers. */
  headers?: WebhookHeaders;
  /** The raw body exactly as received (not a re-serialized parsed object). */
  body?: string | Uint8Array | ArrayBuffer | null;
}

/** What {@link verifyWebhook} accepts: a Web `Request` or a {@link WebhookRequestLike}. */
export type VerifyWebhookInput = Request | WebhookRequestLike;

/** The parts of a request the schemes read. @internal */
export interface RequestParts {
  url: URL;
  header(name: string): string | undefined;
  body(): Promise<Uint8Array>;
}

/** What bounds one body read. @internal */
export interface ReadLimits {
  /** Largest body, in bytes. */
  maxBytes: number;
  /** Longest the whole body may take to arrive, in ms; `Infinity` waits for ever. */
  timeoutMs: number;
}

/** @internal */
export const DEFAULT_READ_TIMEOUT_MS = 10_000;

/** Base for relative URLs; only the path and query are ever read from it. */
const RELATIVE_BASE = 'http://localhost';

function malformed(message: string, cause?: unknown): WebhookVerificationError {
  return new WebhookVerificationError('malformed', message, cause === undefined ? {} : { cause });
}

/**
 * @throws {@link WebhookVerificationError} `malformed` for an input that is not a request or
 *   whose URL cannot be parsed.
 * @internal
 */
export function requestParts(input: VerifyWebhookInput, limits: ReadLimits): RequestParts {
  if (typeof Request !== 'undefined' && input instanceof Request) {
    let cached: Promise<Uint8Array> | undefined;
    return {
      url: new URL(input.url),
      header: (name) => input.headers.get(name) ?? undefined,
      // A clone, so the caller can still read the body after verification. `clone()` throws
      // on a body already read; the async wrapper turns that into a rejection readBody types.
      body: () => (cached ??= (async () => readBody(cloneOf(input), limits))()),
    };
  }
  const like = input as WebhookRequestLike;
  if (typeof like !== 'object' || like === null || typeof like.url !== 'string') {
    throw malformed('verifyWebhook expects a Request or { url, headers, body }');
  }
  let url: URL;
  try {
    url = new URL(like.url, RELATIVE_BASE);
  } catch (cause) {
    throw malformed('The webhook URL cannot be parsed', cause);
  }
  const raw: unknown = like.body;
  return {
    url,
    header: (name) => headerValue(like.headers, name),
    body: () => {
      let bytes: Uint8Array;
      if (raw === undefined || raw === null) bytes = new Uint8Array();
      else if (raw instanceof ArrayBuffer) bytes = new Uint8Array(raw);
      else if (typeof raw === 'string' || raw instanceof Uint8Array) bytes = toBytes(raw);
      else {
        // A body some middleware already decoded cannot be verified byte for byte.
        return Promise.reject(
          new WebhookParseError(
            'invalid_input',
            'The webhook body must be the raw text or bytes, not a decoded object',
          ),
        );
      }
      if (bytes.byteLength > limits.maxBytes) return Promise.reject(tooLarge(limits.maxBytes));
      return Promise.resolve(bytes);
    },
  };
}

function cloneOf(request: Request): Request {
  try {
    return request.clone();
  } catch (cause) {
    throw new WebhookParseError('read_failed', 'The webhook body was already read', { cause });
  }
}

function headerValue(headers: WebhookHeaders | undefined, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  const wanted = name.toLowerCase();
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    return headers.get(wanted) ?? undefined;
  }
  // Frameworks hand over odd values (numbers, nested lists): read them, never crash on them.
  const entries: readonly unknown[] = Array.isArray(headers) ? headers : Object.entries(headers);
  const found: string[] = [];
  for (const entry of entries) {
    const [key, value] = Array.isArray(entry) ? (entry as unknown[]) : [];
    if (typeof key !== 'string' || key.toLowerCase() !== wanted) continue;
    for (const v of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (typeof v === 'string') found.push(v);
      else if (typeof v === 'number') found.push(String(v));
    }
  }
  return found.length > 0 ? found.join(', ') : undefined;
}

/** The longest delay `setTimeout` honours; a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** A chunk as streams hand them over: bytes, or text from a stream with an encoding set. */
function chunkBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return new TextEncoder().encode(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new WebhookParseError('read_failed', 'The webhook body stream yielded a non-byte chunk');
}

/**
 * Pulls chunks until the end, and stops as soon as the total exceeds `maxBytes` or the
 * deadline passes: a huge body is never buffered whole, and a body trickling in byte by byte
 * does not hold the request for as long as its sender likes.
 *
 * `stop` runs when the read ends early. It must not block: cancelling one branch of a tee'd
 * stream (a `Request.clone()`) resolves only once the other branch is cancelled too, so
 * awaiting it would hang for ever.
 *
 * @throws {@link WebhookParseError} `too_large`, `read_timeout`, or `read_failed` (the stream
 *   broke off).
 * @internal
 */
export async function readCapped(
  pull: () => Promise<{ done?: boolean | undefined; value?: unknown }>,
  stop: () => void,
  limits: ReadLimits,
): Promise<Uint8Array<ArrayBuffer>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    if (!(limits.timeoutMs <= MAX_TIMER_MS)) return;
    timer = setTimeout(() => {
      reject(
        new WebhookParseError(
          'read_timeout',
          `The webhook body did not arrive within ${String(limits.timeoutMs)} ms`,
        ),
      );
    }, limits.timeoutMs);
  });
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      let result: { done?: boolean | undefined; value?: unknown };
      try {
        result = await Promise.race([pull(), deadline]);
      } catch (cause) {
        if (cause instanceof WebhookParseError) throw cause;
        throw new WebhookParseError('read_failed', 'The webhook body could not be read', {
          cause,
        });
      }
      if (result.done === true) break;
      const bytes = chunkBytes(result.value);
      total += bytes.byteLength;
      if (total > limits.maxBytes) throw tooLarge(limits.maxBytes);
      chunks.push(bytes);
    }
  } catch (error) {
    try {
      stop();
    } catch {
      // Stopping is best effort; the error that ended the read is what matters.
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Reads a request body within `limits` (see {@link readCapped}); a declared `Content-Length`
 * over `maxBytes` is refused before reading anything.
 *
 * @throws {@link WebhookParseError} `too_large`, `read_timeout` or `read_failed`.
 * @internal
 */
export async function readBody(request: Request, limits: ReadLimits): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limits.maxBytes) throw tooLarge(limits.maxBytes);
  if (request.bodyUsed) {
    throw new WebhookParseError('read_failed', 'The webhook body was already read');
  }
  if (request.body === null) return new Uint8Array();
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = request.body.getReader();
  } catch (cause) {
    throw new WebhookParseError('read_failed', 'The webhook body is locked by another reader', {
      cause,
    });
  }
  return readCapped(
    () => reader.read(),
    // Not awaited, on purpose: see readCapped.
    () => void reader.cancel().catch(() => undefined),
    limits,
  );
}
