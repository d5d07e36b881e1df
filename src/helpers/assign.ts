/**
 * Automatic assignment of the responsible manager: round robin or least loaded, over active
 * users only, with the rotation kept in a store so it survives restarts.
 *
 * @module
 */

import type { Kommo } from '../client.js';
import { KommoError, TokenStoreError } from '../core/errors.js';
import type { RequestOptions } from '../core/options.js';
import { LOST_STATUS_ID, WON_STATUS_ID } from '../facts.js';
import type { User } from '../schemas/user.js';
import { cacheFor, type KommoCache } from './cache.js';
import { requestOptionsOf } from './request-options.js';

/** What an assigner remembers between runs. */
export interface AssignerState {
  /** The user picked last; the rotation continues after it. */
  lastUserId?: number;
}

/**
 * Where an assigner keeps its state: your database, Redis, a file. Reads and writes are small
 * JSON-able objects, keyed by {@link AssignerOptions.key}.
 */
export interface AssignerStore {
  /** The saved rotation state under `key`, or `undefined` when there is none yet. */
  get(key: string): Promise<AssignerState | undefined> | AssignerState | undefined;
  /** Saves the rotation state under `key`. */
  set(key: string, state: AssignerState): Promise<void> | void;
}

/** Keeps the state in memory: the rotation restarts with the process. */
export class MemoryAssignerStore implements AssignerStore {
  readonly #states = new Map<string, AssignerState>();

  /** {@inheritDoc AssignerStore.get} */
  get(key: string): AssignerState | undefined {
    const state = this.#states.get(key);
    return state === undefined ? undefined : { ...state };
  }

  /** {@inheritDoc AssignerStore.set} */
  set(key: string, state: AssignerState): void {
    this.#states.set(key, { ...state });
  }
}

/**
 * Keeps the state of every assigner in one JSON file (Node, Bun, Deno), written atomically
 * (a temporary file, then a rename), so a crash never leaves half a file.
 *
 * @example
 * ```ts
 * const assigner = createAssigner(kommo, {
 *   strategy: 'round-robin',
 *   store: new FileAssignerStore('.kommo-assigner.json'),
 * });
 * ```
 */
export class FileAssignerStore implements AssignerStore {
  /** Path of the JSON file. */
  readonly path: string;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    if (typeof path !== 'string' || path === '')
      throw new TokenStoreError('FileAssignerStore needs a file path');
    this.path = path;
  }

  async #readAll(): Promise<Record<string, AssignerState>> {
    const fs = await import('node:fs/promises');
    try {
      const parsed: unknown = JSON.parse(await fs.readFile(this.path, 'utf8'));
      return typeof parsed === 'object' && parsed !== null
        ? (parsed as Record<string, AssignerState>)
        : {};
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new TokenStoreError(`Cannot read the assigner state file ${this.path}`, { cause });
    }
  }

  /** {@inheritDoc AssignerStore.get} */
  async get(key: string): Promise<AssignerState | undefined> {
    await this.#queue;
    return (await this.#readAll())[key];
  }

  /** {@inheritDoc AssignerStore.set} */
  set(key: string, state: AssignerState): Promise<void> {
    // Writes of one store run one after another, so two never race on the temporary file.
    const write = this.#queue.then(async () => {
      const fs = await import('node:fs/promises');
      const all = await this.#readAll();
      all[key] = { ...state };
      const tmp = `${this.path}.${Math.random().toString(36).slice(2)}.tmp`;
      await fs.writeFile(tmp, `${JSON.stringify(all, null, 2)}\n`, 'utf8');
      await fs.rename(tmp, this.path);
    });
    this.#queue = write.catch(() => undefined);
    return write;
  }
}

/** Options of {@link createAssigner}. */
export interface AssignerOptions {
  /**
   * - `round-robin`: each active user in turn (by id), continuing after the last one picked.
   * - `least-loaded`: the active user with the fewest open leads (not won or lost); ties go
   *   round robin.
   */
  strategy: 'round-robin' | 'least-loaded';
  /**
   * Only these user ids take part (inactive ones are still skipped).
   *
   * @defaultValue every active user
   */
  users?: readonly number[];
  /**
   * Where the rotation is kept.
   *
   * @defaultValue a {@link MemoryAssignerStore} of this assigner
   */
  store?: AssignerStore;
  /**
   * The store key; give two assigners (two teams) different keys.
   *
   * @defaultValue `assigner:<domain>:<strategy>`
   */
  key?: string;
  /** Where users and pipelines come from. @defaultValue {@link cacheFor}(kommo) */
  cache?: KommoCache;
  /**
   * For `least-loaded`: how long counted loads are reused (each pick adds one to the picked
   * user meanwhile), so a burst of new leads does not recount every time.
   *
   * @defaultValue 60000
   */
  loadTtlMs?: number;
}

/** Picks responsible users. Calls run one at a time, so parallel picks never collide. */
export interface Assigner {
  readonly strategy: AssignerOptions['strategy'];
  /** The user to assign next (and remembers the pick). */
  next(): Promise<number>;
  /** Picks the next user and makes them responsible for the lead; returns the user id. */
  assign(leadId: number, options?: RequestOptions): Promise<number>;
  /** The users taking part: active, and in `users` when given. Sorted by id. */
  candidates(): Promise<User[]>;
  /** Open leads per user id, as `least-loaded` counted them (counts them when needed). */
  loads(): Promise<Map<number, number>>;
}

/** Open leads read at most per count; above it the remainder is ignored. */
const MAX_COUNTED = 50_000;

/**
 * Creates an assigner of responsible users.
 *
 * @throws {@link KommoError} with code `invalid_request` (from `next`) when no active user is left.
 * @example
 * ```ts
 * const assigner = createAssigner(kommo, { strategy: 'least-loaded' });
 * const userId = await assigner.assign(leadId);
 * ```
 */
export function createAssigner(kommo: Kommo, options: AssignerOptions): Assigner {
  const { strategy } = options;
  if (strategy !== 'round-robin' && strategy !== 'least-loaded') {
    throw new KommoError(
      'configuration_error',
      `createAssigner: strategy must be 'round-robin' or 'least-loaded', got ${JSON.stringify(strategy)}`,
    );
  }
  const store = options.store ?? new MemoryAssignerStore();
  const key = options.key ?? `assigner:${kommo.domain}:${strategy}`;
  const cache = options.cache ?? cacheFor(kommo);
  const loadTtlMs = options.loadTtlMs ?? 60_000;
  const only = options.users === undefined ? undefined : new Set(options.users);
  let queue: Promise<unknown> = Promise.resolve();
  let counted: { at: number; loads: Map<number, number> } | undefined;

  async function candidates(): Promise<User[]> {
    const users = await cache.users();
    return users
      .filter((u) => u.rights?.is_active === true && (only === undefined || only.has(u.id)))
      .sort((a, b) => a.id - b.id);
  }

  async function countLoads(ids: readonly number[]): Promise<Map<number, number>> {
    const loads = new Map<number, number>(ids.map((id) => [id, 0]));
    const pipelines = await cache.pipelines();
    const open = pipelines.flatMap((p) =>
      (p._embedded?.statuses ?? [])
        .filter((s) => s.id !== WON_STATUS_ID && s.id !== LOST_STATUS_ID)
        .map((s) => ({ pipeline_id: p.id, status_id: s.id })),
    );
    if (ids.length === 0 || open.length === 0) return loads;
    let seen = 0;
    for await (const lead of kommo.leads.list({
      filter: { responsible_user_id: [...ids], statuses: open },
    })) {
      const owner = lead.responsible_user_id;
      if (owner != null && loads.has(owner)) loads.set(owner, (loads.get(owner) ?? 0) + 1);
      if (++seen >= MAX_COUNTED) break;
    }
    return loads;
  }

  async function currentLoads(ids: readonly number[]): Promise<Map<number, number>> {
    if (!counted || Date.now() - counted.at >= loadTtlMs) {
      counted = { at: Date.now(), loads: await countLoads(ids) };
    }
    for (const id of ids) if (!counted.loads.has(id)) counted.loads.set(id, 0);
    return counted.loads;
  }

  /** The candidates in rotation order: those after `lastUserId` first, then the rest. */
  function rotation(ids: readonly number[], lastUserId: number | undefined): number[] {
    if (lastUserId === undefined) return [...ids];
    const after = ids.filter((id) => id > lastUserId);
    return [...after, ...ids.filter((id) => id <= lastUserId)];
  }

  async function pick(): Promise<number> {
    const ids = (await candidates()).map((u) => u.id);
    if (ids.length === 0) {
      throw new KommoError(
        'invalid_request',
        'No active user to assign (check `users` and rights)',
      );
    }
    const state = (await store.get(key)) ?? {};
    const order = rotation(ids, state.lastUserId);
    let chosen = order[0] as number;
    if (strategy === 'least-loaded') {
      const loads = await currentLoads(ids);
      for (const id of order) {
        if ((loads.get(id) ?? 0) < (loads.get(chosen) ?? 0)) chosen = id;
      }
      loads.set(chosen, (loads.get(chosen) ?? 0) + 1);
    }
    await store.set(key, { ...state, lastUserId: chosen });
    return chosen;
  }

  function next(): Promise<number> {
    const run = queue.then(pick);
    queue = run.catch(() => undefined);
    return run;
  }

  return {
    strategy,
    next,
    async assign(leadId, requestOptions = {}) {
      const userId = await next();
      await kommo.leads.update(
        leadId,
        { responsible_user_id: userId },
        requestOptionsOf(requestOptions),
      );
      return userId;
    },
    candidates,
    async loads() {
      return new Map(await currentLoads((await candidates()).map((u) => u.id)));
    },
  };
}
