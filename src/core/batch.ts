/**
 * Writes: single writes, and batches of any length split into chunks sent concurrently, with
 * per-item results matched by `request_id`.
 *
 * A batch absorbs faults: a failed chunk does not stop the others; a chunk refused as a whole
 * without being applied (a 429 after the retries, a refused connection, the innocent items of a
 * 400) is sent again within a small budget; a chunk whose outcome is unknown (5xx, timeout,
 * reset after sending) is never replayed blindly: its items are reported `unknown`, or checked
 * with the caller's `reconcile` and only the absent ones sent again. A refusal of the account
 * itself (401, 402, 403, a redirect) stops the batch: every other chunk would meet it too.
 *
 * @module
 */

import { z } from 'zod';
import { MAX_IN_FLIGHT } from './arrival.js';
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
/**
 * Chunks in flight when the limiter cannot size the work (a limiter of your own without
 * `suggestedInFlight`, or `rateLimit: false`).
 */
export const DEFAULT_BATCH_CONCURRENCY = 3;
/** How many times a chunk refused without being applied is sent again. */
const MAX_RESENDS = 2;

/** Where a batch stands, for {@link BatchOptions.onProgress}. */
export interface BatchProgress {
  /** Items in the call. */
  total: number;
  /** Items whose final outcome is known: `applied + failed + notSent + unknown`. */
  done: number;
  /** Written by Kommo (or found by `reconcile`). */
  applied: number;
  /** Refused by Kommo (validation errors of their own). */
  failed: number;
  /** Not applied and not to be sent again by this call (the resend budget is spent, or the batch stopped). */
  notSent: number;
  /** May have been applied: their chunk got a 5xx, a timeout or a reset, and `reconcile` did not settle them. */
  unknown: number;
}

/**
 * Options of `createMany`/`updateMany`. `I`: one input item; `R`: what Kommo returns for it
 * (`never` by default, so options typed as plain `BatchOptions` fit every resource).
 */
export interface BatchOptions<I = unknown, R = never> extends RequestOptions {
  /**
   * Items per request, from 1 to Kommo's limit (250; 50 for complex leads; 10 for users).
   * Kommo recommends at most 50; a 504 means the chunk was too big.
   *
   * @defaultValue 50
   */
  chunkSize?: number;
  /**
   * Chunks in flight at once, from 1 to 32. By default the limiter sizes it: its rate times
   * the measured round trip (4 at 7 rps and 300 ms, 17 at 50 rps), so that the limit and not
   * latency sets the pace. The rate limiter paces every request either way.
   *
   * @defaultValue sized by the limiter (3 without one)
   */
  concurrency?: number;
  /**
   * Called after each chunk settles (and once at the end), with where the batch stands. `done`
   * counts the items whose final outcome is known. Errors it throws are ignored.
   *
   * @example
   * ```ts
   * await kommo.leads.createMany(rows, { onProgress: (p) => bar.update(p.done, p.total) });
   * ```
   */
  onProgress?(this: void, progress: BatchProgress): void;
  /**
   * Settles items whose chunk may or may not have been applied (a 5xx, a timeout, a reset
   * after sending): Kommo has no idempotency key, so only you can tell, for instance by an
   * external id you write into a custom field and look up with `list({ query })`. Given those
   * items, return for each (same order) the ref of the entity that exists, or `undefined`
   * when it does not: the SDK reports the found ones `applied` and sends only the absent ones
   * again. Throw when you cannot tell: the items stay `unknown`. Without it, such items are
   * reported `unknown` and never sent again.
   *
   * @example
   * ```ts
   * reconcile: async (items) => {
   *   const found = new Map<string, { id: number }>();
   *   for (const item of items) {
   *     const page = await kommo.leads.list({ query: externalId(item), limit: 5 });
   *     const lead = page.items.find((l) => externalIdOf(l) === externalId(item));
   *     if (lead) found.set(externalId(item), { id: lead.id });
   *   }
   *   return items.map((item) => found.get(externalId(item)));
   * }
   * ```
   */
  reconcile?(
    this: void,
    items: readonly I[],
    context: { signal?: AbortSignal | undefined },
  ): Promise<ReadonlyArray<R | null | undefined>>;
}

/**
 * Batch options of any resource: `reconcile`'s parameters are bivariant (a method), so every
 * `BatchOptions<Item, Ref>` fits. For the SDK's internals, which pass options through.
 * @internal
 */
export type AnyBatchOptions = BatchOptions<never, unknown>;

/** What happened to one input item of a batch. */
export type BatchItemStatus = 'applied' | 'failed' | 'not_sent' | 'unknown';

/** The result of one input item of a batch. */
export interface BatchItemResult<R> {
  /** Index of the item in the array you passed. */
  index: number;
  /**
   * - `applied`: Kommo wrote it; `ref` holds what it returned (or what `reconcile` found).
   * - `failed`: Kommo refused it; `errors` holds its validation errors (Kommo's dot `path`s
   *   are relative to the item), `error` the request's error.
   * - `not_sent`: not applied and safe to send again: the batch stopped before its chunk
   *   (Kommo refused the account: 401, 402, 403; or the call was aborted), or its chunk was
   *   refused without being applied more often than the SDK resends (a 429 after the retries,
   *   a refused connection): `error` says why.
   * - `unknown`: its chunk may have been applied (5xx, timeout) and `reconcile` did not settle
   *   it; the SDK did not replay it. Re-read before sending it again.
   */
  status: BatchItemStatus;
  /** For `applied`. */
  ref?: R;
  /** For `failed`: Kommo's errors for this item (empty when the whole chunk was refused). */
  errors?: KommoFieldError[];
  /** For `failed`, `not_sent` and `unknown`: the error of the request that carried the item. */
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
  /** The errors of the failed requests (one per failed chunk send). */
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
  /** Chunks to keep in flight now (the limiter's measure); {@link DEFAULT_BATCH_CONCURRENCY} without. */
  inFlight?: () => number;
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

/** One chunk to send: the input indexes it carries, and how often it was sent already. */
interface Job {
  indexes: number[];
  sends: number;
}

/** What a failed chunk send means for the batch. */
type Verdict = 'items' | 'resend' | 'unknown' | 'stop';

function verdictOf(error: KommoError): Verdict {
  if (error.code === 'aborted') return error.writeOutcome === 'unknown' ? 'unknown' : 'stop';
  if (error instanceof KommoApiError) {
    const status = error.status;
    if (status === 400 || status === 422) return 'items';
    if (status === 429 || status === 408) return 'resend';
    if (status >= 500) return 'unknown';
    // 401, 402, 403, 404, a redirect: the account (or the address) refuses every chunk alike.
    return 'stop';
  }
  if (error.writeOutcome === 'not_applied') return 'resend';
  // A reset after sending, a timeout, an unreadable 2xx answer: maybe applied.
  return 'unknown';
}

/**
 * Writes `items` in chunks, with as many chunks in flight as the limiter sizes (or
 * `concurrency`), and returns the refs in input order. Items must already be validated.
 *
 * @throws {@link BatchError} when any item was not applied.
 * @internal
 */
export async function runBatch<I extends { request_id?: string | undefined }, R>(
  items: readonly I[],
  spec: BatchSpec<I, R>,
  // Typed by the resource method that takes it (`BatchOptions<Create, Ref>`).
  options: AnyBatchOptions = {},
): Promise<R[]> {
  const {
    chunkSize: rawChunkSize,
    concurrency: rawConcurrency,
    onProgress,
    reconcile,
    ...requestOptions
  } = options;
  const chunkSize = checkInt(
    rawChunkSize,
    'chunkSize',
    1,
    spec.maxChunkSize,
    Math.min(DEFAULT_CHUNK_SIZE, spec.maxChunkSize),
  );
  const fixed =
    rawConcurrency === undefined
      ? undefined
      : checkInt(rawConcurrency, 'concurrency', 1, MAX_IN_FLIGHT, DEFAULT_BATCH_CONCURRENCY);
  if (onProgress !== undefined && typeof onProgress !== 'function')
    throw new RequestValidationError('`onProgress` must be a function', [
      { path: ['onProgress'], message: 'Expected a function' },
    ]);
  if (reconcile !== undefined && typeof reconcile !== 'function')
    throw new RequestValidationError('`reconcile` must be a function', [
      { path: ['reconcile'], message: 'Expected a function' },
    ]);
  if (items.length === 0) return [];

  const withIds = ensureRequestIds(items);
  const results: Array<BatchItemResult<R> | undefined> = new Array<BatchItemResult<R> | undefined>(
    items.length,
  );
  const chunkErrors: KommoError[] = [];
  const queue: Job[] = [];
  for (let start = 0; start < withIds.length; start += chunkSize) {
    const end = Math.min(withIds.length, start + chunkSize);
    queue.push({ indexes: Array.from({ length: end - start }, (_, i) => start + i), sends: 0 });
  }
  const signal = requestOptions.signal;
  let stopped = false;

  const counts = { applied: 0, failed: 0, notSent: 0, unknown: 0 };
  const settle = (index: number, result: BatchItemResult<R>): void => {
    if (results[index] !== undefined) return;
    results[index] = result;
    if (result.status === 'not_sent') counts.notSent++;
    else counts[result.status]++;
  };
  let reported = -1;
  /** After each chunk settles; at the end only when something changed since. */
  const progress = (atEnd = false): void => {
    const done = counts.applied + counts.failed + counts.notSent + counts.unknown;
    if (!onProgress || (atEnd && done === reported)) return;
    reported = done;
    try {
      onProgress({ total: items.length, done, ...counts });
    } catch {
      // The caller's progress display must not break the import.
    }
  };

  /** Items to send again as one more chunk, if the budget allows; else final `not_sent`. */
  const resend = (indexes: number[], sends: number, error: KommoError): void => {
    if (indexes.length === 0) return;
    if (sends <= MAX_RESENDS && !stopped) queue.push({ indexes, sends });
    else for (const index of indexes) settle(index, { index, status: 'not_sent', error });
  };

  /** Items whose chunk may have been applied: `reconcile` settles them, or they stay `unknown`. */
  const unsure = async (indexes: number[], sends: number, error: KommoError): Promise<void> => {
    if (indexes.length === 0) return;
    if (!reconcile || signal?.aborted) {
      for (const index of indexes) settle(index, { index, status: 'unknown', error });
      return;
    }
    let found: ReadonlyArray<unknown>;
    try {
      // `reconcile` was typed with the resource's item and ref types (AnyBatchOptions).
      found = await reconcile(
        indexes.map((i) => items[i] as never),
        { signal },
      );
      if (!Array.isArray(found) || found.length !== indexes.length)
        throw new TypeError(`reconcile must return one entry per item (${indexes.length})`);
    } catch (cause) {
      const failure = isKommoError(cause)
        ? cause
        : new KommoError('batch_failed', `reconcile failed: ${String(cause)}`, { cause });
      for (const index of indexes) settle(index, { index, status: 'unknown', error: failure });
      return;
    }
    const absent: number[] = [];
    indexes.forEach((index, i) => {
      const ref: unknown = found[i];
      if (ref === undefined || ref === null) absent.push(index);
      else settle(index, { index, status: 'applied', ref: ref as R });
    });
    // Known absent: not applied, so safe to send again.
    resend(absent, sends, error);
  };

  const runJob = async (job: Job): Promise<void> => {
    const chunk = job.indexes.map((i) => withIds[i] as I);
    // request_id → input index; ambiguous ids (a user reused one) fall back to positions.
    const byId = new Map<string, number>();
    const duplicated = new Set<string>();
    job.indexes.forEach((index, i) => {
      const id = chunk[i]?.request_id ?? String(index);
      if (byId.has(id)) duplicated.add(id);
      byId.set(id, index);
    });
    for (const id of duplicated) byId.delete(id);
    const sends = job.sends + 1;
    let refs: R[];
    try {
      // A signal of its own per chunk (AbortSignal.any adds no listener to the caller's): with up
      // to 32 chunks in flight, their listeners on one signal would pass Node's warning at 10.
      const answer = await spec.send(
        chunk,
        signal ? { ...requestOptions, signal: AbortSignal.any([signal]) } : requestOptions,
      );
      refs = Array.isArray(answer) ? answer : answer.refs;
      if (!Array.isArray(answer) && answer.refused.length > 0) {
        chunkErrors.push(answer.error);
        markRefused(answer, job.indexes, byId, settle);
      }
    } catch (caught) {
      const error = isKommoError(caught)
        ? caught
        : new KommoError('connection_error', String(caught), {
            cause: caught,
            writeOutcome: 'unknown',
          });
      chunkErrors.push(error);
      const verdict = verdictOf(error);
      if (verdict === 'stop') {
        stopped = true;
        for (const index of job.indexes) settle(index, { index, status: 'not_sent', error });
      } else if (verdict === 'resend') {
        resend(job.indexes, sends, error);
      } else if (verdict === 'unknown') {
        await unsure(job.indexes, sends, error);
      } else {
        resend(failItems(error, job.indexes, byId, settle), sends, error);
      }
      return;
    }
    const inChunk = new Set(job.indexes);
    refs.forEach((ref, position) => {
      const matched = spec
        .requestIds(ref)
        .map((id) => byId.get(id))
        .filter((index): index is number => index !== undefined);
      const indexes = matched.length > 0 ? matched : [job.indexes[position] ?? -1];
      for (const index of indexes) {
        if (inChunk.has(index)) settle(index, { index, status: 'applied', ref });
      }
    });
    // Kommo did not report these items: they may or may not exist now.
    const missing = job.indexes.filter((index) => results[index] === undefined);
    if (missing.length > 0) {
      const error = new ResponseValidationError(
        `Kommo's answer did not report ${missing.length} of the ${job.indexes.length} ${spec.what} sent`,
      );
      await unsure(missing, sends, error);
    }
  };

  // A pool whose size follows the limiter: more chunks in flight as round trips are measured.
  const running = new Set<Promise<void>>();
  for (;;) {
    if (stopped || signal?.aborted) break;
    const limit =
      fixed ?? Math.max(1, Math.min(MAX_IN_FLIGHT, spec.inFlight?.() ?? DEFAULT_BATCH_CONCURRENCY));
    while (running.size < limit && queue.length > 0) {
      const job = queue.shift() as Job;
      const task: Promise<void> = runJob(job).finally(() => {
        running.delete(task);
        progress();
      });
      running.add(task);
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  await Promise.all(running);

  const final = Array.from(
    results,
    (r, index): BatchItemResult<R> => r ?? { index, status: 'not_sent' },
  );
  for (const r of final) if (results[r.index] === undefined) settle(r.index, r);
  progress(true);
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
  indexes: readonly number[],
  byId: Map<string, number>,
  settle: (index: number, result: BatchItemResult<R>) => void,
): void {
  const named = new Map<number, KommoFieldError[]>();
  for (const entry of answer.refused) {
    const index = byId.get(entry.requestId) ?? positional(entry.requestId, indexes);
    if (index === undefined) continue;
    entry.index = index;
    named.set(index, [...(named.get(index) ?? []), ...entry.errors]);
  }
  for (const [index, errors] of named)
    settle(index, { index, status: 'failed', errors, error: answer.error });
}

/**
 * A 400/422 about some items: the items Kommo named fail; the others of the chunk were refused
 * along with them and are returned, to be sent again. When Kommo named none that could be
 * placed, every item of the chunk fails with the request.
 */
function failItems<R>(
  error: KommoError,
  indexes: readonly number[],
  byId: Map<string, number>,
  settle: (index: number, result: BatchItemResult<R>) => void,
): number[] {
  const validation = error instanceof KommoApiError ? error.validationErrors : [];
  const named = new Map<number, KommoFieldError[]>();
  let unmapped = false;
  for (const entry of validation) {
    // Kommo echoes our request_id; without one it uses the position in the request.
    const index = byId.get(entry.requestId) ?? positional(entry.requestId, indexes);
    if (index === undefined) {
      unmapped = true;
      continue;
    }
    entry.index = index;
    named.set(index, [...(named.get(index) ?? []), ...entry.errors]);
  }
  for (const [index, errors] of named) settle(index, { index, status: 'failed', errors, error });
  const others = indexes.filter((index) => !named.has(index));
  if (validation.length > 0 && !unmapped) return others;
  for (const index of others) settle(index, { index, status: 'failed', errors: [], error });
  return [];
}

function positional(requestId: string, indexes: readonly number[]): number | undefined {
  if (!/^\d+$/.test(requestId)) return undefined;
  return indexes[Number(requestId)];
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
  // The caller's item and ref types are its own business here.
  options?: AnyBatchOptions | undefined;
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
      inFlight: () =>
        client._inFlight?.({ method: request.method, path: request.path }) ??
        DEFAULT_BATCH_CONCURRENCY,
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
