import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  Kommo,
  RequestAbortedError,
  SlidingWindowRateLimiter,
  type Clock,
  type RateLimiter,
} from '../../src/index.js';
import { HOST } from '../support/client.js';

/** A manual clock: time moves only when the test advances it. */
class FakeClock implements Clock {
  time = 0;
  #timers: Array<{ at: number; resolve: () => void }> = [];
  now(): number {
    return this.time;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.#timers.push({ at: this.time + ms, resolve }));
  }
  /** Moves time forward in small steps, firing due timers and letting promises settle. */
  async advance(ms: number, step = 1): Promise<void> {
    const end = this.time + ms;
    while (this.time < end) {
      this.time = Math.min(end, this.time + step);
      const due = this.#timers.filter((t) => t.at <= this.time);
      this.#timers = this.#timers.filter((t) => t.at > this.time);
      for (const t of due) t.resolve();
      for (let i = 0; i < 5; i++) await Promise.resolve();
    }
  }
}

function maxStartsInAnyWindow(starts: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0; i < starts.length; i++) {
    let n = 0;
    for (let j = i; j < starts.length && starts[j]! < starts[i]! + windowMs; j++) n++;
    max = Math.max(max, n);
  }
  return max;
}

describe('SlidingWindowRateLimiter', () => {
  it('100 calls at 7 rps never exceed 7 starts in any sliding second', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowRateLimiter({ requestsPerSecond: 7, clock });
    const starts: number[] = [];
    const all = Promise.all(
      Array.from({ length: 100 }, () =>
        limiter.acquire('acme').then(() => starts.push(clock.now())),
      ),
    );
    await clock.advance(20_000);
    await all;
    expect(starts).toHaveLength(100);
    expect(maxStartsInAnyWindow(starts, 1000)).toBeLessThanOrEqual(7);
    // Sustained pace stays within 3 % of the limit: one start every 1,030/7 ms (the fake clock
    // rounds each wait up to the next millisecond, hence the per-start tolerance).
    expect(starts.at(-1)).toBeLessThanOrEqual(99 * (1030 / 7) + 100);
  });

  it('lets half the limit through at once, then spaces starts evenly under the window cap', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowRateLimiter({ requestsPerSecond: 7, clock });
    const starts: number[] = [];
    for (let i = 0; i < 8; i++) void limiter.acquire('acme').then(() => starts.push(clock.now()));
    await clock.advance(0);
    expect(starts).toEqual([0, 0, 0, 0]);
    await clock.advance(1100);
    expect(starts).toEqual([0, 0, 0, 0, 148, 296, 444, 1030]);
    expect(maxStartsInAnyWindow(starts, 1000)).toBeLessThanOrEqual(7);
  });

  it('serves callers in order of arrival', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowRateLimiter({ requestsPerSecond: 2, clock });
    const order: number[] = [];
    const all = Promise.all(
      Array.from({ length: 6 }, (_, i) => limiter.acquire('acme').then(() => order.push(i))),
    );
    await clock.advance(5000);
    await all;
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('keeps one budget per account key', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowRateLimiter({ requestsPerSecond: 1, clock });
    const started: string[] = [];
    void limiter.acquire('a').then(() => started.push('a1'));
    void limiter.acquire('a').then(() => started.push('a2'));
    void limiter.acquire('b').then(() => started.push('b1'));
    await clock.advance(10);
    expect(started.sort()).toEqual(['a1', 'b1']);
  });

  it('penalize pauses every start of the account', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowRateLimiter({ requestsPerSecond: 7, clock });
    limiter.penalize('acme', 2000);
    const starts: number[] = [];
    void limiter.acquire('acme').then(() => starts.push(clock.now()));
    await clock.advance(1999);
    expect(starts).toEqual([]);
    await clock.advance(1);
    expect(starts).toEqual([2000]);
  });

  it('an aborted waiter leaves the queue with RequestAbortedError and does not use a slot', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowRateLimiter({ requestsPerSecond: 1, clock });
    await limiter.acquire('acme');
    const controller = new AbortController();
    const aborted = limiter.acquire('acme', controller.signal);
    const starts: number[] = [];
    void limiter.acquire('acme').then(() => starts.push(clock.now()));
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(RequestAbortedError);
    await clock.advance(1100);
    expect(starts).toEqual([1030]);
  });

  it('refuses a non-positive rate', () => {
    expect(() => new SlidingWindowRateLimiter({ requestsPerSecond: 0 })).toThrow(/positive/);
  });
});

describe('client pacing', () => {
  it('passes every attempt through the limiter with the account key and penalizes it after a 429', async () => {
    const acquired: string[] = [];
    const penalties: Array<[string, number]> = [];
    const limiter: RateLimiter = {
      acquire: async (key) => void acquired.push(key),
      penalize: (key, ms) => void penalties.push([key, ms]),
    };
    nock(HOST).get('/api/v4/leads').reply(429, {}, { 'retry-after': '1' });
    nock(HOST).get('/api/v4/leads').reply(200, {});
    const kommo = new Kommo({
      domain: 'acme',
      accessToken: 'tkn-12345678',
      rateLimit: { limiter },
      retry: { sleep: async () => {} },
    });
    await kommo.request({ method: 'GET', path: '/api/v4/leads' });
    expect(acquired).toEqual(['acme.kommo.com', 'acme.kommo.com']);
    expect(penalties).toEqual([['acme.kommo.com', 1000]]);
  });

  it('shares one default limiter between clients of the same account in the process', async () => {
    // Two clients, 7 rps shared: 14 immediate requests cannot all start within one window.
    const times: number[] = [];
    nock(HOST)
      .get('/api/v4/account')
      .times(9)
      .reply(() => {
        times.push(Date.now());
        return [200, {}];
      });
    const a = new Kommo({ domain: 'acme', accessToken: 'tkn-aaaaaaaa' });
    const b = new Kommo({ domain: 'ACME.kommo.com', accessToken: 'tkn-bbbbbbbb' });
    const started = Date.now();
    await Promise.all([
      ...Array.from({ length: 5 }, () => a.request({ method: 'GET', path: '/api/v4/account' })),
      ...Array.from({ length: 4 }, () => b.request({ method: 'GET', path: '/api/v4/account' })),
    ]);
    const inFirstWindow = times.filter((t) => t - started < 1000).length;
    expect(inFirstWindow).toBeLessThanOrEqual(7);
    expect(times).toHaveLength(9);
  });
});
