/**
 * A Chats API hook inbox on Redis, shared by every receiver process of a channel.
 *
 * @module
 */

import {
  isChatInboxEntry,
  type ChatInbox,
  type ChatInboxEntry,
  type ChatInboxOutcome,
} from '../chats/inbox.js';
import {
  accountKey,
  lua,
  positiveNumber,
  redisCause,
  scriptRunner,
  type RedisClientLike,
  type ScriptRunner,
} from './client.js';

/**
 * Stores an entry unless its key is pending or completed. KEYS: entries, order, done.
 * ARGV: key, json, receivedAt. Returns 1 when stored.
 */
const INBOX_ADD = lua(`
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1
`);

/** The pending entries, oldest first. KEYS: entries, order. */
const INBOX_PENDING = lua(`
local out = {}
for _, key in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local json = redis.call('HGET', KEYS[1], key)
  if json then table.insert(out, json) end
end
return out
`);

/** Replaces a pending entry. KEYS: entries. ARGV: key, json. */
const INBOX_UPDATE = lua(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
return 1
`);

/**
 * Completes an entry: drops it from the pending set, remembers its key (with the outcome and,
 * when failed, the entry) for the retention, frees its claim. KEYS: entries, order, done, claim.
 * ARGV: key, outcome, retentionMs.
 */
const INBOX_COMPLETE = lua(`
local json = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
local value = ARGV[2]
if ARGV[2] == 'failed' and json then value = 'failed:' .. json end
redis.call('SET', KEYS[3], value, 'PX', ARGV[3])
redis.call('DEL', KEYS[4])
return 1
`);

/**
 * Takes a claim on a pending entry. KEYS: claim, entries, done. ARGV: key, owner, ttlMs.
 * Returns 1 when taken (or renewed by its owner); 0 when another process holds it or the entry
 * is no longer pending (completed meanwhile by another process).
 */
const INBOX_CLAIM = lua(`
if redis.call('EXISTS', KEYS[3]) == 1 or redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then
  return 0
end
if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[3]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[2] then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0
`);

/** Options of {@link RedisChatInbox}. */
export interface RedisChatInboxOptions {
  /**
   * Prefix of every key. Give each application its own when several share one Redis.
   * @defaultValue `'kommo:'`
   */
  keyPrefix?: string;
  /**
   * The inbox name (one per channel, say): every key of an inbox shares one cluster slot.
   * @defaultValue `'chats'`
   */
  name?: string;
  /**
   * How long a completed key is remembered for dedupe, in ms.
   * @defaultValue `86_400_000` (24 hours)
   */
  retentionMs?: number;
  /**
   * Time allowed for one Redis command, in ms.
   * @defaultValue 3000
   */
  commandTimeoutMs?: number;
}

/**
 * A `ChatInbox` (`kommo-sdk/chats`) on Redis: several receiver processes behind a load
 * balancer share one inbox. `add` is one atomic script (a hook delivered to two processes is
 * stored once), `claim` makes sure one process at a time processes an entry, and a process
 * that dies leaves its entries to the next `recover()` once the claim lapses. Bring your own
 * connected ioredis or node-redis client; it is never closed here.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { createChatsHandler } from 'kommo-sdk/chats';
 * import { RedisChatInbox } from 'kommo-sdk/redis';
 *
 * const handler = createChatsHandler({
 *   secret: process.env.KOMMO_CHANNEL_SECRET!,
 *   inbox: new RedisChatInbox(new Redis(process.env.REDIS_URL!)),
 *   on: { message: (event) => forward(event) },
 * });
 * setInterval(() => void handler.recover(), 60_000); // pick up what a dead process left
 * ```
 */
export class RedisChatInbox implements ChatInbox {
  readonly #redis: ScriptRunner;
  readonly #prefix: string;
  readonly #name: string;
  readonly #retentionMs: number;
  readonly #owner = globalThis.crypto.randomUUID();

  /**
   * @param client - A connected ioredis or node-redis client.
   * @throws `ConfigurationError` (from `kommo-sdk`) on a missing client or a non-positive duration.
   */
  constructor(client: RedisClientLike, options: RedisChatInboxOptions = {}) {
    this.#redis = scriptRunner(
      client,
      positiveNumber(options.commandTimeoutMs, 'commandTimeoutMs', 3000),
    );
    this.#prefix = options.keyPrefix ?? 'kommo:';
    this.#name = options.name ?? 'chats';
    this.#retentionMs = positiveNumber(options.retentionMs, 'retentionMs', 86_400_000);
  }

  #key(suffix: string): string {
    return accountKey(this.#prefix, this.#name, suffix);
  }

  async #run(
    script: Parameters<ScriptRunner['run']>[0],
    keys: string[],
    args: string[],
  ): Promise<unknown> {
    try {
      return await this.#redis.run(script, keys, args);
    } catch (error) {
      throw new Error(`RedisChatInbox: ${redisCause(error).message}`, { cause: redisCause(error) });
    }
  }

  /** Stores a new entry atomically; `false` when the key is pending or completed (any process). */
  async add(entry: ChatInboxEntry): Promise<boolean> {
    const stored = await this.#run(
      INBOX_ADD,
      [this.#key('entries'), this.#key('order'), this.#key(`done:${entry.key}`)],
      [entry.key, JSON.stringify(entry), String(entry.receivedAt)],
    );
    return Number(stored) === 1;
  }

  /** Entries neither done nor failed, oldest first. */
  async pending(): Promise<ChatInboxEntry[]> {
    const rows = await this.#run(INBOX_PENDING, [this.#key('entries'), this.#key('order')], []);
    if (!Array.isArray(rows)) return [];
    return rows.flatMap((row) => {
      try {
        const entry: unknown = JSON.parse(String(row));
        return isChatInboxEntry(entry) ? [entry] : [];
      } catch {
        return [];
      }
    });
  }

  /** Saves an entry's attempt count, next attempt and last error. */
  async update(entry: ChatInboxEntry): Promise<void> {
    await this.#run(INBOX_UPDATE, [this.#key('entries')], [entry.key, JSON.stringify(entry)]);
  }

  /** Marks an entry done or failed; its key is remembered for `retentionMs`. */
  async complete(key: string, outcome: ChatInboxOutcome): Promise<void> {
    await this.#run(
      INBOX_COMPLETE,
      [
        this.#key('entries'),
        this.#key('order'),
        this.#key(`done:${key}`),
        this.#key(`claim:${key}`),
      ],
      [key, outcome, String(this.#retentionMs)],
    );
  }

  /** Takes an entry for `ttlMs` (renewed by its holder); `false` when another process holds it. */
  async claim(key: string, ttlMs: number): Promise<boolean> {
    const taken = await this.#run(
      INBOX_CLAIM,
      [this.#key(`claim:${key}`), this.#key('entries'), this.#key(`done:${key}`)],
      [key, this.#owner, String(Math.max(1, Math.round(ttlMs)))],
    );
    return Number(taken) === 1;
  }
}
