/**
 * Client-side pacing: requests are spaced so that Kommo never sees more than the limit in any
 * one-second window. Kommo answers bursts with 429 and blocks repeat offenders with 403.
 *
 * @module
 */

import { ConfigurationError, RequestAbortedError } from './errors.js';

/**
 * Paces requests per account. `acquire` resolves when a request may start; `penalize` pauses
 * every start for the account (after a 429). Plug in your own (a Redis one, `kommo-sdk/redis`)
 * to share one budget between processes.
 */
export interface RateLimiter {
  /** Resolves when one request for `key` may start. Rejects if `signal` aborts first. */
  acquire(key: string, signal?: AbortSignal): Promise<void>;
  /** Pauses every start for `key` during `ms` milliseconds. */
  penalize?(key: string, ms: number): void;
}

/** The `rateLimit` client option: `false` turns pacing off. */
export type RateLimitOption =
  | false
  | {
      /**
       * Requests allowed to start per second and account.
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

/** The real clock. */
const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Options of {@link SlidingWindowRateLimiter}. */
export interface SlidingWindowRateLimiterOptions {
  /** Starts allowed per window. @defaultValue 7 */
  requestsPerSecond?: number;
  /**
   * Window length. Slightly over a second: requests that start exactly 1,000 ms apart can
   * still arrive bunched inside one server-side second (network jitter), and Kommo counts
   * arrivals. 1,030 ms measured zero 429s while keeping sustained pacing at 97 % of the limit.
   * @defaultValue 1030
   */
  windowMs?: number;
  /**
   * Starts allowed back to back. Beyond them, starts are spaced `windowMs / requestsPerSecond`
   * apart, so a saturated account sends a steady stream instead of a burst of 7 every window:
   * bursts arrive bunched and draw 429s from a server that counts arrivals.
   * @defaultValue half the limit, rounded up (4 for 7 rps)
   */
  burst?: number;
  /** @defaultValue the system clock */
  clock?: Clock;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface AccountState {
  starts: number[];
  lastStart: number;
  queue: Waiter[];
  pausedUntil: number;
  pumping: boolean;
}

/**
 * A sliding-window log limiter: at most `requestsPerSecond` starts in any window of `windowMs`
 * (no fixed-window edge that lets 2× through), callers served first come, first served, one
 * state per account key. It holds no timer while nobody waits, so idle clients cost nothing.
 *
 * A fixed-window or token-bucket library (p-queue's `interval`, bottleneck's reservoir) allows
 * up to twice the limit across a window edge, which is exactly what draws Kommo's 429s, hence
 * this small dedicated class.
 */
export class SlidingWindowRateLimiter implements RateLimiter {
  /** Starts allowed per window. */
  readonly requestsPerSecond: number;
  /** Window length in milliseconds. */
  readonly windowMs: number;
  /** Starts allowed back to back before the even spacing applies. */
  readonly burst: number;
  readonly #gapMs: number;
  readonly #clock: Clock;
  readonly #accounts = new Map<string, AccountState>();

  constructor(options: SlidingWindowRateLimiterOptions = {}) {
    const rps = options.requestsPerSecond ?? 7;
    if (!Number.isFinite(rps) || rps <= 0) {
      throw new ConfigurationError(
        `rateLimit.requestsPerSecond must be a positive number, got ${String(rps)}`,
      );
    }
    this.windowMs = options.windowMs ?? 1030;
    // Fractional rates (0.5 rps) become one start per 1/rps seconds.
    const perWindow = rps >= 1 ? Math.floor(rps) : 1;
    if (rps < 1) this.windowMs = Math.ceil(this.windowMs / rps);
    this.requestsPerSecond = perWindow;
    this.burst = Math.min(
      perWindow,
      Math.max(1, Math.floor(options.burst ?? Math.ceil(perWindow / 2))),
    );
    this.#gapMs = this.windowMs / perWindow;
    this.#clock = options.clock ?? systemClock;
  }

  #state(key: string): AccountState {
    let state = this.#accounts.get(key);
    if (!state) {
      state = { starts: [], lastStart: -Infinity, queue: [], pausedUntil: 0, pumping: false };
      this.#accounts.set(key, state);
    }
    return state;
  }

  /** {@inheritDoc RateLimiter.acquire} */
  acquire(key: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted)
      return Promise.reject(
        new RequestAbortedError('Request aborted while waiting for the rate limiter'),
      );
    const state = this.#state(key);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
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

  #pump(key: string, state: AccountState): void {
    if (state.pumping) return;
    state.pumping = true;
    const step = (): void => {
      for (;;) {
        const waiter = state.queue[0];
        if (!waiter) {
          state.pumping = false;
          this.#forgetIfIdle(key, state);
          return;
        }
        const now = this.#clock.now();
        let oldest = state.starts[0];
        while (oldest !== undefined && oldest <= now - this.windowMs) {
          state.starts.shift();
          oldest = state.starts[0];
        }
        let wait = 0;
        if (now < state.pausedUntil) wait = state.pausedUntil - now;
        else if (oldest !== undefined && state.starts.length >= this.requestsPerSecond)
          wait = oldest + this.windowMs - now;
        else if (state.starts.length >= this.burst) wait = state.lastStart + this.#gapMs - now;
        if (wait > 0) {
          void this.#clock.sleep(wait).then(step);
          return;
        }
        state.queue.shift();
        state.starts.push(now);
        state.lastStart = now;
        if (waiter.signal && waiter.onAbort)
          waiter.signal.removeEventListener('abort', waiter.onAbort);
        waiter.resolve();
      }
    };
    step();
  }

  #forgetIfIdle(key: string, state: AccountState): void {
    // Keep the log while it still limits the next start; drop idle accounts so a process
    // serving thousands of accounts does not grow without bound.
    const now = this.#clock.now();
    const last = state.starts[state.starts.length - 1] ?? -Infinity;
    if (last <= now - this.windowMs && state.pausedUntil <= now && this.#accounts.size > 100) {
      this.#accounts.delete(key);
    }
  }
}

const shared = new Map<number, SlidingWindowRateLimiter>();

/**
 * The process-wide limiter for a rate: every `Kommo` client of the same account in the process
 * shares its budget.
 *
 * @internal
 */
export function sharedRateLimiter(requestsPerSecond: number): SlidingWindowRateLimiter {
  let limiter = shared.get(requestsPerSecond);
  if (!limiter) {
    limiter = new SlidingWindowRateLimiter({ requestsPerSecond });
    shared.set(requestsPerSecond, limiter);
  }
  return limiter;
}
