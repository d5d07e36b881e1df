/**
 * A lock per account across processes, for the token refresh.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import { TokenStoreError } from '../core/errors.js';
import type { Logger } from '../core/options.js';
import {
  accountKey,
  positiveNumber,
  redisCause,
  scriptRunner,
  type RedisClientLike,
  type ScriptRunner,
} from './client.js';
import { LOCK_ACQUIRE, LOCK_RELEASE, LOCK_RENEW } from './scripts.js';

/** Options of {@link RedisLock}. */
export interface RedisLockOptions {
  /**
   * Prefix of every key. Give each application its own when several share one Redis.
   * @defaultValue `'kommo:'`
   */
  keyPrefix?: string;
  /**
   * Lifetime of the lock. While its holder is alive the lock is extended every third of this,
   * so it only runs out when the holder died or froze; then another process takes over after
   * at most this long.
   * @defaultValue 10000
   */
  lockTtlMs?: number;
  /**
   * How long a caller waits for a lock held by someone else before giving up with
   * `TokenStoreError` (from `kommo-sdk`). Keep it above the longest refresh (the token request's timeout
   * and retries).
   * @defaultValue 60000
   */
  lockWaitMs?: number;
  /**
   * Time allowed for one Redis command. A client that is reconnecting queues commands; after
   * this the call fails with `TokenStoreError` (from `kommo-sdk`) instead of hanging.
   * @defaultValue 3000
   */
  commandTimeoutMs?: number;
  /** Told when a lock was lost to expiry while its holder still ran. @defaultValue silent */
  logger?: Logger;
}

/**
 * A lock per key across processes, on Redis: `SET NX PX` with a random owner token, extended
 * while its holder runs, released only by its owner (a Lua compare-and-delete). A holder that
 * dies (SIGKILL, OOM, a lost host) leaves a lock that runs out after `lockTtlMs`.
 *
 * {@link RedisTokenStore} uses it for `withLock`. Use it on its own to add a cross-process
 * lock to a token store of yours (your database keeps the tokens, Redis only the lock).
 *
 * @example Tokens in your database, the refresh lock in Redis
 * ```ts
 * const lock = new RedisLock(new Redis(process.env.REDIS_URL));
 * const tokenStore: TokenStore = {
 *   get: (key) => db.tokens.find(key),
 *   set: (key, tokens, { previous } = {}) => db.tokens.compareAndSet(key, tokens, previous),
 *   withLock: (key, fn) => lock.withLock(key, fn),
 * };
 * ```
 */
export class RedisLock {
  /** Lock lifetime in milliseconds. */
  readonly lockTtlMs: number;
  /** Longest wait for the lock, in milliseconds. */
  readonly lockWaitMs: number;
  readonly #prefix: string;
  readonly #redis: ScriptRunner;
  readonly #logger: Logger | undefined;

  /**
   * @param client - A connected ioredis or node-redis client. It is not closed by this class.
   * @throws `ConfigurationError` (from `kommo-sdk`) on a missing client or a non-positive duration.
   */
  constructor(client: RedisClientLike, options: RedisLockOptions = {}) {
    this.lockTtlMs = positiveNumber(options.lockTtlMs, 'lockTtlMs', 10_000);
    this.lockWaitMs = positiveNumber(options.lockWaitMs, 'lockWaitMs', 60_000);
    this.#prefix = options.keyPrefix ?? 'kommo:';
    this.#redis = scriptRunner(
      client,
      positiveNumber(options.commandTimeoutMs, 'commandTimeoutMs', 3_000),
    );
    this.#logger = options.logger;
  }

  /**
   * Runs `fn` while holding the lock of `key`; waits (polling) while another process holds it.
   * Not reentrant: calling it again for the same key inside `fn` waits for itself.
   *
   * @throws `TokenStoreError` (from `kommo-sdk`) when Redis cannot be reached or the lock stays taken
   * longer than `lockWaitMs`; `fn` has not run then. Errors of `fn` pass through unchanged.
   */
  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const lockKey = accountKey(this.#prefix, key, 'lock');
    const owner = randomUUID();
    await this.#acquire(lockKey, key, owner);
    let lost = false;
    const renew = setInterval(
      () => {
        this.#redis.run(LOCK_RENEW, [lockKey], [owner, String(this.lockTtlMs)]).then(
          (renewed) => {
            if (renewed === 0 && !lost) {
              lost = true;
              this.#logger?.warn?.(
                'kommo-sdk: the Redis lock ran out while its holder was still running; another process may have taken over',
                { account: key },
              );
            }
          },
          // A failed renewal is retried on the next tick; if Redis stays away the lock runs out,
          // and the token store's compare-and-set still refuses a stale write.
          () => undefined,
        );
      },
      Math.max(1, Math.floor(this.lockTtlMs / 3)),
    );
    renew.unref();
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      // Best effort: if this fails the lock runs out by itself after lockTtlMs.
      await this.#redis.run(LOCK_RELEASE, [lockKey], [owner]).catch(() => undefined);
    }
  }

  async #acquire(lockKey: string, key: string, owner: string): Promise<void> {
    const deadline = Date.now() + this.lockWaitMs;
    for (let pause = 10; ; pause = Math.min(pause * 2, 100)) {
      let reply: unknown;
      try {
        reply = await this.#redis.run(LOCK_ACQUIRE, [lockKey], [owner, String(this.lockTtlMs)]);
      } catch (cause) {
        throw new TokenStoreError(
          `Redis is unreachable: cannot take the refresh lock of ${key}, so the token is not refreshed`,
          { cause: redisCause(cause) },
        );
      }
      const [taken, pttl] = Array.isArray(reply) ? (reply as unknown[]) : [];
      if (Number(taken) === 1) return;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new TokenStoreError(
          `Timed out after ${this.lockWaitMs} ms waiting for the refresh lock of ${key}`,
        );
      }
      // Poll: waking on the lock's own expiry alone would miss an early release.
      const remaining = Number(pttl);
      const wait = Math.min(pause, left, remaining > 0 ? remaining : pause);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
