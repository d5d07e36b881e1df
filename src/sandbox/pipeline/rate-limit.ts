/**
 * Kommo's rate limit as the server sees it: arrivals counted per sliding second (rejected ones
 * included), a 429 beyond the limit, and optionally a block (403 with nginx's HTML page) after
 * repeated violations.
 *
 * @module
 */

import { nginxPage, tooManyRequests } from '../problems.js';
import type { Step } from './exchange.js';

/** Rate limiting like Kommo's: arrivals per sliding second, then 429, optionally a block. */
export interface SandboxRateLimitOptions {
  /**
   * Requests allowed per sliding second (counted at arrival, rejected ones included), for
   * `/api/` routes.
   *
   * @defaultValue 7
   */
  requestsPerSecond?: number;
  /**
   * The `retry_after` (seconds) in the 429 body. Kommo documents 300.
   *
   * @defaultValue 300
   */
  retryAfterSec?: number;
  /**
   * Also send a `Retry-After` header with the 429 (Kommo does not document one).
   *
   * @defaultValue false
   */
  retryAfterHeader?: boolean;
  /**
   * Block the account after this many 429s within `blockWindowMs`: every request then gets
   * a 403 with nginx's HTML page until `blockDurationMs` passes (or `sandbox.unblock()`), as
   * Kommo blocks abusers. `undefined` never blocks.
   *
   * @defaultValue undefined
   */
  blockAfter429s?: number;
  /** @defaultValue 60000 */
  blockWindowMs?: number;
  /** @defaultValue 60000 */
  blockDurationMs?: number;
}

/** A sliding-window counter of arrival times (ms). */
class SlidingWindow {
  #times: number[] = [];
  #head = 0;

  constructor(private readonly windowMs: number) {}

  /** Arrivals within the window ending at `now`, after recording this one. */
  hit(now: number): number {
    this.#times.push(now);
    this.#trim(now);
    return this.#times.length - this.#head;
  }

  /** Arrivals within the window ending at `now`. */
  count(now: number): number {
    this.#trim(now);
    return this.#times.length - this.#head;
  }

  #trim(now: number): void {
    const edge = now - this.windowMs;
    while (this.#head < this.#times.length && (this.#times[this.#head] ?? 0) <= edge) this.#head++;
    if (this.#head > 4096) {
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
  }

  clear(): void {
    this.#times = [];
    this.#head = 0;
  }
}

type ResolvedRateLimit = Required<Omit<SandboxRateLimitOptions, 'blockAfter429s'>> & {
  blockAfter429s: number | undefined;
};

function resolve(
  option: number | SandboxRateLimitOptions | false | undefined,
): ResolvedRateLimit | undefined {
  if (option === false) return undefined;
  const o: SandboxRateLimitOptions =
    typeof option === 'number' ? { requestsPerSecond: option } : (option ?? {});
  const rps = o.requestsPerSecond ?? 7;
  if (!Number.isFinite(rps) || rps <= 0)
    throw new RangeError('rateLimit.requestsPerSecond must be a positive number');
  return {
    requestsPerSecond: rps,
    retryAfterSec: o.retryAfterSec ?? 300,
    retryAfterHeader: o.retryAfterHeader ?? false,
    blockAfter429s: o.blockAfter429s,
    blockWindowMs: o.blockWindowMs ?? 60_000,
    blockDurationMs: o.blockDurationMs ?? 60_000,
  };
}

/** The limit in force, the arrivals of the last second, and the block. */
export class RateLimiter {
  /** `undefined` when there is no limit. */
  settings: ResolvedRateLimit | undefined;
  /** Epoch ms until which the account is blocked. */
  blockedUntil = 0;
  readonly window = new SlidingWindow(1000);
  readonly violations = new SlidingWindow(60_000);

  constructor(option: number | SandboxRateLimitOptions | false | undefined) {
    this.settings = resolve(option);
  }

  /** Changes the limit (`false` for none) and forgets the arrivals counted so far. */
  configure(option: number | SandboxRateLimitOptions | false): void {
    this.settings = resolve(option);
    this.window.clear();
  }

  /** The `retry_after` of a 429 (the limit's, or Kommo's 300 when there is none). */
  get retryAfterSec(): number {
    return this.settings?.retryAfterSec ?? 300;
  }

  /** Lifts a block and forgets past violations. */
  unblock(): void {
    this.blockedUntil = 0;
    this.violations.clear();
  }
}

/** Kommo blocks the whole account (API and OAuth) after repeated abuse: nginx's 403 page. */
export const refuseWhileBlocked: Step = (x, rt) => {
  if (rt.limiter.blockedUntil <= Date.now()) return undefined;
  rt.log.stats.status403++;
  x.req.resume();
  return nginxPage(403);
};

/** A 429 to arrivals beyond the limit on a rate-limited surface, and a block after repeated ones. */
export const enforceRateLimit: Step = (x, rt) => {
  const limit = rt.limiter.settings;
  if (!x.surface?.rateLimited || !limit) return undefined;
  const now = performance.now();
  if (rt.limiter.window.hit(now) <= limit.requestsPerSecond) return undefined;
  rt.log.stats.status429++;
  if (limit.blockAfter429s !== undefined) {
    rt.limiter.violations.hit(now);
    if (rt.limiter.violations.count(now) >= limit.blockAfter429s)
      rt.limiter.blockedUntil = Date.now() + limit.blockDurationMs;
  }
  x.req.resume();
  const reply = tooManyRequests(limit.retryAfterSec);
  if (limit.retryAfterHeader) reply.headers = { 'retry-after': String(limit.retryAfterSec) };
  return reply;
};
