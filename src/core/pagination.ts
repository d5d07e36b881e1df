/**
 * Reading lists and single entities: the {@link PagePromise} (`await` → first page,
 * `for await` → every item), the HAL `_embedded` unwrapping, and the 204 rules.
 *
 * Pages are built from our own request (`page + 1`); a URL the server hands us is never
 * followed. A 204, a missing `_embedded`, a page shorter than `limit` or a missing `next` link
 * ends the walk.
 *
 * @module
 */

import type { z } from 'zod';
import { NotFoundError, RequestValidationError, ResponseValidationError } from './errors.js';
import type { CoreRequest, RawResponse } from './http.js';
import type { RequestOptions } from './options.js';
import { toSearchParams, type QueryInput } from './query.js';
import { parseResponse } from './schema.js';

/** Page size used when iterating and when `limit` is not given. */
export const DEFAULT_PAGE_SIZE = 250;
/** Pages requested ahead of the one being consumed, by default. */
// 7 rps × a 300–500 ms round trip ≈ 3 pages in flight keep a walk at the rate limit.
export const DEFAULT_READ_AHEAD = 3;

/** What the reading and writing helpers need from the client. @internal */
export interface Sender {
  _send(request: CoreRequest, options?: RequestOptions): Promise<RawResponse>;
  readonly _validateResponses: boolean;
  readonly baseUrl: string;
}

/** Options of a list call. */
export interface ListOptions extends RequestOptions {
  /**
   * While you consume a page, up to this many following pages are already requested, so that
   * the rate limiter rather than the round-trip time sets the pace of a walk. Results stay in
   * order; a `break` wastes at most this many requests (they are aborted). `0` asks for each
   * page only when the previous one is used up. Applies to `for await`, `.pages()` and
   * `.toArray()`, not to `await` / `nextPage()`.
   *
   * @defaultValue 3
   */
  readAhead?: number;
}

/** One page of a list. */
export interface Page<T> {
  /** The items of this page (empty for a 204). */
  readonly items: T[];
  /** The 1-based page number that was requested. */
  readonly page: number;
  /** `_total_items`, on the endpoints that send it (users, custom fields, pipelines…). */
  readonly totalItems: number | undefined;
  /** Whether another page may follow: this page was full and Kommo did not mark it the last. */
  hasNextPage(): boolean;
  /**
   * Requests the next page (`page + 1`, same params).
   *
   * @throws {@link RequestValidationError} when {@link Page.hasNextPage} is false.
   */
  nextPage(): Promise<Page<T>>;
}

/** A fetched page before it is wrapped. @internal */
export interface PageData<T> {
  items: T[];
  page: number;
  hasNext: boolean;
  totalItems: number | undefined;
}

/** Where a {@link PagePromise} gets its pages. @internal */
export interface PageSource<T> {
  /** The page the walk starts at. */
  startPage: number;
  fetch(page: number, signal: AbortSignal | undefined): Promise<PageData<T>>;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

function checkReadAhead(value: unknown): number {
  if (value === undefined) return DEFAULT_READ_AHEAD;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10) {
    throw new RequestValidationError('`readAhead` must be an integer from 0 to 10', [
      { path: ['readAhead'], message: 'Expected an integer from 0 to 10' },
    ]);
  }
  return value;
}

/**
 * A list call. `await` it for the first page, `for await` it for every item across pages,
 * `.pages()` for page after page, `.toArray({ max })` to collect. Nothing is requested until you
 * do one of these; input errors surface there too.
 *
 * @example
 * ```ts
 * const first = await kommo.leads.list({ limit: 50 });
 * for await (const lead of kommo.leads.list({ filter: { pipeline_id: 3177727 } })) {
 *   if (lead.price === null) break; // stops fetching
 * }
 * const recent = await kommo.leads.list({ order: { updated_at: 'desc' } }).toArray({ max: 500 });
 * ```
 */
export class PagePromise<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  readonly #init: () => PageSource<T> | Promise<PageSource<T>>;
  readonly #options: ListOptions;
  #source: Promise<PageSource<T>> | undefined;
  #first: Promise<PageData<T>> | undefined;

  /** @internal */
  constructor(init: () => PageSource<T> | Promise<PageSource<T>>, options: ListOptions = {}) {
    this.#init = init;
    this.#options = options;
  }

  /** The source, prepared on first use (its schemas load then, and its input errors reject). */
  #getSource(): Promise<PageSource<T>> {
    this.#source ??= (async () => this.#init())();
    return this.#source;
  }

  #firstData(): Promise<PageData<T>> {
    this.#first ??= (async () => {
      const source = await this.#getSource();
      return source.fetch(source.startPage, this.#options.signal);
    })();
    return this.#first;
  }

  #toPage(data: PageData<T>): Page<T> {
    const signal = this.#options.signal;
    const toPage = (d: PageData<T>): Page<T> => this.#toPage(d);
    return {
      items: data.items,
      page: data.page,
      totalItems: data.totalItems,
      hasNextPage: () => data.hasNext,
      nextPage: async () => {
        if (!data.hasNext) {
          throw new RequestValidationError(
            `Page ${data.page} is the last one: check hasNextPage() before nextPage()`,
            [{ path: ['page'], message: 'No next page' }],
          );
        }
        const source = await this.#getSource();
        return toPage(await source.fetch(data.page + 1, signal));
      },
    };
  }

  /** Resolves with the first page. */
  then<R1 = Page<T>, R2 = never>(
    onfulfilled?: ((value: Page<T>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#firstData()
      .then((data) => this.#toPage(data))
      .then(onfulfilled, onrejected);
  }

  /** Like `Promise.prototype.catch`, on the first page. */
  catch<R = never>(
    onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null,
  ): Promise<Page<T> | R> {
    return this.then(undefined, onrejected);
  }

  /** Like `Promise.prototype.finally`, on the first page. */
  finally(onfinally?: (() => void) | null): Promise<Page<T>> {
    return this.then().finally(onfinally);
  }

  /** @internal */
  get [Symbol.toStringTag](): string {
    return 'PagePromise';
  }

  /**
   * Walks the pages in order, requesting up to `readAhead` pages ahead. Stops at a 204, a
   * missing `_embedded`, a short page or a missing `next` link; a `break` aborts the pages
   * requested ahead.
   */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    const readAhead = checkReadAhead(this.#options.readAhead);
    const source = await this.#getSource();
    const controller = new AbortController();
    const signal = this.#options.signal
      ? AbortSignal.any([this.#options.signal, controller.signal])
      : controller.signal;
    const inflight = new Map<number, Promise<Settled<PageData<T>>>>();
    const launch = (page: number): Promise<Settled<PageData<T>>> => {
      let pending = inflight.get(page);
      if (!pending) {
        pending = settle(
          page === source.startPage ? this.#firstData() : source.fetch(page, signal),
        );
        inflight.set(page, pending);
      }
      return pending;
    };
    let current = source.startPage;
    try {
      for (;;) {
        const result = await launch(current);
        inflight.delete(current);
        if (!result.ok) throw result.error;
        const data = result.value;
        // Ask for the following pages now, so they arrive while this one is consumed.
        if (data.hasNext) for (let p = current + 1; p <= current + readAhead; p++) void launch(p);
        yield this.#toPage(data);
        if (!data.hasNext) return;
        current += 1;
      }
    } finally {
      // Pages requested ahead that nobody will read: stop them (they may be queued behind the
      // rate limiter). Their outcome is ignored.
      if (inflight.size > 0) controller.abort();
    }
  }

  /** Every item of every page, in order. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.items;
  }

  /**
   * Collects items across pages, up to `max`.
   *
   * @throws {@link RequestValidationError} when `max` is not a positive integer.
   */
  async toArray(options: { max: number }): Promise<T[]> {
    const max = (options as { max?: unknown } | undefined)?.max;
    if (typeof max !== 'number' || !(Number.isInteger(max) || max === Infinity) || max < 1) {
      throw new RequestValidationError(
        'toArray() needs { max }: a positive integer cap on the items collected',
        [{ path: ['max'], message: 'Expected a positive integer' }],
      );
    }
    const out: T[] = [];
    for await (const item of this) {
      out.push(item);
      if (out.length >= max) break;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// HAL collections.

/** A parsed HAL collection, as the collection schemas produce it. @internal */
interface CollectionLike {
  _page?: number | null | undefined;
  _page_count?: number | null | undefined;
  _total_items?: number | null | undefined;
  _links?: { next?: unknown } | null | undefined;
  _embedded?: Record<string, unknown> | null | undefined;
}

/** What a list endpoint looks like to {@link listPages}. @internal */
export interface ListSpec {
  /** Path of the list, e.g. `/api/v4/leads`. */
  path: string;
  /** Query without `page`/`limit`. */
  query?: QueryInput;
  /** The `_embedded` key holding the items. */
  key: string;
  /** Schema of the whole answer (see `collectionSchema`). */
  schema: z.ZodType;
  /** What is listed, for error messages (`leads`). */
  what: string;
  /** First page requested. @defaultValue 1 */
  page?: number | undefined;
  /** Page size. @defaultValue {@link DEFAULT_PAGE_SIZE} */
  limit?: number | undefined;
  /** `false` for lists Kommo does not paginate (pipelines, statuses): no `page`/`limit` sent, one page. */
  paginated?: boolean;
}

/**
 * Whether another page may follow. `_page_count`, where Kommo sends it, decides alone (some
 * endpoints cap a page below the `limit` asked for, e.g. custom fields at 50). Otherwise the page
 * must be full and, when `_links` is sent, carry a `next` link.
 */
function hasMore(body: CollectionLike, page: number, count: number, limit: number): boolean {
  if (count === 0) return false;
  if (typeof body._page_count === 'number') return page < body._page_count;
  if (count < limit) return false;
  if (body._links && typeof body._links === 'object') return body._links.next != null;
  return true;
}

/**
 * Builds a {@link PagePromise} over a HAL list endpoint. `prepare` runs lazily (on first use),
 * so input validation errors reject the page promise rather than throw at call time.
 *
 * @internal
 */
export function listPages<T>(
  client: Sender,
  prepare: () => ListSpec | Promise<ListSpec>,
  options: ListOptions = {},
): PagePromise<T> {
  return new PagePromise<T>(async () => {
    const spec = await prepare();
    const paginated = spec.paginated !== false;
    const limit = spec.limit ?? DEFAULT_PAGE_SIZE;
    // readAhead is the walk's business, not the request's.
    const requestOptions: RequestOptions = { ...options };
    delete (requestOptions as ListOptions).readAhead;
    return {
      startPage: paginated ? (spec.page ?? 1) : 1,
      fetch: async (page, signal) => {
        const query: Record<string, QueryInput[string]> = { ...spec.query };
        if (paginated) {
          query['page'] = page;
          query['limit'] = limit;
        }
        const response = await client._send(
          { method: 'GET', path: spec.path, query },
          { ...requestOptions, ...(signal ? { signal } : {}) },
        );
        // 204: nothing (more) to list.
        if (response.body === undefined)
          return { items: [], page, hasNext: false, totalItems: undefined };
        const body = parseResponse(spec.schema, response.body, {
          what: `${spec.what} (GET ${spec.path})`,
          validate: client._validateResponses,
          requestId: response.requestId,
        }) as CollectionLike;
        if (typeof body !== 'object' || body === null || Array.isArray(body)) {
          throw new ResponseValidationError(
            `Expected a HAL collection for ${spec.what} (GET ${spec.path})`,
            {
              body: response.body,
              requestId: response.requestId,
            },
          );
        }
        const raw = body._embedded?.[spec.key];
        const items = (Array.isArray(raw) ? raw : []) as T[];
        const totalItems = typeof body._total_items === 'number' ? body._total_items : undefined;
        const hasNext = paginated && hasMore(body, page, items.length, limit);
        return { items, page, hasNext, totalItems };
      },
    };
  }, options);
}

/** One entity to read. @internal */
export interface GetRequest<S extends z.ZodType> {
  path: string;
  query?: QueryInput | undefined;
  /** The schema of the answer. */
  schema: S;
  /** What is read, for messages (`lead 42`). */
  what: string;
  options?: RequestOptions | undefined;
}

/**
 * GETs one entity. Kommo answers 204 for an id that does not exist: that becomes a
 * {@link NotFoundError}.
 *
 * @internal
 */
export async function getOne<S extends z.ZodType>(
  client: Sender,
  request: GetRequest<S>,
): Promise<z.infer<S>> {
  const { path, query, schema, what, options } = request;
  const response = await client._send({ method: 'GET', path, query }, options);
  if (response.body === undefined) {
    const search = toSearchParams(query).toString();
    throw new NotFoundError(
      'not_found',
      {
        status: response.status,
        method: 'GET',
        url: `${client.baseUrl}${path}${search ? `?${search}` : ''}`,
        path,
        requestId: response.requestId,
        detail: `No such ${what}`,
      },
      `${response.status} No Content: no such ${what} (GET ${path})`,
    );
  }
  return parseResponse(schema, response.body, {
    what: `${what} (GET ${path})`,
    validate: client._validateResponses,
    requestId: response.requestId,
  });
}
