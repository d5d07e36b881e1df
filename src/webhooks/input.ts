/**
 * Reading what a webhook request carries (URL, headers, raw body) from a Web `Request` or a
 * plain `{ url, headers, body }`, with a bound on the body size.
 *
 * @module
 */

import { WebhookParseError } from './errors.js';
import { toBytes } from './crypto.js';

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

/** Base for relative URLs; only the path and query are ever read from it. */
const RELATIVE_BASE = 'http://localhost';

/** @internal */
export function requestParts(input: VerifyWebhookInput, maxBytes: number): RequestParts {
  if (typeof Request !== 'undefined' && input instanceof Request) {
    let cached: Promise<Uint8Array> | undefined;
    return {
      url: new URL(input.url),
      header: (name) => input.headers.get(name) ?? undefined,
      // A clone, so the caller can still read the body after verification.
      body: () => (cached ??= readBody(input.clone(), maxBytes)),
    };
  }
  const like = input as WebhookRequestLike;
  if (typeof like !== 'object' || like === null || typeof like.url !== 'string') {
    throw new TypeError('verifyWebhook expects a Request or { url, headers, body }');
  }
  const raw = like.body;
  return {
    url: new URL(like.url, RELATIVE_BASE),
    header: (name) => headerValue(like.headers, name),
    body: () => {
      const bytes =
        raw === undefined || raw === null
          ? new Uint8Array()
          : raw instanceof ArrayBuffer
            ? new Uint8Array(raw)
            : toBytes(raw);
      if (bytes.byteLength > maxBytes) return Promise.reject(tooLarge(maxBytes));
      return Promise.resolve(bytes);
    },
  };
}

function headerValue(headers: WebhookHeaders | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  const wanted = name.toLowerCase();
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    return headers.get(wanted) ?? undefined;
  }
  if (Array.isArray(headers)) {
    const pairs = headers as ReadonlyArray<readonly [string, string]>;
    const found = pairs.filter(([k]) => k.toLowerCase() === wanted).map(([, v]) => v);
    return found.length > 0 ? found.join(', ') : undefined;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : (value as readonly string[]).join(', ');
  }
  return undefined;
}

function tooLarge(maxBytes: number): WebhookParseError {
  return new WebhookParseError(
    'too_large',
    `The webhook body is larger than ${String(maxBytes)} bytes`,
  );
}

/**
 * Reads a request body, stopping as soon as it exceeds `maxBytes` so a huge body is never
 * buffered whole.
 *
 * @throws {@link WebhookParseError} `too_large`.
 * @internal
 */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (request.body === null) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
