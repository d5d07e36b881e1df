/**
 * Reading what a webhook request carries (URL, headers, raw body) from a Web `Request` or a
 * plain `{ url, headers, body }`, with bounds on the body size and on the time it takes to arrive.
 *
 * @module
 */

import { parseError, verificationError, WebhookParseError } from './errors.js';
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

/**
 * @throws {@link WebhookVerificationError} `malformed` for an input that is not a request or
 *   whose URL cannot be parsed.
 * @internal
 */
export function requestParts(input: VerifyWebhookInput, limits: ReadLimits): RequestParts {
  const request = typeof Request !== 'undefined' && input instanceof Request;
  const like = input as WebhookRequestLike;
  if (typeof like !== 'object' || like === null || typeof like.url !== 'string') {
    throw verificationError(
      'malformed',
      'verifyWebhook expects a Request or { url, headers, body }',
    );
  }
  let url: URL;
  try {
    // A relative URL gets a base: only its path and query are ever read.
    url = new URL(like.url, 'http://localhost');
  } catch (cause) {
    throw verificationError('malformed', 'The webhook URL cannot be parsed', cause);
  }
  const raw: unknown = like.body;
  let cached: Promise<Uint8Array> | undefined;
  return {
    url,
    header: (name) => headerValue(like.headers, name),
    // A Request's body is read from a clone, so the caller can still read it after
    // verification; the async wrapper makes every refusal a rejection.
    body: () =>
      (cached ??= (async () => {
        if (request) return readBody(input, limits, true);
        // A body some middleware already decoded cannot be verified byte for byte.
        if (
          raw != null &&
          typeof raw !== 'string' &&
          !(raw instanceof Uint8Array || raw instanceof ArrayBuffer)
        ) {
          throw parseError('invalid_input', 'The webhook body must be the raw text or bytes');
        }
        const bytes = raw instanceof ArrayBuffer ? new Uint8Array(raw) : toBytes(raw ?? '');
        if (bytes.byteLength > limits.maxBytes) throw tooLarge(limits.maxBytes);
        return bytes;
      })()),
  };
}

function headerValue(headers: WebhookHeaders | undefined, name: string): string | undefined {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    return headers.get(name) ?? undefined;
  }
  // Frameworks hand over odd values (numbers, nested lists): read them, never crash on them.
  const found: string[] = [];
  for (const entry of Array.isArray(headers) ? headers : Object.entries(headers ?? {})) {
    const [key, value] = Array.isArray(entry) ? (entry as unknown[]) : [];
    if (typeof key === 'string' && key.toLowerCase() === name.toLowerCase()) {
      for (const v of [value].flat()) {
        if (typeof v === 'string' || typeof v === 'number') found.push(String(v));
      }
    }
  }
  return found.length ? found.join(', ') : undefined;
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
    // Past the longest delay `setTimeout` honours (2^31 - 1 ms) it would fire at once.
    if (limits.timeoutMs < 2 ** 31) {
      timer = setTimeout(() => {
        reject(
          parseError(
            'read_timeout',
            `The webhook body did not arrive within ${limits.timeoutMs} ms`,
          ),
        );
      }, limits.timeoutMs);
    }
  });
  const chunks: Array<Uint8Array<ArrayBuffer>> = [];
  let total = 0;
  try {
    for (;;) {
      const result = await Promise.race([pull(), deadline]).catch((cause: unknown) => {
        throw cause instanceof WebhookParseError
          ? cause
          : parseError('read_failed', 'The webhook body could not be read', cause);
      });
      if (result.done === true) break;
      // A chunk as streams hand them over: bytes, or text from a stream with an encoding set.
      const chunk = result.value;
      if (!(
        typeof chunk === 'string' ||
        chunk instanceof Uint8Array ||
        chunk instanceof ArrayBuffer
      )) {
        throw parseError('read_failed', 'The webhook body stream yielded a non-byte chunk');
      }
      const bytes = chunk instanceof ArrayBuffer ? new Uint8Array(chunk) : toBytes(chunk);
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
  return new Uint8Array(await new Blob(chunks).arrayBuffer());
}

/**
 * Reads a request body (of a clone of it, with `clone`) within `limits` (see
 * {@link readCapped}); a declared `Content-Length` over `maxBytes` is refused before reading
 * anything.
 *
 * @throws {@link WebhookParseError} `too_large`, `read_timeout` or `read_failed`.
 * @internal
 */
export async function readBody(
  request: Request,
  limits: ReadLimits,
  clone?: boolean,
): Promise<Uint8Array> {
  if (Number(request.headers.get('content-length')) > limits.maxBytes) {
    throw tooLarge(limits.maxBytes);
  }
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  try {
    if (request.bodyUsed) throw new TypeError('used');
    reader = (clone ? request.clone() : request).body?.getReader();
  } catch (cause) {
    throw parseError('read_failed', 'The webhook body was already read or is locked', cause);
  }
  return reader
    ? readCapped(
        () => reader.read(),
        // Not awaited, on purpose: see readCapped.
        () => void reader.cancel().catch(() => undefined),
        limits,
      )
    : new Uint8Array();
}
