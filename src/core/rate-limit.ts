/**
 * Client-side pacing: requests are started so that Kommo never *receives* more than the limit
 * in any one-second window. Kommo answers bursts with 429 and blocks repeat offenders with 403,
 * so for this SDK a 429 is a defect, not a cost.
 *
 * @module
 */

import {
  ArrivalModel,
  DEFAULT_ARRIVAL_ALLOWANCE_MS,
  inFlightFor,
  tripKind,
  type Trip,
} from './arrival.js';
import { ConfigurationError, RequestAbortedError } from './errors.js';

/** The request a slot is for: what the limiter learns round trips by. */
export interface SlotRequest {
  method: string;
  path: string;
}

/**
 * One granted start, as the SDK's limiters return it from `acquire`. The HTTP layer reports
 * when the request left and when its answer came, so the limiter can bound when it reached
 * Kommo (see {@link SlidingWindowRateLimiter}). A limiter of your own may return nothing.
 */
export interface RateLimitSlot {
  /** The request is handed to `fetch` now. */
  sent(): void;
  /**
   * The request was written to its connection now; `oneFlight`: it is small enough (a body of
   * at most 12,000 bytes) to reach Kommo in one flight of packets after that. Called only where
   * the runtime reports writes (Node's fetch does), between `sent()` and `answered()`.
   */
  written?(oneFlight: boolean): void;
  /** The answer's status line arrived now. */
  answered(status: number): void;
  /**
   * The attempt is over: its answer was read whole (`true`: the connection goes back to the
   * pool), or it failed. Without `sent()` before, the slot is given back unused.
   */
  released(reusable: boolean): void;
}

/**
 * Paces requests per account. `acquire` resolves when a request may start; `penalize` pauses
 * every start for the account. Plug in your own (a Redis one, `kommo-sdk/redis`) to share one
 * budget between processes.
 */
export interface RateLimiter {
  /**
   * Resolves when one request for `key` may start, with a {@link RateLimitSlot} or nothing.
   * Rejects if `signal` aborts first. `request` says what the slot is for (optional).
   */
  acquire(
    key: string,
    signal?: AbortSignal,
    request?: SlotRequest,
  ): Promise<RateLimitSlot | undefined | void>;
  /** Pauses every start for `key` during `ms` milliseconds (a 429 asking for a long wait). */
  penalize?(key: string, ms: number): void;
  /**
   * How many requests of this kind to keep in flight so that the limit, not the round trip,
   * sets the pace. Walks and batches size their work by it; without it they use 3.
   */
  suggestedInFlight?(key: string, request: SlotRequest): number;
  /**
   * Shares a breaker opening with every process that uses this limiter: for `coolDownMs`, its
   * `acquire` rejects with `AccountBlockedError` everywhere, then lets one probe through.
   * Resolves `true` when this call opened it (no other process had).
   */
  block?(key: string, coolDownMs: number): Promise<boolean>;
  /** Lifts a shared block: a probe got through, or `kommo.breaker.reset()` was called. */
  unblock?(key: string): Promise<void>;
}

/** The `rateLimit` client option: `false` turns pacing off. */
export type RateLimitOption =
  | false
  | {
      /**
       * Requests allowed to reach Kommo per second and account.
       * @defaultValue 7 (Kommo's documented limit)
       */
      requestsPerSecond?: number;
      /** Your own limiter (shared across processes, for instance). */
      limiter?: RateLimiter;
    };

/** A clock the limiter reads and sleeps on. Injectable so tests run on fake time. */
export interface Clock {
  /** Milliseconds, monotonic enough for pacing. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** The real clock: monotonic, so a wall-clock step never opens the window early. */
const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Options of {@link SlidingWindowRateLimiter}. */
export interface SlidingWindowRateLimiterOptions {
  /** Requests allowed to reach Kommo per window. @defaultValue 7 */
  requestsPerSecond?: number;
  /**
   * The window Kommo counts arrivals in. The limiter adds what it does not know about each
   * arrival on top (see `arrivalAllowanceMs`), so this is Kommo's window, not a margin.
   * @defaultValue 1000
   */
  windowMs?: number;
  /**
   * How late a request on a connection the pool already has may reach Kommo after leaving,
   * until its answer bounds it better. A 429 raises it for a while (10 ms each, back down by
   * 10 ms a second).
   * @defaultValue 25
   */
  arrivalAllowanceMs?: number;
  /**
   * Starts allowed back to back. Beyond them, starts are at least `windowMs / requestsPerSecond`
   * apart, so a saturated account sends a steady stream rather than a burst every window.
   * @defaultValue half the limit, rounded up (4 for 7 rps)
   */
  burst?: number;
  /** @defaultValue the system's monotonic clock */
  clock?: Clock;
}

interface Waiter {
  resolve: (slot: RateLimitSlot) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  kind: string;
}

/** One start in the log: the latest moment it can have reached Kommo. */
interface Start {
  latest: number;
  trip?: Trip;
  answered?: boolean;
}

interface AccountState {
  log: Start[];
  lastGrant: number;
  queue: Waiter[];
  pausedUntil: number;
  /** When the pending wake-up fires (`Infinity`: none). */
  wakeAt: number;
  pumping: boolean;
  model: ArrivalModel;
}

/**
 * A sliding-window limiter on *arrivals*: at most `requestsPerSecond` requests reach Kommo in
 * any window of `windowMs`, callers served first come, first served, one state per account key.
 * It holds no timer while nobody waits, so idle clients cost nothing.
 *
 * Each start is logged with the latest moment it can have reached Kommo, and a start is granted
 * only if, with every logged request arriving that late and this one arriving at once, no window
 * would hold more than the limit:
 *
 * - until the request leaves: its grant time plus the allowance;
 * - on a connection the pool already has: its departure plus the allowance (25 ms);
 * - on a new connection (a cold pool: new socket, handshake, code run for the first time):
 *   unknown until the answer comes;
 * - written to its connection, where the runtime reports it (Node's fetch): a request that
 *   fits one flight of packets (a body of 12,000 bytes at most), the write plus the allowance,
 *   on a new connection too, whatever its answer then takes; a larger one on a connection the
 *   pool already has, the write plus the allowance until answered;
 * - once answered: never later than the answer, and (unless it fit one flight) never later
 *   than its round trip's excess over the fastest round trip of that kind of request (plus
 *   20 ms), counted from its write (or its departure where writes are not reported).
 *
 * So a cold start (a fresh process, a grown pool) waits for its first answers instead of
 * guessing, and a warm one runs at up to 99 % of the limit on a fast link. A 429 fills the
 * window as Kommo saw it (it counted more than the log) and widens the allowance for a while.
 *
 * A fixed-window or token-bucket library (p-queue's `interval`, bottleneck's reservoir) counts
 * departures and allows up to twice the limit across a window edge, which is exactly what draws
 * Kommo's 429s, hence this small dedicated class.
 */
export class SlidingWindowRateLimiter implements RateLimiter {
  /** Requests allowed to reach Kommo per window. */
  readonly requestsPerSecond: number;
  /** Kommo's window, ms. */
  readonly windowMs: number;
  /** Starts allowed back to back before the spacing applies. */
  readonly burst: number;
  readonly #rate: number;
  readonly #gapMs: number;
  readonly #allowanceMs: number;
  readonly #clock: Clock;
  readonly #accounts = new Map<string, AccountState>();

  constructor(options: SlidingWindowRateLimiterOptions = {}) {
    const rps = options.requestsPerSecond ?? 7;
    if (!Number.isFinite(rps) || rps <= 0) {
      throw new ConfigurationError(
        `rateLimit.requestsPerSecond must be a positive number, got ${String(rps)}`,
      );
    }
    const allowance = options.arrivalAllowanceMs ?? DEFAULT_ARRIVAL_ALLOWANCE_MS;
    if (!Number.isFinite(allowance) || allowance < 0)
      throw new ConfigurationError('`arrivalAllowanceMs` must be a non-negative number');
    this.#rate = rps;
    this.windowMs = options.windowMs ?? 1000;
    // Fractional rates (0.5 rps) become one start per 1/rps seconds.
    const perWindow = rps >= 1 ? Math.floor(rps) : 1;
    if (rps < 1) this.windowMs = Math.ceil(this.windowMs / rps);
    this.requestsPerSecond = perWindow;
    this.burst = Math.min(
      perWindow,
      Math.max(1, Math.floor(options.burst ?? Math.ceil(perWindow / 2))),
    );
    this.#gapMs = this.windowMs / perWindow;
    this.#allowanceMs = allowance;
    this.#clock = options.clock ?? systemClock;
  }

  #state(key: string): AccountState {
    let state = this.#accounts.get(key);
    if (!state) {
      state = {
        log: [],
        lastGrant: -Infinity,
        queue: [],
        pausedUntil: 0,
        wakeAt: Infinity,
        pumping: false,
        model: new ArrivalModel(this.#allowanceMs),
      };
      this.#accounts.set(key, state);
    }
    return state;
  }

  /**
   * {@inheritDoc RateLimiter.acquire}
   * @throws {@link RequestAbortedError} when `signal` aborts first.
   */
  acquire(key: string, signal?: AbortSignal, request?: SlotRequest): Promise<RateLimitSlot> {
    if (signal?.aborted)
      return Promise.reject(
        new RequestAbortedError('Request aborted while waiting for the rate limiter'),
      );
    const state = this.#state(key);
    return new Promise<RateLimitSlot>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: undefined,
        kind: request ? tripKind(request.method, request.path) : '',
      };
      if (signal) {
        waiter.onAbort = () => {
          const i = state.queue.indexOf(waiter);
          if (i >= 0) state.queue.splice(i, 1);
          reject(new RequestAbortedError('Request aborted while waiting for the rate limiter'));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      state.queue.push(waiter);
      this.#pump(key, state);
    });
  }

  /** {@inheritDoc RateLimiter.penalize} */
  penalize(key: string, ms: number): void {
    if (!(ms > 0)) return;
    const state = this.#state(key);
    state.pausedUntil = Math.max(state.pausedUntil, this.#clock.now() + ms);
  }

  /** {@inheritDoc RateLimiter.suggestedInFlight} */
  suggestedInFlight(key: string, request: SlotRequest): number {
    const model = this.#accounts.get(key)?.model;
    return inFlightFor(this.#rate, model?.roundTrip(tripKind(request.method, request.path)));
  }

  #slot(key: string, state: AccountState, start: Start, kind: string): RateLimitSlot {
    let done = false;
    const clock = this.#clock;
    return {
      sent: () => {
        if (done || start.trip) return;
        const departed = state.model.depart(kind, clock.now());
        start.trip = departed.trip;
        start.latest = departed.latest;
      },
      written: (oneFlight) => {
        if (done || !start.trip || start.answered) return;
        const latest = state.model.written(start.trip, clock.now(), oneFlight);
        if (latest === undefined) return;
        const before = start.latest;
        start.latest = latest;
        // A new connection's request was held until its answer: it is bounded now.
        if (latest < before) this.#pump(key, state);
      },
      answered: (status) => {
        if (done || !start.trip || start.answered) return;
        const now = clock.now();
        start.answered = true;
        start.latest = state.model.answered(start.trip, now);
        if (status === 429) this.#refused(state, now, start.latest);
        this.#pump(key, state);
      },
      released: (reusable) => {
        if (done) return;
        done = true;
        const now = clock.now();
        if (!start.trip) {
          // Never sent: the start did not happen.
          const i = state.log.indexOf(start);
          if (i >= 0) state.log.splice(i, 1);
        } else {
          // No answer: it arrived by now, or never will (give the bytes in flight a moment).
          if (!start.answered) start.latest = Math.min(start.latest, now + this.#allowanceMs);
          state.model.released(now, reusable && start.answered === true);
        }
        this.#pump(key, state);
      },
    };
  }

  /**
   * Kommo refused a request with 429, answered at `now`, that reached it by `arrivedBy` at the
   * latest: Kommo's window held the limit when the request arrived, so the log is filled up to
   * the limit as of that moment (it drains a window after the arrival, not after the answer:
   * with 300 ms round trips, 300 ms sooner), and the arrival allowance widens for a while.
   */
  #refused(state: AccountState, now: number, arrivedBy: number): void {
    state.model.raise(now);
    const edge = arrivedBy - this.windowMs;
    const counted = state.log.filter((s) => s.latest > edge).length;
    for (let i = counted; i < this.requestsPerSecond; i++) state.log.push({ latest: arrivedBy });
  }

  /** How long the first waiter must still wait at `now` (`Infinity`: until an answer comes). */
  #waitMs(state: AccountState, now: number): number {
    if (now < state.pausedUntil) return state.pausedUntil - now;
    const edge = now - this.windowMs;
    state.log = state.log.filter((s) => s.latest > edge);
    const counted = state.log.length;
    if (counted >= this.requestsPerSecond) {
      // The oldest `counted - limit + 1` arrivals must leave the window first.
      const latest = state.log.map((s) => s.latest).sort((a, b) => a - b);
      return (latest[counted - this.requestsPerSecond] ?? 0) + this.windowMs - now;
    }
    if (counted >= this.burst) return Math.max(0, state.lastGrant + this.#gapMs - now);
    return 0;
  }

  #pump(key: string, state: AccountState): void {
    if (state.pumping) return;
    state.pumping = true;
    try {
      for (;;) {
        const waiter = state.queue[0];
        if (!waiter) {
          this.#forgetIfIdle(key, state);
          return;
        }
        const now = this.#clock.now();
        const wait = this.#waitMs(state, now);
        if (wait > 0) {
          // A finite wait sleeps; an unknown one waits for an answer (which pumps again).
          if (Number.isFinite(wait)) this.#wake(key, state, now + wait);
          return;
        }
        state.queue.shift();
        const start: Start = { latest: now + this.#allowanceMs };
        state.log.push(start);
        // A wake-up that fires late (timer granularity, a busy event loop) must not push every
        // later start back with it: up to half a gap of lateness is taken from the schedule, so
        // the spacing keeps the rate's pace instead of losing the delay at every start (at
        // 50 requests/s, 2 ms late per start was 10 % of the limit). The window check above
        // still caps what reaches Kommo in any window.
        const due = state.lastGrant + this.#gapMs;
        state.lastGrant = now > due && now - due < this.#gapMs / 2 ? due : now;
        if (waiter.signal && waiter.onAbort)
          waiter.signal.removeEventListener('abort', waiter.onAbort);
        waiter.resolve(this.#slot(key, state, start, waiter.kind));
      }
    } finally {
      state.pumping = false;
    }
  }

  /** Schedules a pump at `at`, unless an earlier one is pending. */
  #wake(key: string, state: AccountState, at: number): void {
    if (at >= state.wakeAt) return;
    state.wakeAt = at;
    void this.#clock.sleep(Math.max(0, Math.ceil(at - this.#clock.now()))).then(() => {
      if (state.wakeAt === at) state.wakeAt = Infinity;
      this.#pump(key, state);
    });
  }

  #forgetIfIdle(key: string, state: AccountState): void {
    // Drop idle accounts so a process serving thousands of accounts does not grow without
    // bound; an account whose log still limits the next start is kept.
    if (this.#accounts.size <= 100) return;
    const now = this.#clock.now();
    if (state.log.every((s) => s.latest <= now - this.windowMs) && state.pausedUntil <= now)
      this.#accounts.delete(key);
  }
}

// ---------------------------------------------------------------------------------------------
// The process-wide registry.

/**
 * Where the shared limiters and breakers live: on `globalThis`, under a `Symbol.for` key, so
 * that every copy of the SDK in the process (the ESM and CommonJS builds, the copy the CommonJS
 * `kommo-sdk/sandbox` entry bundles) paces an account with one budget. Two budgets for one
 * account would each allow the full limit. The version in the key changes when the shape of
 * what is stored does.
 */
const REGISTRY = Symbol.for('kommo-sdk.pacing.v1');

/** What the process-wide registry holds. @internal */
export interface PacingRegistry {
  /** The default limiter per rate (requests per second). */
  readonly limiters: Map<number, RateLimiter>;
  /** Per account key: its breaker (see `core/breaker.ts`). */
  readonly breakers: Map<string, unknown>;
}

/** The process-wide registry, created by the first copy of the SDK that needs it. @internal */
export function pacingRegistry(): PacingRegistry {
  const holder = globalThis as { [REGISTRY]?: PacingRegistry };
  return (holder[REGISTRY] ??= { limiters: new Map(), breakers: new Map() });
}

/**
 * The process-wide limiter for a rate: every `Kommo` client of the same account in the process,
 * whichever copy of the SDK created it, shares its budget. Anything else that reaches the
 * account (the OAuth token endpoint) takes its slots here too.
 *
 * @internal
 */
export function sharedRateLimiter(requestsPerSecond = 7): RateLimiter {
  const limiters = pacingRegistry().limiters;
  let limiter = limiters.get(requestsPerSecond);
  if (!limiter) {
    limiter = new SlidingWindowRateLimiter({ requestsPerSecond });
    limiters.set(requestsPerSecond, limiter);
  }
  return limiter;
}
