/**
 * A small TTL cache for what rarely changes in an account (pipelines with their statuses,
 * users, custom-field definitions), shared by the helpers of one client.
 *
 * @module
 */

import type { Kommo } from '../client.js';
import { KommoError } from '../core/errors.js';
import type { CustomFieldEntityType, CustomField } from '../schemas/custom-field.js';
import type { Pipeline } from '../schemas/pipeline.js';
import type { User } from '../schemas/user.js';

/** Options of {@link createCache}. */
export interface KommoCacheOptions {
  /**
   * How long a loaded list is reused, in milliseconds. Pipelines, users and field definitions
   * change a few times a year; a stale read costs at most this long.
   *
   * @defaultValue 300000 (5 minutes)
   */
  ttlMs?: number;
  /**
   * The clock, in epoch milliseconds (tests pass a fake one).
   *
   * @defaultValue `Date.now`
   */
  now?: () => number;
}

/** What a {@link KommoCache} holds; `invalidate(kind)` drops one kind. */
export type KommoCacheKind = 'pipelines' | 'users' | 'customFields';

/** Upper bound of items read per list: far above any real account's pipelines or users. */
const MAX_ITEMS = 10_000;

/**
 * Pipelines (with statuses), users and custom-field definitions of one client, each loaded
 * once per TTL. Concurrent readers share one request. Call `invalidate()` after you change
 * one of them (a new stage, a new manager), or let the TTL expire.
 */
export interface KommoCache {
  /** Every pipeline with its statuses (`_embedded.statuses`). */
  pipelines(): Promise<Pipeline[]>;
  /**
   * One pipeline by id; with no id, the main pipeline (`is_main`).
   *
   * @throws {@link KommoError} with code `not_found` when no pipeline matches.
   */
  pipeline(id?: number): Promise<Pipeline>;
  /** Every user of the account (admin token needed, as for `kommo.users.list`). */
  users(): Promise<User[]>;
  /** The custom-field definitions of one entity type. */
  customFields(entity: CustomFieldEntityType): Promise<CustomField[]>;
  /** Drops one kind, or everything; the next read loads it again. */
  invalidate(kind?: KommoCacheKind): void;
}

interface Entry<T> {
  value: Promise<T>;
  expiresAt: number;
}

/**
 * Creates a cache for one client. Most code wants the shared one: {@link cacheFor}.
 *
 * @example
 * ```ts
 * const cache = createCache(kommo, { ttlMs: 60_000 });
 * const main = await cache.pipeline();
 * ```
 */
export function createCache(kommo: Kommo, options: KommoCacheOptions = {}): KommoCache {
  const ttlMs = options.ttlMs ?? 300_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry<unknown>>();

  function load<T>(key: string, loader: () => Promise<T>): Promise<T> {
    const hit = entries.get(key) as Entry<T> | undefined;
    if (hit && hit.expiresAt > now()) return hit.value;
    const value = loader();
    const entry: Entry<T> = { value, expiresAt: now() + ttlMs };
    entries.set(key, entry);
    // A failed load must not be cached: the next reader tries again.
    value.catch(() => {
      if (entries.get(key) === entry) entries.delete(key);
    });
    return value;
  }

  const cache: KommoCache = {
    pipelines: () => load('pipelines', () => kommo.pipelines.list().toArray({ max: MAX_ITEMS })),
    async pipeline(id) {
      const all = await cache.pipelines();
      const found = all.find((p) => (id === undefined ? p.is_main === true : p.id === id));
      if (!found) {
        throw new KommoError(
          'not_found',
          id === undefined ? 'The account has no main pipeline' : `No pipeline with id ${id}`,
        );
      }
      return found;
    },
    users: () => load('users', () => kommo.users.list().toArray({ max: MAX_ITEMS })),
    customFields: (entity) =>
      load(`customFields:${entity}`, () =>
        kommo.customFields.list(entity).toArray({ max: MAX_ITEMS }),
      ),
    invalidate(kind) {
      if (kind === undefined) {
        entries.clear();
        return;
      }
      for (const key of [...entries.keys()]) {
        if (key === kind || key.startsWith(`${kind}:`)) entries.delete(key);
      }
    },
  };
  return cache;
}

const shared = new WeakMap<Kommo, KommoCache>();

/**
 * The cache every helper uses for this client unless given another one: created on first use
 * with the default TTL, or with `options` when they are passed on that first call.
 *
 * @example
 * ```ts
 * await kommo.pipelines.statuses.create(pipelineId, { name: 'Demo booked' });
 * cacheFor(kommo).invalidate('pipelines'); // helpers see the new stage at once
 * ```
 */
export function cacheFor(kommo: Kommo, options?: KommoCacheOptions): KommoCache {
  let cache = shared.get(kommo);
  if (!cache) {
    cache = createCache(kommo, options);
    shared.set(kommo, cache);
  }
  return cache;
}
