/**
 * Writes: single writes, and batches of any length split into chunks sent concurrently (bounded)
 * with per-item results matched by `request_id`.
 *
 * A chunk whose write outcome is unknown (5xx, timeout, reset after sending) is never replayed:
 * its items are reported `unknown`. A 400 chunk's `validation-errors` are mapped back to the
 * input items through their `request_id`.
 *
 * @module
 */

import { z } from 'zod';
import {
  KommoApiError,
  KommoError,
  RequestValidationError,
  type KommoValidationError,
  ResponseValidationError,
  isKommoError,
  type KommoFieldError,
  type WriteOutcome,
} from './errors.js';
import type { CoreRequest } from './http.js';
import type { RequestOptions } from './options.js';
import { parseResponse } from './schema.js';
import type { Sender } from './pagination.js';

/** Default items per request of `createMany`/`updateMany` (Kommo recommends ≤ 50). */
export const DEFAULT_CHUNK_SIZE = 50;
/** Default number of chunks in flight at once. */
export const DEFAULT_BATCH_CONCURRENCY = 3;

/** Options of `createMany`/`updateMany`. */
export interface BatchOptions extends RequestOptions {
  /**
   * Items per request, from 1 to Kommo's limit (250; 50 for complex leads; 10 for users).
   * Kommo recommends at most 50; a 504 means the chunk was too big.
   *
   * @defaultValue 50
   */
  chunkSize?: number;
  /**
   * Chunks in flight at once. The client's rate limiter still paces every request; concurrency
   * only stops latency from capping the throughput.
   *
   * @defaultValue 3
   */
  concurrency?: number;
}

/** What happened to one input item of a batch. */
export type BatchItemStatus = 'applied' | 'failed' | 'not_sent' | 'unknown';

/** The result of one input item of a batch. */
export interface BatchItemResult<R> {
  /** Index of the item in the array you passed. */
  index: number;
  /**
   * - `applied`: Kommo wrote it; `ref` holds what it returned.
   * - `failed`: Kommo refused it; `errors` holds its validation errors (Kommo's dot `path`s
   *   are relative to the item), `error` the request's error.
   * - `not_sent`: not applied and safe to send again: its chunk was never sent (an earlier
   *   chunk failed, or the call was aborted), Kommo refused the chunk because of *other*
   *   items in it, or refused the whole request without applying it (a 429 after the retries,
   *   401, 402, 403): `error` says why.
   * - `unknown`: its chunk may have been applied (5xx, timeout); the SDK did not replay it.
   *   Re-read before sending it again.
   */
  status: BatchItemStatus;
  /** For `applied`. */
  ref?: R;
  /** For `failed`: Kommo's errors for this item (empty when the whole chunk was refused). */
  errors?: KommoFieldError[];
  /** For `failed` and `unknown`: the error of the request that carried the item. */
  error?: KommoError;
}

/**
 * Some items of a `createMany`/`updateMany` (or `createComplex`) were not applied. `results`
 * holds one entry per input item, in input order; no item is left out.
 *
 * @example
 * ```ts
 * try {
 *   await kommo.leads.createMany(rows);
 * } catch (error) {
 *   if (error instanceof BatchError) {
 *     const retry = error.results.filter((r) => r.status === 'not_sent').map((r) => rows[r.index]);
 *   }
 * }
 * ```
 */
export class BatchError<R = unknown> extends KommoError {
  /** One entry per input item, in input order. */
  readonly results: Array<BatchItemResult<R>>;
  /** The errors of the failed requests (one per failed chunk). */
  readonly errors: KommoError[];

  constructor(message: string, results: Array<BatchItemResult<R>>, errors: KommoError[]) {
    const anyUnknown = results.some((r) => r.status === 'unknown');
    const anyApplied = results.some((r) => r.status === 'applied');
    const outcome: WriteOutcome | undefined = anyUnknown
      ? 'unknown'
      : anyApplied
        ? undefined
        : 'not_applied';
    super('batch_failed', message, {
      cause: errors[0],
      ...(outcome ? { writeOutcome: outcome } : {}),
    });
    this.results = results;
    this.errors = errors;
  }

  /** The refs of the items that were applied, in input order. */
  get applied(): R[] {
    return this.results.flatMap((r) =>
      r.status === 'applied' && r.ref !== undefined ? [r.ref] : [],
    );
  }
}

/** How one chunk is written. @internal */
export interface BatchSpec<I, R> {
  /** Kommo's per-request limit for this endpoint. */
  maxChunkSize: number;
  /** What is written, for messages (`leads`). */
  what: string;
  /**
   * Sends one chunk (items already carry their `request_id`) and returns the parsed refs, or
   * the refs plus the items Kommo refused inside a successful answer (calls, short links).
   */
  send(chunk: I[], options: RequestOptions): Promise<R[] | ChunkAnswer<R>>;
  /** The request ids a ref echoes (an array for complex leads). */
  requestIds(ref: NoInfer<R>): string[];
}

/**
 * A successful answer that refused some items of its chunk: `/api/v4/calls` lists them in
 * `errors[]`, `/api/v4/short_links` leaves them out. @internal
 */
export interface ChunkAnswer<R> {
  refs: R[];
  /** The refused items, keyed by `request_id` (or their position in the chunk). */
  refused: KommoValidationError[];
  /** What the refused items report as their `error`. */
  error: KommoError;
}

function checkInt(
  value: unknown,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RequestValidationError(`\`${name}\` must be an integer from ${min} to ${max}`, [
      { path: [name], message: `Expected an integer from ${min} to ${max}` },
    ]);
  }
  return value;
}

/** Generated ids: the input index, the same shape Kommo uses when none is given. */
function ensureRequestIds<I extends { request_id?: string | undefined }>(items: readonly I[]): I[] {
  return items.map((item, index) =>
    item.request_id === undefined ? { ...item, request_id: String(index) } : item,
  );
}

/**
 * Writes `items` in chunks, `concurrency` chunks at a time, and returns the refs in input order.
 * Items must already be validated. Chunks after a failure that is not about specific items
 * (auth, payment, 5xx, abort…) are not sent.
 *
 * @throws {@link BatchError} when any item was not applied.
 * @internal
 */
export async function runBatch<I extends { request_id?: string | undefined }, R>(
  items: readonly I[],
  spec: BatchSpec<I, R>,
  options: BatchOptions = {},
): Promise<R[]> {
  const { chunkSize: rawChunkSize, concurrency: rawConcurrency, ...requestOptions } = options;
  const chunkSize = checkInt(
    rawChunkSize,
    'chunkSize',
    1,
    spec.maxChunkSize,
    Math.min(DEFAULT_CHUNK_SIZE, spec.maxChunkSize),
  );
  const concurrency = checkInt(rawConcurrency, 'concurrency', 1, 20, DEFAULT_BATCH_CONCURRENCY);
  if (items.length === 0) return [];

  const withIds = ensureRequestIds(items);
  const results: Array<BatchItemResult<R> | undefined> = new Array<BatchItemResult<R> | undefined>(
    items.length,
  );
  const chunkErrors: KommoError[] = [];
  const starts: number[] = [];
  for (let start = 0; start < withIds.length; start += chunkSize) starts.push(start);
  let next = 0;
  let stopped = false;

  const runChunk = async (start: number): Promise<void> => {
    const chunk = withIds.slice(start, start + chunkSize);
    // request_id → input index; ambiguous ids (a user reused one) fall back to positions.
    const byId = new Map<string, number>();
    const duplicated = new Set<string>();
    chunk.forEach((item, i) => {
      const id = item.request_id ?? String(start + i);
      if (byId.has(id)) duplicated.add(id);
      byId.set(id, start + i);
    });
    for (const id of duplicated) byId.delete(id);
    let refs: R[];
    try {
      const answer = await spec.send(chunk, requestOptions);
      refs = Array.isArray(answer) ? answer : answer.refs;
      if (!Array.isArray(answer) && answer.refused.length > 0) {
        chunkErrors.push(answer.error);
        markRefused(answer, { start, length: chunk.length, byId }, results);
      }
    } catch (caught) {
      const error = isKommoError(caught)
        ? caught
        : new KommoError('connection_error', String(caught), {
            cause: caught,
            writeOutcome: 'unknown',
          });
      chunkErrors.push(error);
      markFailedChunk(error, chunk, start, byId, results);
      if (!isItemScoped(error)) stopped = true;
      return;
    }
    refs.forEach((ref, position) => {
      const matched = spec
        .requestIds(ref)
        .map((id) => byId.get(id))
        .filter((index): index is number => index !== undefined);
      const indexes = matched.length > 0 ? matched : [start + position];
      for (const index of indexes) {
        if (index < start || index >= start + chunk.length || results[index] !== undefined)
          continue;
        results[index] = { index, status: 'applied', ref };
      }
    });
    // Kommo did not report these items: they may or may not exist now.
    for (let index = start; index < start + chunk.length; index++) {
      results[index] ??= { index, status: 'unknown' };
    }
  };

  const worker = async (): Promise<void> => {
    while (next < starts.length && !stopped && !requestOptions.signal?.aborted) {
      const start = starts[next++] as number;
      await runChunk(start);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, starts.length) }, () => worker()));

  const final = Array.from(
    results,
    (r, index): BatchItemResult<R> => r ?? { index, status: 'not_sent' },
  );
  if (final.every((r) => r.status === 'applied')) return final.map((r) => r.ref as R);
  const count = (status: BatchItemStatus): number =>
    final.filter((r) => r.status === status).length;
  const failed = count('failed');
  const unknown = count('unknown');
  const notSent = count('not_sent');
  const first = chunkErrors[0];
  throw new BatchError<R>(
    `${items.length - count('applied')} of ${items.length} ${spec.what} not applied (${failed} failed, ${unknown} unknown, ${notSent} not sent)${first ? `: ${first.message}` : ''}`,
    final,
    chunkErrors,
  );
}

/** Marks the items a successful answer refused as `failed`, with their errors. */
function markRefused<R>(
  answer: ChunkAnswer<R>,
  chunk: { start: number; length: number; byId: Map<string, number> },
  results: Array<BatchItemResult<R> | undefined>,
): void {
  for (const entry of answer.refused) {
    const index =
      chunk.byId.get(entry.requestId) ?? positional(entry.requestId, chunk.start, chunk.length);
    if (index === undefined) continue;
    entry.index = index;
    const previous = results[index];
    const errors = [...(previous?.errors ?? []), ...entry.errors];
    results[index] = { index, status: 'failed', errors, error: answer.error };
  }
}

/** A 400/422 about some items: the other chunks are unaffected. */
function isItemScoped(error: KommoError): boolean {
  return error instanceof KommoApiError && (error.status === 400 || error.status === 422);
}

function markFailedChunk(
  error: KommoError,
  chunk: readonly unknown[],
  start: number,
  byId: Map<string, number>,
  results: Array<BatchItemResult<unknown> | undefined>,
): void {
  const end = start + chunk.length;
  if (error.writeOutcome === 'unknown') {
    for (let index = start; index < end; index++)
      results[index] = { index, status: 'unknown', error };
    return;
  }
  if (!isItemScoped(error)) {
    // Refused as a whole and not applied (429 after the retries, 401, 402, 403, a refused
    // connection, an abort): nothing is wrong with the items, so they are `not_sent` and safe
    // to send again — marking them `failed` would make callers drop good data.
    for (let index = start; index < end; index++)
      results[index] = { index, status: 'not_sent', error };
    return;
  }
  const validation = error instanceof KommoApiError ? error.validationErrors : [];
  let unmapped = false;
  for (const entry of validation) {
    // Kommo echoes our request_id; without one it uses the position in the request.
    const index = byId.get(entry.requestId) ?? positional(entry.requestId, start, chunk.length);
    if (index === undefined) {
      unmapped = true;
      continue;
    }
    entry.index = index;
    const previous = results[index];
    const errors = [
      ...(previous?.status === 'failed' ? (previous.errors ?? []) : []),
      ...entry.errors,
    ];
    results[index] = { index, status: 'failed', errors, error };
  }
  for (let index = start; index < end; index++) {
    if (results[index] !== undefined) continue;
    // Refused along with the items Kommo named; when it named none we could place, or refused
    // the request as a whole, the item failed with the request.
    results[index] =
      validation.length > 0 && !unmapped
        ? { index, status: 'not_sent', error }
        : { index, status: 'failed', errors: [], error };
  }
}

function positional(requestId: string, start: number, length: number): number | undefined {
  if (!/^\d+$/.test(requestId)) return undefined;
  const n = Number(requestId);
  return n < length ? start + n : undefined;
}

// ---------------------------------------------------------------------------------------------
// Parsing write answers.

/** Reads the refs of a write answer: HAL `_embedded[key]`, a plain array, or one object. @internal */
function extractRefs(body: unknown, key: string): unknown[] {
  if (Array.isArray(body)) return body;
  if (typeof body === 'object' && body !== null) {
    const embedded = (body as { _embedded?: unknown })._embedded;
    if (typeof embedded === 'object' && embedded !== null) {
      const list = (embedded as Record<string, unknown>)[key];
      if (Array.isArray(list)) return list;
    }
    if ('id' in body) return [body];
  }
  return [];
}

/** One write to send: the request, and how to read the refs of its answer. @internal */
export interface WriteRequest<S extends z.ZodType> extends CoreRequest {
  /** The `_embedded` key of the answer (`leads`). */
  key: string;
  /** The schema of one returned item (a ref, or the full item for catalogs and sources). */
  schema: S;
  /** What is written, for messages (`lead`). */
  what: string;
  options?: RequestOptions | undefined;
}

/**
 * Sends one write and parses the refs Kommo returns.
 *
 * @internal
 */
export async function sendWrite<S extends z.ZodType>(
  client: Sender,
  write: WriteRequest<S>,
): Promise<Array<z.infer<S>>> {
  const { key, schema, what, options, ...request } = write;
  const response = await client._send(request, options);
  if (response.body === undefined) return [];
  const refs = extractRefs(response.body, key);
  return parseResponse(z.array(schema), refs, {
    what: `${what} (${request.method} ${request.path})`,
    validate: client._validateResponses,
    requestId: response.requestId,
  });
}

/**
 * Sends one write that must return exactly one ref.
 *
 * @throws {@link ResponseValidationError} when Kommo returned no ref.
 * @internal
 */
export async function sendWriteOne<S extends z.ZodType>(
  client: Sender,
  write: WriteRequest<S>,
): Promise<z.infer<S>> {
  const ref = (await sendWrite(client, write))[0];
  if (ref === undefined) {
    throw new ResponseValidationError(
      `Kommo returned no ${write.what} for ${write.method} ${write.path}`,
      { issues: [{ path: ['_embedded', write.key], message: 'Expected one item' }] },
    );
  }
  return ref;
}

/** Validated items to write in chunks, one request per chunk. @internal */
export interface WriteManyRequest<S extends z.ZodType> extends Omit<
  WriteRequest<S>,
  'body' | 'options'
> {
  items: ReadonlyArray<{ request_id?: string | undefined }>;
  /** Kommo's limit of items per request. */
  maxChunk: number;
  options?: BatchOptions | undefined;
}

/**
 * Writes validated items in chunks ({@link runBatch}) and returns the refs in input order,
 * matched by the `request_id` each ref echoes.
 *
 * @throws {@link BatchError} when any item was not applied.
 * @internal
 */
export function sendWriteMany<S extends z.ZodType>(
  client: Sender,
  write: WriteManyRequest<S>,
): Promise<Array<z.infer<S>>> {
  const { items, maxChunk, options, ...request } = write;
  return runBatch(
    items,
    {
      maxChunkSize: maxChunk,
      what: request.what,
      requestIds: refRequestIds,
      send: (chunk, opts) => sendWrite(client, { ...request, body: chunk, options: opts }),
    },
    options,
  );
}

/** The request ids a write ref echoes. */
function refRequestIds(ref: unknown): string[] {
  const id = (ref as { request_id?: unknown } | null)?.request_id;
  if (Array.isArray(id))
    return id
      .filter((x): x is string | number => typeof x === 'string' || typeof x === 'number')
      .map(String);
  if (typeof id === 'string' || typeof id === 'number') return [String(id)];
  return [];
}
