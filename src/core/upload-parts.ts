/**
 * Reading what a user uploads — bytes, a `Blob`, a Web `ReadableStream`, a Node stream or any
 * async iterable — as the parts of a resumable upload, one part in memory at a time.
 *
 * @module
 */

import { RequestValidationError } from './errors.js';
import type { UploadSource } from './upload.js';

const encoder = new TextEncoder();

function invalid(message: string): RequestValidationError {
  return new RequestValidationError(message, [{ path: ['file_size'], message }]);
}

/** A `Blob` (or `File`), told apart by shape so a Blob of another realm counts too. */
function isBlob(source: unknown): source is Blob {
  const s = source as Partial<Blob> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.size === 'number' &&
    typeof s.slice === 'function' &&
    typeof s.arrayBuffer === 'function'
  );
}

function isWebStream(source: unknown): source is ReadableStream<Uint8Array> {
  return typeof (source as { getReader?: unknown } | null)?.getReader === 'function';
}

function isAsyncIterable(source: unknown): source is AsyncIterable<unknown> {
  return (
    typeof source === 'object' &&
    source !== null &&
    typeof (source as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function'
  );
}

/** The bytes of a fixed source; `undefined` for a Blob or a stream. */
function fixedBytes(source: UploadSource): Uint8Array | undefined {
  if (typeof source === 'string') return encoder.encode(source);
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (source instanceof Uint8Array) return source;
  return undefined;
}

/**
 * The size, name and type a source tells by itself (`File` name and `Blob` type).
 *
 * @throws {@link RequestValidationError} for something that is not an {@link UploadSource}.
 */
export function describeSource(source: UploadSource): {
  size?: number;
  name?: string;
  type?: string;
} {
  const bytes = fixedBytes(source);
  if (bytes) return { size: bytes.byteLength };
  if (isBlob(source)) {
    const name = (source as Partial<File>).name;
    return {
      size: source.size,
      ...(typeof name === 'string' && name !== '' ? { name } : {}),
      ...(source.type ? { type: source.type } : {}),
    };
  }
  if (isWebStream(source) || isAsyncIterable(source)) return {};
  throw new RequestValidationError(
    'The upload source must be bytes, a string, a Blob, a ReadableStream or a Node stream',
    [{ path: ['source'], message: 'Unsupported source' }],
  );
}

/** A stream's chunks as an async iterator, whichever kind of stream it is. */
async function* chunksOf(source: ReadableStream<Uint8Array> | AsyncIterable<unknown>) {
  if (!isWebStream(source)) {
    yield* source;
    return;
  }
  const reader = source.getReader();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value as unknown;
    }
  } finally {
    // Stopped early (an error, a failed part): let go of the source.
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

function chunkBytes(chunk: unknown): Uint8Array {
  if (typeof chunk === 'string') return encoder.encode(chunk);
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new RequestValidationError('The upload stream must yield bytes or strings', [
    { path: ['source'], message: 'Unsupported chunk' },
  ]);
}

/**
 * The parts of `total` bytes from `skip` on, each `partSize` long but the last; a part is a
 * copy the caller may keep. Holds one part in memory.
 *
 * @throws {@link RequestValidationError} when the source is shorter or longer than `total`,
 *   before the part that would show it is yielded.
 */
export async function* readParts(
  source: UploadSource,
  { partSize, skip, total }: { partSize: number; skip: number; total: number },
): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  const bytes = fixedBytes(source);
  if (bytes || isBlob(source)) {
    const size = bytes ? bytes.byteLength : (source as Blob).size;
    if (size !== total) throw invalid(`The source has ${String(size)} bytes, not ${String(total)}`);
    for (let start = skip; start < total; start += partSize) {
      const end = Math.min(start + partSize, total);
      yield bytes
        ? bytes.slice(start, end)
        : new Uint8Array(await (source as Blob).slice(start, end).arrayBuffer());
    }
    return;
  }
  const partAt = (start: number): Uint8Array<ArrayBuffer> =>
    new Uint8Array(Math.min(partSize, total - start));
  let seen = 0;
  let start = skip;
  let part = partAt(start);
  let filled = 0;
  let last: Uint8Array<ArrayBuffer> | undefined;
  for await (const chunk of chunksOf(source as ReadableStream<Uint8Array>)) {
    const data = chunkBytes(chunk);
    let from = Math.max(0, skip - seen);
    seen += data.byteLength;
    while (from < data.byteLength) {
      if (last) throw invalid(`The source has more than ${String(total)} bytes`);
      const take = Math.min(part.byteLength - filled, data.byteLength - from);
      part.set(data.subarray(from, from + take), filled);
      filled += take;
      from += take;
      if (filled < part.byteLength) continue;
      if (start + filled === total) {
        // Sent only once the source has ended: a longer source must not complete the file.
        last = part;
        continue;
      }
      yield part;
      start += filled;
      part = partAt(start);
      filled = 0;
    }
  }
  if (!last) throw invalid(`The source ended after ${String(seen)} of ${String(total)} bytes`);
  yield last;
}
