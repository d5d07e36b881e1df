/**
 * The account-block breaker. Kommo blocks an account (every request answers 403 with an HTML
 * page, lifted only through its support) after repeated 429s; requests sent to a blocked
 * account only add to the record. So once the block page is seen (or, opted in, a storm of
 * 429s), the breaker opens for that account: every queued and new request of the process
 * fails fast with `AccountBlockedError` or waits, and after a cool-down one probe request finds
 * out whether the block is still there.
 *
 * One breaker per account, shared by every client of the process (whichever copy of the SDK
 * made it: it lives in the process-wide registry) and, through a limiter that can share it
 * (`RedisRateLimiter`), by every process.
 *
 * @module
 */

import { pacingRegistry } from './rate-limit.js';

/** Where an account's breaker stands. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** The `breaker` client option. */
export interface BreakerOptions {
  /**
   * Open the breaker after this many 429s within `windowMs` (every client of the account in
   * the process counts). Off by default: the pacing is meant to draw none, and injected or
   * isolated 429s are retried; turn it on to stop a storm before Kommo blocks the account.
   * @defaultValue off
   */
  max429?: number;
  /** The window `max429` counts in, ms. @defaultValue 60000 */
  windowMs?: number;
  /**
   * What a request does while the breaker is open (or another request is probing): `'fail'`
   * throws `AccountBlockedError` at once, without sending; `'wait'` waits until the breaker
   * closes (or its `signal` aborts).
   * @defaultValue 'fail'
   */
  whenOpen?: 'fail' | 'wait';
  /**
   * How long the breaker stays open before one probe request is let through. A block that
   * Kommo's support must lift can last hours: each probe is one more request to the blocked
   * account.
   * @defaultValue 60000
   */
  coolDownMs?: number;
  /**
   * Your client's outbound (public) address, if you know it, passed on to `hooks.onBlocked`:
   * Kommo's support asks for it.
   */
  outboundAddress?: string;
}

/** What `hooks.onBlocked` receives: what Kommo's support asks for. It never holds a token. */
export interface BlockedEvent {
  /** The account host, e.g. `acme.kommo.com`. */
  account: string;
  /** When the block was seen, ISO 8601. */
  at: string;
  /** `block_page`: Kommo's HTML 403; `rate_limited`: `breaker.max429` 429s within its window. */
  reason: 'block_page' | 'rate_limited';
  /** The request that saw it. */
  method: string;
  /** Its path, without the query. */
  path: string;
  /** Its status (403 or 429). */
  status: number;
  /** Kommo's `X-Request-Id` of the last answers of the account, newest last (up to 10). */
  requestIds: string[];
  /** The `breaker.outboundAddress` option, when given. */
  outboundAddress?: string;
  /** How long until the probe. */
  coolDownMs: number;
}

/** An account's breaker as `kommo.breaker` shows it. */
export interface KommoBreaker {
  /** `closed` (requests go), `open` (they fail or wait), `half-open` (one probe may go). */
  readonly state: BreakerState;
  /**
   * Closes the breaker at once, in this process and (with `RedisRateLimiter`) in every other:
   * call it after Kommo's support lifted the block.
   */
  reset(): Promise<void>;
}

/** What {@link AccountBreaker.admit} decides for one request. */
export type Admission = 'go' | 'probe' | { until: number };

const REQUEST_IDS = 10;

/**
 * One account's breaker in this process. Plain state and methods only: an instance may have
 * been made by another copy of the SDK (the registry is process-wide), so nothing here relies
 * on `instanceof` or module-private state.
 *
 * @internal
 */
export class AccountBreaker {
  #state: 'closed' | 'open' = 'closed';
  /** While open: when the probe may go (epoch ms). */
  #until = 0;
  #probing = false;
  readonly #requestIds: string[] = [];
  #recent429: number[] = [];
  readonly #onOpen = new Set<() => void>();
  #changed: Array<() => void> = [];

  /** The state now (an open breaker whose cool-down passed is half-open). */
  get state(): BreakerState {
    if (this.#state === 'closed') return 'closed';
    return Date.now() >= this.#until ? 'half-open' : 'open';
  }

  /** When the probe may go (epoch ms), while not closed. */
  get until(): number {
    return this.#until;
  }

  /**
   * May a request go now? `go` when closed; `probe` for the first one after the cool-down
   * (the others wait for its outcome); else when to ask again.
   */
  admit(): Admission {
    const state = this.state;
    if (state === 'closed') return 'go';
    if (state === 'half-open' && !this.#probing) {
      this.#probing = true;
      return 'probe';
    }
    // While a probe is out, ask again shortly.
    return { until: state === 'open' ? this.#until : Date.now() + 250 };
  }

  /**
   * Opens (or keeps open) for `coolDownMs` from now. Returns `true` when it was closed: a new
   * block, the one to report.
   */
  open(coolDownMs: number): boolean {
    const fresh = this.#state === 'closed';
    this.#state = 'open';
    this.#until = Math.max(fresh ? 0 : this.#until, Date.now() + coolDownMs);
    this.#probing = false;
    if (fresh) for (const listener of [...this.#onOpen]) listener();
    this.#notify();
    return fresh;
  }

  /** Another process holds the account blocked until `until` (epoch ms). */
  join(until: number): void {
    const fresh = this.#state === 'closed';
    this.#state = 'open';
    this.#until = Math.max(this.#until, until);
    this.#probing = false;
    if (fresh) for (const listener of [...this.#onOpen]) listener();
    this.#notify();
  }

  /** The probe is over: `blocked` again (reopen), through (close), or undecided (another may probe). */
  probed(outcome: 'blocked' | 'through' | 'undecided', coolDownMs: number): void {
    this.#probing = false;
    if (outcome === 'through') this.close();
    else if (outcome === 'blocked') this.open(coolDownMs);
    else this.#notify();
  }

  /** Closes at once. */
  close(): void {
    this.#state = 'closed';
    this.#until = 0;
    this.#probing = false;
    this.#recent429 = [];
    this.#notify();
  }

  /** Calls `listener` each time the breaker opens; returns the unsubscribe function. */
  onOpen(listener: () => void): () => void {
    this.#onOpen.add(listener);
    return () => this.#onOpen.delete(listener);
  }

  /** Resolves at the next change of state, or at `until`, whichever comes first. */
  changed(until: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', aborted);
        this.#changed = this.#changed.filter((f) => f !== done);
        resolve();
      };
      const aborted = (): void => {
        clearTimeout(timer);
        this.#changed = this.#changed.filter((f) => f !== done);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const timer = setTimeout(done, Math.max(0, until - Date.now()));
      this.#changed.push(done);
      signal?.addEventListener('abort', aborted, { once: true });
    });
  }

  /** Keeps Kommo's request id of an answer, for the report. */
  noteRequestId(id: string): void {
    this.#requestIds.push(id);
    if (this.#requestIds.length > REQUEST_IDS) this.#requestIds.shift();
  }

  /** The last request ids, oldest first. */
  requestIds(): string[] {
    return [...this.#requestIds];
  }

  /** Counts a 429; `true` when `max` of them fell within the last `windowMs`. */
  note429(max: number, windowMs: number): boolean {
    const now = Date.now();
    this.#recent429 = this.#recent429.filter((t) => t > now - windowMs);
    this.#recent429.push(now);
    return this.#recent429.length >= max;
  }

  #notify(): void {
    for (const f of [...this.#changed]) f();
  }
}

/** The process-wide breaker of an account. @internal */
export function accountBreaker(key: string): AccountBreaker {
  const breakers = pacingRegistry().breakers as Map<string, AccountBreaker>;
  let breaker = breakers.get(key);
  if (!breaker) {
    breaker = new AccountBreaker();
    breakers.set(key, breaker);
  }
  return breaker;
}
