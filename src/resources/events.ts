/**
 * `kommo.events`: the audit log (list, get, types) and a polling follower with a resumable
 * cursor — the catch-up alternative to webhooks.
 *
 * @see https://developers.kommo.com/reference/events-list
 * @module
 */

import type { z } from 'zod';
import type { RequestOptions } from '../core/options.js';
import type { ListOptions, PagePromise } from '../core/pagination.js';
import { joinWith, type QueryInput } from '../core/query.js';
import { sleep as defaultSleep } from '../core/retry.js';
import { parseInput, parseResponse } from '../core/schema.js';
import { MAX_EVENTS_PAGE_LIMIT } from '../facts.js';
import type * as s from '../schemas/event.js';
import { APIResource, route } from './resource.js';

/** Options of `events.follow`. */
export interface EventFollowOptions extends RequestOptions {
  /**
   * The clock, in milliseconds since the epoch; tests inject one.
   *
   * @defaultValue `Date.now`
   */
  now?: () => number;
  /**
   * Waits between polls; tests inject one that returns at once. Must reject (or return) when
   * `signal` aborts.
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Kommo wants the two value filters as comma lists, the status lists as indexed records. */
function valueFilter(f: s.EventValueFilter | undefined): QueryInput[string] {
  if (!f) return undefined;
  return {
    leads_statuses: f.leads_statuses,
    customers_statuses: f.customers_statuses,
    responsible_user_id: f.responsible_user_id?.join(','),
    custom_field_values: f.custom_field_values?.join(','),
    value: f.value,
  };
}

function filterQuery(
  filter: {
    id?: string | string[] | undefined;
    created_at?: number | { from?: number | undefined; to?: number | undefined } | undefined;
    created_by?: number[] | undefined;
    entity?: string[] | undefined;
    entity_id?: number[] | undefined;
    type?: string[] | undefined;
    value_before?: s.EventValueFilter | undefined;
    value_after?: s.EventValueFilter | undefined;
  } = {},
): QueryInput[string] {
  return {
    id: filter.id,
    created_at: filter.created_at,
    created_by: filter.created_by,
    entity: filter.entity,
    entity_id: filter.entity_id,
    type: filter.type,
    value_before: valueFilter(filter.value_before),
    value_after: valueFilter(filter.value_after),
  };
}

const events = route({
  path: '/api/v4/events',
  key: 'events',
  names: ['event', 'events'],
  pageSize: MAX_EVENTS_PAGE_LIMIT,
  schemas: () => import('../schemas/event.js').then((m) => m.eventRouteSchemas()),
  query: (p: s.EventListParams) => ({
    with: joinWith(p.with),
    filter: p.filter ? filterQuery(p.filter) : undefined,
  }),
});

/**
 * The audit log: who changed what and when (status moves, new leads, tags, calls, messages,
 * tasks…). Reading it needs no admin rights; each user sees what their rights allow.
 *
 * @example
 * ```ts
 * const page = await kommo.events.list({
 *   filter: { type: ['lead_status_changed'], entity: ['lead'], created_at: { from: since } },
 * });
 * ```
 * @see https://developers.kommo.com/reference/events-list
 */
export class Events extends APIResource {
  readonly #api = events.on(this._client);

  /**
   * Lists events (100 per page unless `limit` says otherwise). A 204 is an empty list. Kommo
   * does not document the order of events.
   *
   * @throws {@link RequestValidationError} (on first use) for invalid params, e.g. `entity_id`
   *   without exactly one `entity`.
   */
  list(params?: s.EventListParams, options?: ListOptions): PagePromise<s.Event> {
    return this.#api.list(params, options);
  }

  /**
   * Reads one event by its string id.
   *
   * @throws {@link NotFoundError} when Kommo answers 204.
   */
  get(id: string, options?: RequestOptions): Promise<s.Event> {
    return this.#api.get(id, undefined, options);
  }

  /**
   * The event types Kommo knows (`GET /api/v4/events/types`): `key` goes into `filter.type`,
   * `lang` is the name in `language_code` (default: the user's language).
   */
  async types(params?: s.EventTypesParams, options?: RequestOptions): Promise<s.EventTypeInfo[]> {
    const schemas = await events.schemas();
    const p = parseInput(schemas.types, params ?? {}, 'event types params');
    const path = '/api/v4/events/types';
    const response = await this._client._send(
      { method: 'GET', path, query: { language_code: p.language_code } },
      options,
    );
    if (response.body === undefined) return [];
    const body = parseResponse(schemas.typesAnswer, response.body, {
      what: `event types (GET ${path})`,
      validate: this._client._validateResponses,
      requestId: response.requestId,
    });
    return body._embedded?.events_types ?? [];
  }

  /**
   * Follows the log from a cursor: polls `filter[created_at][from]=cursor.lastTs` (up to now
   * minus `settleSec`), walks **every** page of the poll before delivering anything (Kommo
   * documents no order), drops events already delivered (by id), and yields the rest oldest
   * first. Then it waits `intervalMs` and polls again, until `signal` aborts, `stop()` is
   * called, or after one poll with `once: true`.
   *
   * `follower.cursor` moves as each event is delivered, so store it after handling an event
   * and pass it back to resume: nothing is skipped, and an event is delivered twice only if
   * you stopped between handling it and storing the cursor. Events of the cursor's own second
   * are fetched again on purpose and filtered with `seenIds`.
   *
   * @example
   * ```ts
   * const follower = kommo.events.follow({
   *   cursor: (await load()) ?? { lastTs: Math.floor(Date.now() / 1000) - 3600, seenIds: [] },
   *   filter: { type: ['lead_status_changed'] },
   *   intervalMs: 30_000,
   * });
   * for await (const event of follower) {
   *   await handle(event);
   *   await save(follower.cursor);
   * }
   * ```
   * @throws {@link RequestValidationError} when the iteration starts (its first `next()`), for
   *   invalid params or cursor.
   */
  follow(params: s.EventFollowParams, options?: EventFollowOptions): EventFollower {
    return new EventFollower(this, params, options ?? {});
  }
}

type ParsedFollowParams = z.output<typeof s.EventFollowParamsSchema>;

/**
 * An `events.follow()` run: `for await` it for events, read {@link EventFollower.cursor} to
 * persist progress, call {@link EventFollower.stop} to end it.
 */
export class EventFollower implements AsyncIterable<s.Event> {
  readonly #events: Events;
  readonly #input: s.EventFollowParams;
  readonly #options: EventFollowOptions;
  readonly #stop = new AbortController();
  #cursor: s.EventCursor;
  #polls = 0;

  /** @internal */
  constructor(events: Events, params: s.EventFollowParams, options: EventFollowOptions) {
    this.#events = events;
    this.#input = params;
    this.#options = options;
    // As given until the iteration starts and checks it (the params' schema loads then).
    const given = params as { cursor?: Partial<s.EventCursor> } | undefined;
    this.#cursor = {
      lastTs: given?.cursor?.lastTs as number,
      seenIds: Array.isArray(given?.cursor?.seenIds) ? [...given.cursor.seenIds] : [],
    };
  }

  /** Where the follower stands (a copy): every event delivered so far is covered by it. */
  get cursor(): s.EventCursor {
    return { lastTs: this.#cursor.lastTs, seenIds: [...this.#cursor.seenIds] };
  }

  /** Polls completed so far. */
  get polls(): number {
    return this.#polls;
  }

  /** Ends the iteration after the current event (a pending wait or request is aborted). */
  stop(): void {
    this.#stop.abort();
  }

  /** Yields new events oldest first, polling until `stop()`, the signal, or `once`. */
  async *[Symbol.asyncIterator](): AsyncGenerator<s.Event, void, undefined> {
    const {
      signal: userSignal,
      now = Date.now,
      sleep = defaultSleep,
      ...requestOptions
    } = this.#options;
    const signal = userSignal
      ? AbortSignal.any([userSignal, this.#stop.signal])
      : this.#stop.signal;
    const params = parseInput((await events.schemas()).follow, this.#input, 'event follow params');
    this.#cursor = { lastTs: params.cursor.lastTs, seenIds: [...params.cursor.seenIds] };
    const settleSec = params.settleSec ?? 5;
    const intervalMs = params.intervalMs ?? 60_000;
    for (;;) {
      if (signal.aborted) return;
      const to = Math.floor(now() / 1000) - settleSec;
      if (to >= this.#cursor.lastTs) {
        let batch: s.Event[];
        try {
          batch = await this.#poll(
            params,
            { from: this.#cursor.lastTs, to },
            { ...requestOptions, signal },
          );
        } catch (error) {
          if (signal.aborted) return;
          throw error;
        }
        this.#polls++;
        for (const event of batch) {
          if (signal.aborted) return;
          // Mark it delivered before handing it over: the caller stores the cursor after handling.
          if (event.created_at > this.#cursor.lastTs)
            this.#cursor = { lastTs: event.created_at, seenIds: [event.id] };
          else this.#cursor.seenIds.push(event.id);
          yield event;
        }
      }
      if (params.once) return;
      try {
        await sleep(intervalMs, signal);
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      }
    }
  }

  /** One poll: every page of `[from, to]`, deduped and sorted oldest first. */
  async #poll(
    params: ParsedFollowParams,
    { from, to }: { from: number; to: number },
    options: ListOptions,
  ): Promise<s.Event[]> {
    const seen = new Set(this.#cursor.seenIds);
    const fresh = new Map<string, s.Event>();
    const list = this.#events.list(
      {
        ...(params.with ? { with: params.with } : {}),
        limit: params.limit ?? MAX_EVENTS_PAGE_LIMIT,
        filter: { ...params.filter, created_at: { from, to } },
      },
      { ...options, readAhead: 0 },
    );
    for await (const event of list) {
      if (event.created_at < from || (event.created_at === from && seen.has(event.id))) continue;
      fresh.set(event.id, event);
    }
    return [...fresh.values()].sort(
      (a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  }
}
