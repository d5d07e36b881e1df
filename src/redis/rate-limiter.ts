/**
 * One rate-limit budget per Kommo account, shared by every process through Redis.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import {
  ArrivalModel,
  DEFAULT_ARRIVAL_ALLOWANCE_MS,
  inFlightFor,
  tripKind,
  type Trip,
} from '../core/arrival.js';
import {
  AccountBlockedError,
  ConfigurationError,
  ConnectionError,
  RequestAbortedError,
} from '../core/errors.js';
import type { HttpMethod } from '../core/errors.js';
import type { Logger } from '../core/options.js';
import type { RateLimiter, RateLimitSlot, SlotRequest } from '../core/rate-limit.js';
import {
  accountKey,
  positiveNumber,
  redisCause,
  scriptRunner,
  type RedisClientLike,
  type ScriptRunner,
} from './client.js';
import {
  BREAKER_CLOSE,
  BREAKER_OPEN,
  LIMITER_ACQUIRE,
  LIMITER_FILL,
  LIMITER_LEAVE,
  LIMITER_PENALIZE,
  LIMITER_SETTLE,
} from './scripts.js';

/** Options of {@link RedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /**
   * Requests allowed to start per window, for the account (and `integration`), across all
   * processes.
   * @defaultValue 7 (Kommo's documented limit)
   */
  requestsPerSecond?: number;
  /**
   * The window Kommo counts arrivals in. As in the in-process limiter, each start is logged
   * with the latest moment it can reach Kommo (its process reports when it left and when its
   * answer came), so this is Kommo's window, not a margin.
   * @defaultValue 1000
   */
  windowMs?: number;
  /**
   * How late a request on a connection its process already has may reach Kommo after
   * leaving, until its answer bounds it better (see `SlidingWindowRateLimiter`).
   * @defaultValue 25
   */
  arrivalAllowanceMs?: number;
  /**
   * The least time between two request starts, across all processes: a steady stream rather
   * than a burst after a quiet spell. It does not lower sustained throughput, which the window
   * sets. `0` allows bursts.
   * @defaultValue half of `windowMs / requestsPerSecond` (71 ms at 7 per second)
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
  resolve: (slot: RateLimitSlot) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  request: SlotRequest | undefined;
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
  /** What this process learnt about its connection to the account. */
  model: ArrivalModel;
}

/** How long a half-open breaker's probe claim lasts: a probe that never reports frees it. */
const PROBE_MS = 30_000;
/** How long a shared breaker stays half-open (waiting for a probe) before it is forgotten. */
const HALF_OPEN_MS = 24 * 3_600_000;

function budget(rps: unknown, windowMs: unknown, spacingMs: unknown, name: string): Budget {
  const rate = positiveNumber(rps, `${name}.requestsPerSecond`, 7);
  const window = positiveNumber(windowMs, `${name}.windowMs`, 1000);
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
 * A sliding-window limiter on Redis: at most `requestsPerSecond` requests *reach Kommo* in any
 * window of `windowMs`, counted across every process that uses the same Redis and account.
 *
 * - **Arrivals, not departures**: each start is logged with the latest moment it can reach
 *   Kommo, and its process moves that bound when the request leaves (on a new connection:
 *   unknown until the answer) and when its answer comes, as `SlidingWindowRateLimiter` does in
 *   one process. A cold process's first burst therefore waits for its first answers instead of
 *   drawing a 429.
 * - **Atomic**: one Lua script trims the log, checks every budget and logs the start, on the
 *   Redis server's clock (the processes' clocks do not matter).
 * - **Waiting, in order**: callers wait instead of failing. Within a process they are served
 *   first come, first served; across processes, waiting processes hold a place in a shared
 *   queue and take slots in the order they started waiting.
 * - **After a 429**: the log is filled up to the limit as Kommo saw it; a 429 asking for a wait
 *   longer than the window calls `penalize`, and every process pauses.
 * - **Breaker**: when a client sees Kommo's block page, every process's `acquire` fails with
 *   `AccountBlockedError` (from `kommo-sdk`) until the cool-down ends; then one process sends
 *   one probe, and its answer closes or reopens the breaker for all.
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
  readonly #rate: number;
  readonly #allowanceMs: number;
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
    this.#rate = positiveNumber(options.requestsPerSecond, 'rateLimit.requestsPerSecond', 7);
    const allowance = options.arrivalAllowanceMs ?? DEFAULT_ARRIVAL_ALLOWANCE_MS;
    if (typeof allowance !== 'number' || !Number.isFinite(allowance) || allowance < 0)
      throw new ConfigurationError('`arrivalAllowanceMs` must be a non-negative number');
    this.#allowanceMs = allowance;
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

  #keys(key: string): {
    cool: string;
    queue: string;
    seen: string;
    seq: string;
    breaker: string[];
    last: string;
    logs: string[];
  } {
    const scope = `rl:${this.#integration}`;
    const logs = [accountKey(this.#prefix, key, `${scope}:log`)];
    if (this.#budgets.length > 1) logs.push(accountKey(this.#prefix, key, 'rl:account:log'));
    return {
      cool: accountKey(this.#prefix, key, `${scope}:cool`),
      queue: accountKey(this.#prefix, key, `${scope}:queue`),
      seen: accountKey(this.#prefix, key, `${scope}:seen`),
      seq: accountKey(this.#prefix, key, `${scope}:seq`),
      // The breaker is the account's, whatever the integration: Kommo blocks the account.
      breaker: ['breaker', 'breaker:half', 'breaker:probe'].map((k) =>
        accountKey(this.#prefix, key, k),
      ),
      last: accountKey(this.#prefix, key, `${scope}:last`),
      logs,
    };
  }

  #account(key: string): Account {
    let account = this.#accounts.get(key);
    if (!account) {
      account = {
        queue: [],
        pumping: false,
        ticket: null,
        pausedUntil: 0,
        model: new ArrivalModel(this.#allowanceMs),
      };
      this.#accounts.set(key, account);
    }
    return account;
  }

  /**
   * Resolves when one request for `key` may start, with its slot; rejects if `signal` aborts
   * first.
   * @throws `ConnectionError` (from `kommo-sdk`) when Redis is unreachable and no `fallback` is set.
   * @throws `RequestAbortedError` (from `kommo-sdk`) when `signal` aborts first.
   * @throws `AccountBlockedError` (from `kommo-sdk`) while the account's shared breaker is open
   *   (or another process probes it).
   */
  acquire(key: string, signal?: AbortSignal, request?: SlotRequest): Promise<RateLimitSlot> {
    if (signal?.aborted) return Promise.reject(aborted());
    const account = this.#account(key);
    return new Promise<RateLimitSlot>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined, request };
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

  /**
   * How many requests of this kind to keep in flight so that the limit, not the round trip,
   * sets the pace (walks and batches size their work by it), from this process's measured
   * round trips.
   */
  suggestedInFlight(key: string, request: SlotRequest): number {
    const model = this.#accounts.get(key)?.model;
    return inFlightFor(this.#rate, model?.roundTrip(tripKind(request.method, request.path)));
  }

  /**
   * Opens the account's breaker in every process for `coolDownMs` (the SDK calls it when a
   * client sees Kommo's block page). Resolves `true` when this call opened it.
   */
  async block(key: string, coolDownMs: number): Promise<boolean> {
    const reply = await this.#redis.run(BREAKER_OPEN, this.#keys(key).breaker, [
      String(Math.max(1, Math.ceil(coolDownMs))),
      String(HALF_OPEN_MS),
    ]);
    return Number(reply) === 1;
  }

  /** Closes the account's breaker in every process (a probe got through, or `kommo.breaker.reset()`). */
  async unblock(key: string): Promise<void> {
    await this.#redis.run(BREAKER_CLOSE, this.#keys(key).breaker, []);
  }

  /**
   * A granted start's slot: tells Redis when its request left and when its answer came, so the
   * shared log holds the latest moment it can reach Kommo. Times are this process's, carried
   * over to the Redis clock from the grant (`grantedAt` there, `localAt` here), plus the
   * command's own round trip, which this process cannot place.
   */
  #slot(
    key: string,
    account: Account,
    member: string,
    grant: { grantedAt: number; localAt: number; slackMs: number; probe: boolean },
    request: SlotRequest | undefined,
  ): RateLimitSlot {
    const logs = this.#keys(key).logs;
    const kind = request ? tripKind(request.method, request.path) : '';
    const onRedis = (local: number): number =>
      Math.ceil(grant.grantedAt + (local - grant.localAt) + grant.slackMs);
    const settle = (score: string): void => {
      this.#redis.run(LIMITER_SETTLE, logs, [member, score]).catch((error: unknown) => {
        this.#logger?.warn?.('kommo-sdk: could not report a request to the shared rate limit', {
          account: key,
          error: redisCause(error).message,
        });
      });
    };
    let trip: Trip | undefined;
    let reported = 0;
    let answered = false;
    let done = false;
    return {
      sent: () => {
        if (done || trip) return;
        const departed = account.model.depart(kind, performance.now());
        trip = departed.trip;
        reported = onRedis(departed.latest);
        settle(String(reported));
      },
      written: (oneFlight) => {
        if (done || !trip || answered) return;
        const latest = account.model.written(trip, performance.now(), oneFlight);
        if (latest === undefined) return;
        // Written later than its departure's bound assumed, or on a new connection whose
        // place was held until its answer: Redis learns the new bound.
        const score = onRedis(latest);
        if (score !== reported) settle(String((reported = score)));
      },
      answered: (status) => {
        if (done || !trip || answered) return;
        answered = true;
        const now = performance.now();
        const arrivedBy = account.model.answered(trip, now);
        settle(String(onRedis(arrivedBy)));
        if (status === 429) this.#refused(key, account, now, now - arrivedBy);
        // The probe of a half-open breaker got an answer other than a 403: the block is over.
        if (grant.probe && status !== 403) void this.unblock(key).catch(() => undefined);
      },
      released: (reusable) => {
        if (done) return;
        done = true;
        const now = performance.now();
        if (!trip) {
          settle('-');
          return;
        }
        if (!answered) settle(String(onRedis(now + this.#allowanceMs)));
        account.model.released(now, reusable && answered);
      },
    };
  }

  /**
   * Kommo refused with 429 a request that reached it `agoMs` ago at the latest: fill every log
   * up to its limit as of that arrival (Kommo's window was full then), widen the allowance.
   */
  #refused(key: string, account: Account, now: number, agoMs: number): void {
    account.model.raise(now);
    const args = this.#budgets.flatMap((b) => [String(b.limit), String(b.windowMs)]);
    args.push(String(Math.max(0, Math.floor(agoMs))));
    this.#redis.run(LIMITER_FILL, this.#keys(key).logs, args).catch(() => undefined);
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
      String(Math.ceil(this.#allowanceMs)),
      String(PROBE_MS),
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
      let reply: number[];
      const asked = performance.now();
      try {
        const raw = await this.#redis.run(
          LIMITER_ACQUIRE,
          [keys.cool, keys.queue, keys.seen, keys.seq, ...keys.breaker, keys.last, ...keys.logs],
          [account.ticket, ...args],
        );
        reply = (Array.isArray(raw) ? raw : [raw]).map(Number);
      } catch (error) {
        await this.#unreachable(key, account, error);
        continue;
      }
      const [code = 1, value = 1, probe = 0] = reply;
      if (this.#degraded) {
        this.#degraded = false;
        this.#logger?.info?.('kommo-sdk: Redis is reachable again; the shared rate limit applies', {
          account: key,
        });
      }
      if (code === 0) {
        const member = account.ticket;
        account.ticket = null;
        const localAt = performance.now();
        const grantInfo = {
          grantedAt: value,
          localAt,
          slackMs: localAt - asked,
          probe: probe === 1,
        };
        // The slot is taken in Redis now; if its waiter aborted meanwhile, the next one uses it.
        const waiter = account.queue.shift();
        const slot = this.#slot(key, account, member, grantInfo, waiter?.request);
        if (waiter) grant(waiter, slot);
        else slot.released(false);
        continue;
      }
      if (code === -2 || code === -3) {
        // The account's breaker is open (or another process probes it): nobody here may start.
        this.#blocked(key, account, value);
        continue;
      }
      if (account.queue.length === 0) break;
      await sleep(code < 0 ? 5 : Math.min(value, this.#maxPollMs));
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

  /** Fails every waiter of the account: the shared breaker holds it for `ms` more. */
  #blocked(key: string, account: Account, ms: number): void {
    const retryAt = Date.now() + Math.max(1, ms);
    for (const waiter of account.queue.splice(0)) {
      detach(waiter);
      const method = (waiter.request?.method ?? 'GET') as HttpMethod;
      const path = waiter.request?.path ?? '/';
      waiter.reject(
        new AccountBlockedError(
          { status: 403, method, url: `https://${key}${path}`, path, retryAt, sent: false },
          `The account's breaker is open in another process until ${new Date(retryAt).toISOString()}: not sent (${method} ${path})`,
        ),
      );
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
          const slot = await fallback.acquire(key, waiter.signal, waiter.request);
          waiter.resolve(slot ?? NO_SLOT);
        } catch (failure) {
          waiter.reject(failure);
        }
      }),
    );
  }
}

/** The slot of a fallback limiter that returns none. */
const NO_SLOT: RateLimitSlot = { sent: () => {}, answered: () => {}, released: () => {} };

function detach(waiter: Waiter): void {
  if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
}

function grant(waiter: Waiter, slot: RateLimitSlot): void {
  detach(waiter);
  waiter.resolve(slot);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
