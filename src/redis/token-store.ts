/**
 * Token pairs in Redis, shared by every process of an integration.
 *
 * @module
 */

import { TokenStoreError } from '../core/errors.js';
import type { TokenSet, TokenStore, TokenStoreSetOptions } from '../core/token-store.js';
import {
  accountKey,
  positiveNumber,
  redisCause,
  scriptRunner,
  type RedisClientLike,
  type ScriptRunner,
} from './client.js';
import { RedisLock, type RedisLockOptions } from './lock.js';
import { TOKENS_DELETE, TOKENS_GET, TOKENS_SET } from './scripts.js';

/** Options of {@link RedisTokenStore}. */
export type RedisTokenStoreOptions = RedisLockOptions;

/**
 * A write refused by {@link RedisTokenStore.set}'s compare-and-set: the stored pair is no longer
 * the one this write replaces, because another process rotated it meanwhile (typically after
 * this process's refresh lock ran out). The newer pair stays; this one is dropped.
 */
export class StaleTokenWriteError extends TokenStoreError {
  /** The account key whose write was refused. */
  readonly account: string;
  constructor(account: string) {
    super(
      `Refused to save a token pair for ${account}: another process stored a newer pair meanwhile (the refresh lock ran out); the newer pair is kept`,
    );
    this.account = account;
  }
}

function isTokenSet(value: unknown): value is TokenSet {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['access_token'] === 'string' &&
    typeof v['refresh_token'] === 'string' &&
    typeof v['expires_at'] === 'number'
  );
}

/**
 * Keeps OAuth token pairs in Redis (one JSON string per account, with `expires_at`) and locks
 * the refresh across processes, so that any number of web instances, workers and cron jobs of
 * one integration refresh each rotation exactly once.
 *
 * - `withLock` is a {@link RedisLock}: waiters take the lock in turn and the SDK re-reads the
 *   store inside it, so they use the pair the first holder stored instead of refreshing again.
 * - `set` is a compare-and-set on the pair it replaces (`previous`): a holder whose lock ran out
 *   cannot overwrite the newer pair of the process that took over; it gets
 *   {@link StaleTokenWriteError}.
 * - When Redis is unreachable every method throws `TokenStoreError` (from `kommo-sdk`); nothing falls back
 *   to a local copy, because two processes refreshing on their own would spend the same
 *   single-use refresh token twice.
 *
 * Redis must keep what it was told: enable persistence (`appendonly yes`) on the server that
 * holds tokens. A Redis that restarts empty loses the only valid refresh token.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { Kommo } from 'kommo-sdk';
 * import { RedisRateLimiter, RedisTokenStore } from 'kommo-sdk/redis';
 *
 * const redis = new Redis(process.env.REDIS_URL!);
 * const kommo = new Kommo({
 *   domain: 'acme.kommo.com',
 *   oauth: { clientId, clientSecret, redirectUri },
 *   tokenStore: new RedisTokenStore(redis),
 *   rateLimit: { limiter: new RedisRateLimiter(redis) },
 * });
 * ```
 * @see docs/many-processes.md
 */
export class RedisTokenStore implements TokenStore {
  readonly #prefix: string;
  readonly #redis: ScriptRunner;
  readonly #lock: RedisLock;

  /**
   * @param client - A connected ioredis or node-redis client. It is not closed by the store.
   * @throws `ConfigurationError` (from `kommo-sdk`) on a missing client or a non-positive duration.
   */
  constructor(client: RedisClientLike, options: RedisTokenStoreOptions = {}) {
    this.#prefix = options.keyPrefix ?? 'kommo:';
    this.#redis = scriptRunner(
      client,
      positiveNumber(options.commandTimeoutMs, 'commandTimeoutMs', 3_000),
    );
    this.#lock = new RedisLock(client, options);
  }

  #key(account: string): string {
    return accountKey(this.#prefix, account, 'tokens');
  }

  /**
   * Returns the stored pair for the account, or `null`.
   * @throws `TokenStoreError` (from `kommo-sdk`) when Redis is unreachable or holds something that is not a pair.
   */
  async get(key: string): Promise<TokenSet | null> {
    let raw: unknown;
    try {
      raw = await this.#redis.run(TOKENS_GET, [this.#key(key)], []);
    } catch (cause) {
      throw new TokenStoreError(`Redis is unreachable: cannot read the token pair of ${key}`, {
        cause: redisCause(cause),
      });
    }
    if (raw === null || raw === undefined) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(
        typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : '',
      );
    } catch {
      parsed = undefined;
    }
    if (!isTokenSet(parsed))
      throw new TokenStoreError(`The Redis key of ${key} does not hold a token pair`);
    return parsed;
  }

  /**
   * Stores the pair durably.
   *
   * With `previous` the write is a compare-and-set: it succeeds only while the stored pair is
   * still `previous` (or nothing is stored; `previous: null` needs an empty store). Writing the
   * pair that is already stored again always succeeds, so a retry after a lost reply is safe.
   *
   * @throws {@link StaleTokenWriteError} when another process stored a newer pair meanwhile.
   * @throws `TokenStoreError` (from `kommo-sdk`) when Redis is unreachable (the write may or may not have
   * landed; writing the same pair again is safe).
   */
  async set(key: string, tokens: TokenSet, options: TokenStoreSetOptions = {}): Promise<void> {
    if (!isTokenSet(tokens))
      throw new TokenStoreError(`Refused to save something that is not a token pair for ${key}`);
    const previous = options.previous;
    const mode = previous === undefined ? 'any' : previous === null ? 'empty' : 'match';
    let written: unknown;
    try {
      written = await this.#redis.run(
        TOKENS_SET,
        [this.#key(key)],
        [JSON.stringify(tokens), mode, previous?.refresh_token ?? '', tokens.refresh_token],
      );
    } catch (cause) {
      throw new TokenStoreError(`Redis is unreachable: cannot save the token pair of ${key}`, {
        cause: redisCause(cause),
      });
    }
    if (Number(written) !== 1) throw new StaleTokenWriteError(key);
  }

  /**
   * Forgets the account's pair.
   * @throws `TokenStoreError` (from `kommo-sdk`) when Redis is unreachable.
   */
  async delete(key: string): Promise<void> {
    try {
      await this.#redis.run(TOKENS_DELETE, [this.#key(key)], []);
    } catch (cause) {
      throw new TokenStoreError(`Redis is unreachable: cannot delete the token pair of ${key}`, {
        cause: redisCause(cause),
      });
    }
  }

  /**
   * Runs `fn` while holding the account's refresh lock across processes.
   * @throws `TokenStoreError` (from `kommo-sdk`) when Redis is unreachable or the lock stays taken longer
   * than `lockWaitMs`.
   */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.#lock.withLock(key, fn);
  }

  /** @internal */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `RedisTokenStore { keyPrefix: '${this.#prefix}' }`;
  }

  /** @internal */
  toJSON(): Record<string, unknown> {
    return { type: 'RedisTokenStore', keyPrefix: this.#prefix };
  }
}
