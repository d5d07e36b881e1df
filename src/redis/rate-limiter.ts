/**
 * One rate-limit budget per Kommo account, shared by every process through Redis.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import { ConfigurationError, ConnectionError, RequestAbortedError } from '../core/errors.js';
import type { Logger } from '../core/options.js';
import type { RateLimiter } from '../core/rate-limit.js';
import {
  accountKey,
  positiveNumber,
  redisCause,
  scriptRunner,
  type RedisClientLike,
  type ScriptRunner,
} from './client.js';
import { LIMITER_ACQUIRE, LIMITER_LEAVE, LIMITER_PENALIZE } from './scripts.js';

/** Options of {@link RedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /**
   * Requests allowed to start per window, for the account (and `integration`), across all
   * processes.
   * @defaultValue 7 (Kommo's documented limit)
   */
  requestsPerSecond?: number;
  /**
   * Window length. Over a second because Kommo counts *arrivals*: a request reaches Kommo some
   * time after its slot was granted, and that delay varies. Across processes it varies more
   * than within one (other event loops, other CPUs): on a busy 2-core machine running four
   * processes the spread reached ~40 ms, beyond the in-process limiter's 30 ms margin. 1,080 ms
   * keeps sustained pacing at 92.6 % of the limit.
   * @defaultValue 1080
   */
  windowMs?: number;
  /**
   * The least time between two request starts, across all processes. A burst of starts
   * reaches Kommo with more spread between its arrivals than single starts do (processes and
   * connections compete for the CPU and the network at once), and an early start of a burst
   * that arrives late can land in the same server-side second as the next window's starts: a
   * 429. Spacing the starts keeps them apart. It does not lower sustained throughput, which
   * the window sets; only a burst after a quiet spell takes longer (7 starts over ~460 ms
   * instead of at once). `0` allows bursts.
   * @defaultValue half of `windowMs / requestsPerSecond` (77 ms at 7 per 1,080 ms)
   */
  spacingMs?: number;
  /**
   * A second, wider budget for the whole account, shared by every integration that uses this
   * Redis (Kommo has been quoted at 50 requests/s per account across integrations). Off unless
   * set.
   * @example `{ requestsPerSecond: 50 }`
   */
  accountBudget?: { requestsPerSecond: number; windowMs?: number };
  /**
   * Separates the budgets of different integrations on one account (for example their client
   * ids); `accountBudget` stays shared between them.
   * @defaultValue `'default'`
   */
  integration?: string;
  /**
   * Prefix of every key. Give each application its own when several share one Redis.
   * @defaultValue `'kommo:'`
   */
  keyPrefix?: string;
  /**
   * Used instead of Redis while Redis is unreachable (for example
   * `new SlidingWindowRateLimiter({ requestsPerSecond: 2 })`: a share of the budget per
   * process). Without it, a request that cannot reach Redis fails with `ConnectionError` (from `kommo-sdk`).
   * @defaultValue none: fail
   */
  fallback?: RateLimiter;
  /**
   * Time allowed for one Redis command before the call counts as "Redis unreachable".
   * @defaultValue 2000
   */
  commandTimeoutMs?: number;
  /**
   * Longest sleep between two polls of a waiting process. Each poll is also its heartbeat in
   * the shared queue.
   * @defaultValue 250
   */
  maxPollMs?: number;
  /**
   * A waiting process that has not polled for this long (it died) loses its place in the
   * queue, so it cannot hold the others up for longer.
   * @defaultValue 2000
   */
  staleWaiterMs?: number;
  /** Told when the limiter switches to or from `fallback`. @defaultValue silent */
  logger?: Logger;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface Budget {
  limit: number;
  windowMs: number;
  spacingMs: number;
}

interface Account {
  queue: Waiter[];
  pumping: boolean;
  /** This process's place in the shared queue, kept until it is granted a slot. */
  ticket: string | null;
  /** Local copy of the cool-down, applied at once before Redis has it. */
  pausedUntil: number;
}

function budget(rps: unknown, windowMs: unknown, spacingMs: unknown, name: string): Budget {
  const rate = positiveNumber(rps, `${name}.requestsPerSecond`, 7);
  const window = positiveNumber(windowMs, `${name}.windowMs`, 1080);
  // Fractional rates (0.5 rps) become one start per 1/rps windows, as in the in-process limiter.
  const { limit, windowMs: w } =
    rate >= 1
      ? { limit: Math.floor(rate), windowMs: window }
      : { limit: 1, windowMs: Math.ceil(window / rate) };
  if (spacingMs === 0) return { limit, windowMs: w, spacingMs: 0 };
  const spacing = positiveNumber(spacingMs, `${name}.spacingMs`, Math.floor(w / limit / 2));
  return { limit, windowMs: w, spacingMs: spacing };
}

function aborted(): RequestAbortedError {
  return new RequestAbortedError('Request aborted while waiting for the rate limiter');
}

/**
 * A sliding-window log limiter on Redis: at most `requestsPerSecond` request starts in any
 * window of `windowMs`, counted across every process that uses the same Redis and account.
 *
 * - **Atomic**: one Lua script trims the log, checks every budget and logs the start, on the
 *   Redis server's clock (the processes' clocks do not matter).
 * - **Waiting, in order**: callers wait instead of failing. Within a process they are served
 *   first come, first served; across processes, waiting processes hold a place in a shared
 *   queue and take slots in the order they started waiting.
 * - **Cool-down**: after a 429 the SDK calls `penalize`, and every process pauses.
 * - **Redis unreachable**: `acquire` fails with `ConnectionError` (from `kommo-sdk`), or uses `fallback`.
 *
 * Why a script of our own rather than rate-limiter-flexible: its Redis limiters count fixed
 * windows or leaky buckets that let up to twice the limit through around a window edge, and
 * Kommo punishes exactly that; it also fails callers instead of queueing them.
 *
 * @example
 * ```ts
 * const kommo = new Kommo({ domain: 'acme.kommo.com', accessToken, rateLimit: { limiter: new RedisRateLimiter(redis) } });
 * ```
 * @see docs/many-processes.md
 */
export class RedisRateLimiter implements RateLimiter {
  /** Starts allowed per window, per account. */
  readonly requestsPerSecond: number;
  /** Window length in milliseconds. */
  readonly windowMs: number;
  /** Least time between two starts, in milliseconds (`0`: bursts allowed). */
  readonly spacingMs: number;
  readonly #budgets: Budget[];
  readonly #prefix: string;
  readonly #integration: string;
  readonly #redis: ScriptRunner;
  readonly #fallback: RateLimiter | undefined;
  readonly #maxPollMs: number;
  readonly #staleWaiterMs: number;
  readonly #logger: Logger | undefined;
  readonly #accounts = new Map<string, Account>();
  #degraded = false;

  /**
   * @param client - A connected ioredis or node-redis client. It is not closed by the limiter.
   * @throws `ConfigurationError` (from `kommo-sdk`) on a missing client or invalid numbers.
   */
  constructor(client: RedisClientLike, options: RedisRateLimiterOptions = {}) {
    const own = budget(options.requestsPerSecond, options.windowMs, options.spacingMs, 'rateLimit');
    this.requestsPerSecond = own.limit;
    this.windowMs = own.windowMs;
    this.spacingMs = own.spacingMs;
    this.#budgets = [own];
    if (options.accountBudget !== undefined) {
      this.#budgets.push(
        // The account-wide cap only counts; spacing is the integration budget's job.
        budget(
          options.accountBudget.requestsPerSecond,
          options.accountBudget.windowMs,
          0,
          'accountBudget',
        ),
      );
    }
    if (options.fallback !== undefined && typeof options.fallback.acquire !== 'function') {
      throw new ConfigurationError('`fallback` must be a RateLimiter (with acquire(key, signal))');
    }
    this.#prefix = options.keyPrefix ?? 'kommo:';
    this.#integration = options.integration ?? 'default';
    this.#redis = scriptRunner(
      client,
      positiveNumber(options.commandTimeoutMs, 'commandTimeoutMs', 2_000),
    );
    this.#fallback = options.fallback;
    this.#maxPollMs = positiveNumber(options.maxPollMs, 'maxPollMs', 250);
    this.#staleWaiterMs = positiveNumber(options.staleWaiterMs, 'staleWaiterMs', 2_000);
    if (this.#staleWaiterMs <= this.#maxPollMs * 2) {
      throw new ConfigurationError(
        '`staleWaiterMs` must be more than twice `maxPollMs`, or live waiters would be dropped from the queue',
      );
    }
    this.#logger = options.logger;
  }

  #keys(key: string): { cool: string; queue: string; seen: string; seq: string; logs: string[] } {
    const scope = `rl:${this.#integration}`;
    const logs = [accountKey(this.#prefix, key, `${scope}:log`)];
    if (this.#budgets.length > 1) logs.push(accountKey(this.#prefix, key, 'rl:account:log'));
    return {
      cool: accountKey(this.#prefix, key, `${scope}:cool`),
      queue: accountKey(this.#prefix, key, `${scope}:queue`),
      seen: accountKey(this.#prefix, key, `${scope}:seen`),
      seq: accountKey(this.#prefix, key, `${scope}:seq`),
      logs,
    };
  }

  #account(key: string): Account {
    let account = this.#accounts.get(key);
    if (!account) {
      account = { queue: [], pumping: false, ticket: null, pausedUntil: 0 };
      this.#accounts.set(key, account);
    }
    return account;
  }

  /**
   * Resolves when one request for `key` may start; rejects if `signal` aborts first.
   * @throws `ConnectionError` (from `kommo-sdk`) when Redis is unreachable and no `fallback` is set.
   * @throws `RequestAbortedError` (from `kommo-sdk`) when `signal` aborts first.
   */
  acquire(key: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(aborted());
    const account = this.#account(key);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const i = account.queue.indexOf(waiter);
          if (i >= 0) account.queue.splice(i, 1);
          reject(aborted());
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      account.queue.push(waiter);
      this.#pump(key, account);
    });
  }

  /**
   * Pauses every start for `key` during `ms` milliseconds.
   *
   * The pause applies at once in this process and, through Redis, in every other one. A
   * failure to reach Redis is ignored (this process still pauses).
   */
  penalize(key: string, ms: number): void {
    if (!(ms > 0) || !Number.isFinite(ms)) return;
    const account = this.#account(key);
    account.pausedUntil = Math.max(account.pausedUntil, Date.now() + ms);
    this.#fallback?.penalize?.(key, ms);
    this.#redis
      .run(LIMITER_PENALIZE, [this.#keys(key).cool], [String(Math.ceil(ms))])
      .catch((error: unknown) => {
        this.#logger?.warn?.('kommo-sdk: could not share the rate-limit cool-down through Redis', {
          account: key,
          error: redisCause(error).message,
        });
      });
  }

  #pump(key: string, account: Account): void {
    if (account.pumping) return;
    account.pumping = true;
    void this.#drain(key, account).finally(() => {
      account.pumping = false;
      // A waiter that arrived while the loop was finishing.
      if (account.queue.length > 0) this.#pump(key, account);
      else if (this.#accounts.size > 100) this.#accounts.delete(key);
    });
  }

  async #drain(key: string, account: Account): Promise<void> {
    const keys = this.#keys(key);
    const args = [
      String(this.#staleWaiterMs),
      String(this.#budgets.length),
      ...this.#budgets.flatMap((b) => [String(b.limit), String(b.windowMs), String(b.spacingMs)]),
    ];
    while (account.queue.length > 0) {
      const local = account.pausedUntil - Date.now();
      if (local > 0) {
        await sleep(Math.min(local, this.#maxPollMs));
        continue;
      }
      account.ticket ??= randomUUID();
      let reply: number;
      try {
        reply = Number(
          await this.#redis.run(
            LIMITER_ACQUIRE,
            [keys.cool, keys.queue, keys.seen, keys.seq, ...keys.logs],
            [account.ticket, ...args],
          ),
        );
      } catch (error) {
        await this.#unreachable(key, account, error);
        continue;
      }
      if (this.#degraded) {
        this.#degraded = false;
        this.#logger?.info?.('kommo-sdk: Redis is reachable again; the shared rate limit applies', {
          account: key,
        });
      }
      if (reply === 0) {
        account.ticket = null;
        // The slot is taken in Redis now; if its waiter aborted meanwhile, the next one uses it.
        const waiter = account.queue.shift();
        if (waiter) grant(waiter);
        continue;
      }
      if (account.queue.length === 0) break;
      await sleep(reply < 0 ? 5 : Math.min(reply, this.#maxPollMs));
    }
    if (account.ticket !== null) {
      const ticket = account.ticket;
      account.ticket = null;
      // Everyone here gave up: leave the shared queue rather than block others until stale.
      await this.#redis
        .run(LIMITER_LEAVE, [keys.queue, keys.seen], [ticket])
        .catch(() => undefined);
    }
  }

  async #unreachable(key: string, account: Account, error: unknown): Promise<void> {
    const waiters = account.queue.splice(0);
    const cause = redisCause(error);
    if (!this.#fallback) {
      const failure = new ConnectionError(
        `Redis is unreachable: cannot take a rate-limit slot for ${key} (${cause.message})`,
        { cause },
      );
      for (const waiter of waiters) {
        detach(waiter);
        waiter.reject(failure);
      }
      return;
    }
    if (!this.#degraded) {
      this.#degraded = true;
      this.#logger?.warn?.(
        'kommo-sdk: Redis is unreachable; pacing with the local fallback limiter',
        { account: key, error: cause.message },
      );
    }
    const fallback = this.#fallback;
    await Promise.all(
      waiters.map(async (waiter) => {
        detach(waiter);
        try {
          await fallback.acquire(key, waiter.signal);
          waiter.resolve();
        } catch (failure) {
          waiter.reject(failure);
        }
      }),
    );
  }
}

function detach(waiter: Waiter): void {
  if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
}

function grant(waiter: Waiter): void {
  detach(waiter);
  waiter.resolve();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
