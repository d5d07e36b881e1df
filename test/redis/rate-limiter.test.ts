import { afterEach, describe, expect, it } from 'vitest';
import {
  AccountBlockedError,
  ConfigurationError,
  ConnectionError,
  RequestAbortedError,
  type RateLimiter,
} from '../../src/index.js';
import { RedisRateLimiter } from '../../src/redis/index.js';
import { killWorkers, startWorker } from './support/children.js';
import { maxInAnyWindow } from './support/fleet.js';
import { recordingGrants } from './support/grants.js';
import { closeAll, connect, prefix, redisTimeMs, redisUrl, unreachable } from './support/redis.js';

const ACCOUNT = 'acme.kommo.com';
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Grants are recorded on the Redis clock, when the script granted them (support/grants.ts),
// so windows are checked exactly: no allowance for the event loop's delay.

afterEach(async () => {
  killWorkers();
  await closeAll();
});

async function takeSlots(
  limiter: RedisRateLimiter,
  count: number,
  concurrency: number,
): Promise<void> {
  let left = count;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left > 0) {
        left--;
        await limiter.acquire(ACCOUNT);
      }
    }),
  );
}

describe('RedisRateLimiter: one budget for every limiter on the account', () => {
  it('lets at most requestsPerSecond starts into any window across four limiters (four connections)', async () => {
    const keyPrefix = prefix();
    const connections = Array.from({ length: 4 }, () => recordingGrants(connect()));
    const limiters = connections.map(
      (c) => new RedisRateLimiter(c.client, { keyPrefix, requestsPerSecond: 10, windowMs: 300 }),
    );

    await Promise.all(limiters.map((l) => takeSlots(l, 15, 5)));

    const grants = connections.flatMap((c) => c.grants);
    expect(grants).toHaveLength(60);
    expect(maxInAnyWindow(grants, 300)).toBe(10); // never more, and the budget is used, not wasted
  });

  it('lets at most requestsPerSecond starts into any second across three OS processes', async () => {
    const keyPrefix = prefix();
    const workers = Array.from({ length: 3 }, () =>
      startWorker('limiter-worker', {
        redisUrl: redisUrl(),
        keyPrefix,
        account: ACCOUNT,
        requestsPerSecond: 20,
        count: 30,
        concurrency: 4,
      }),
    );
    await Promise.all(workers.map((w) => w.next('ready')));
    for (const w of workers) w.send({ type: 'go' });
    const reports = await Promise.all(workers.map((w) => w.next('done')));

    const perProcess = reports.map((r) => r['grants'] as number[]);
    expect(perProcess.map((s) => s.length)).toEqual([30, 30, 30]);
    expect(maxInAnyWindow(perProcess.flat(), 1000)).toBe(20);
  });

  it('spaces starts at least spacingMs apart across limiters, so a free budget is not spent in one burst', async () => {
    const keyPrefix = prefix();
    const connections = Array.from({ length: 3 }, () => recordingGrants(connect()));
    const limiters = connections.map(
      (c) =>
        new RedisRateLimiter(c.client, {
          keyPrefix,
          requestsPerSecond: 7,
          windowMs: 1080,
          spacingMs: 40,
        }),
    );

    await Promise.all(limiters.map((l) => takeSlots(l, 3, 3)));

    const grants = connections.flatMap((c) => c.grants).sort((a, b) => a - b);
    expect(grants).toHaveLength(9);
    const gaps = grants.slice(1).map((at, i) => at - grants[i]!);
    expect(gaps.filter((gap) => gap < 40)).toEqual([]);
    expect(maxInAnyWindow(grants, 1080)).toBe(7);
  });

  it('keeps integrations apart and caps them together with accountBudget', async () => {
    const keyPrefix = prefix();
    const options = {
      keyPrefix,
      requestsPerSecond: 5,
      windowMs: 300,
      accountBudget: { requestsPerSecond: 6, windowMs: 300 },
    };
    const connA = recordingGrants(connect());
    const connB = recordingGrants(connect());
    const a = new RedisRateLimiter(connA.client, { ...options, integration: 'integration-a' });
    const b = new RedisRateLimiter(connB.client, { ...options, integration: 'integration-b' });

    await Promise.all([takeSlots(a, 15, 5), takeSlots(b, 15, 5)]);

    expect([connA.grants.length, connB.grants.length]).toEqual([15, 15]);
    expect(maxInAnyWindow(connA.grants, 300)).toBeLessThanOrEqual(5);
    expect(maxInAnyWindow(connB.grants, 300)).toBeLessThanOrEqual(5);
    expect(maxInAnyWindow([...connA.grants, ...connB.grants], 300)).toBe(6);
  });
});

describe('RedisRateLimiter: order of waiting callers', () => {
  it('serves the callers of one process first come, first served', async () => {
    const limiter = new RedisRateLimiter(connect(), {
      keyPrefix: prefix(),
      requestsPerSecond: 3,
      windowMs: 150,
    });
    const order: number[] = [];

    await Promise.all(
      Array.from({ length: 9 }, (_, i) => limiter.acquire(ACCOUNT).then(() => order.push(i))),
    );

    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('serves waiting processes in the order they started waiting', async () => {
    const keyPrefix = prefix();
    const options = { keyPrefix, requestsPerSecond: 1, windowMs: 200 };
    const [first, ...waiting] = Array.from(
      { length: 4 },
      () => new RedisRateLimiter(connect(), options),
    );
    await first!.acquire(ACCOUNT); // the budget is now spent for 200 ms
    const order: number[] = [];

    const done: Array<Promise<void>> = [];
    for (const [i, limiter] of waiting.entries()) {
      done.push(limiter.acquire(ACCOUNT).then(() => void order.push(i)));
      await tick(30); // each one joins the shared queue after the previous
    }
    await Promise.all(done);

    expect(order).toEqual([0, 1, 2]);
  });

  it('rejects an aborted waiter with RequestAbortedError, serves the next one and leaves the shared queue', async () => {
    const redis = connect();
    const keyPrefix = prefix();
    const limiter = new RedisRateLimiter(redis, { keyPrefix, requestsPerSecond: 1, windowMs: 300 });
    await limiter.acquire(ACCOUNT);
    const controller = new AbortController();

    const aborted = limiter.acquire(ACCOUNT, controller.signal).catch((e: unknown) => e);
    const next = limiter.acquire(ACCOUNT);
    controller.abort();

    expect(await aborted).toBeInstanceOf(RequestAbortedError);
    await next;
    expect(await redis.zcard(`${keyPrefix}{${ACCOUNT}}:rl:default:queue`)).toBe(0);
  });
});

/** Two limiters on their own connections (two processes), one start per second between them. */
function twoProcesses() {
  const options = { keyPrefix: prefix(), requestsPerSecond: 1, windowMs: 1000, spacingMs: 0 };
  const first = recordingGrants(connect());
  const second = recordingGrants(connect());
  return {
    first,
    second,
    a: new RedisRateLimiter(first.client, options),
    b: new RedisRateLimiter(second.client, options),
  };
}

describe('RedisRateLimiter: arrivals, not departures', () => {
  it('holds the place of a request sent on a new connection until its answer, in every process', async () => {
    const { first, second, a, b } = twoProcesses();

    const slot = await a.acquire(ACCOUNT, undefined, { method: 'POST', path: '/api/v4/leads' });
    slot.sent(); // a cold pool: when it reaches Kommo is unknown until its answer
    const next = b.acquire(ACCOUNT);
    await tick(1_500); // a departure-based limiter would have granted `next` after 1,000 ms
    const grantsBeforeAnswer = second.grants.length;
    slot.answered(200);
    slot.released(true);
    await next;

    expect(grantsBeforeAnswer).toBe(0);
    // The answer bounds the arrival: the next start is one window after it, on the Redis clock.
    expect(second.grants[0]! - first.grants[0]!).toBeGreaterThanOrEqual(2_400);
  });

  it('bounds a request reported written by its write, in every process, without waiting for its answer', async () => {
    const { first, second, a, b } = twoProcesses();

    const slot = await a.acquire(ACCOUNT, undefined, { method: 'GET', path: '/api/v4/leads' });
    slot.sent(); // a cold pool: unknown until its answer…
    slot.written?.(true); // …but it is written, and fits one flight of packets
    const next = b.acquire(ACCOUNT);
    await tick(1_500); // no answer yet (a slow server)
    const grantsBeforeAnswer = second.grants.length;
    slot.answered(200);
    slot.released(true);
    await next;

    expect(grantsBeforeAnswer).toBe(1);
    // One window after the write (plus the allowance), on the Redis clock.
    expect(second.grants[0]! - first.grants[0]!).toBeGreaterThanOrEqual(1_000);
  });

  it('gives a slot back when its request never left', async () => {
    const keyPrefix = prefix();
    const conn = recordingGrants(connect());
    const limiter = new RedisRateLimiter(conn.client, {
      keyPrefix,
      requestsPerSecond: 1,
      windowMs: 60_000,
      spacingMs: 0,
    });

    const slot = await limiter.acquire(ACCOUNT);
    slot.released(false);
    await tick(50); // the give-back is a fire-and-forget script
    await limiter.acquire(ACCOUNT);

    expect(conn.grants).toHaveLength(2);
  });
});

describe('RedisRateLimiter: the shared account-block breaker', () => {
  it('fails every other process with AccountBlockedError while the account is blocked, and lets them go once it is lifted', async () => {
    const keyPrefix = prefix();
    const blocker = new RedisRateLimiter(connect(), { keyPrefix });
    const other = new RedisRateLimiter(connect(), { keyPrefix, integration: 'another' });

    expect(await blocker.block(ACCOUNT, 60_000)).toBe(true);
    expect(await blocker.block(ACCOUNT, 60_000)).toBe(false); // opened once, reported once
    const refused = await other
      .acquire(ACCOUNT, undefined, { method: 'GET', path: '/api/v4/leads' })
      .catch((e: unknown) => e);
    await blocker.unblock(ACCOUNT);
    const slot = await other.acquire(ACCOUNT);

    expect(refused).toBeInstanceOf(AccountBlockedError);
    expect((refused as AccountBlockedError).code).toBe('account_blocked');
    expect(slot).toBeDefined();
  });

  it('after the cool-down lets exactly one probe through; its answer closes the breaker for all', async () => {
    const keyPrefix = prefix();
    const a = new RedisRateLimiter(connect(), { keyPrefix });
    const b = new RedisRateLimiter(connect(), { keyPrefix });
    await a.block(ACCOUNT, 50);
    await tick(100);

    const probe = await a.acquire(ACCOUNT);
    const whileProbing = await b.acquire(ACCOUNT).catch((e: unknown) => e);
    probe.sent();
    probe.answered(200);
    probe.released(true);
    await tick(50);
    const after = await b.acquire(ACCOUNT).catch((e: unknown) => e);

    expect(whileProbing).toBeInstanceOf(AccountBlockedError);
    expect(after).not.toBeInstanceOf(Error);
  });
});

describe('RedisRateLimiter: cool-down after a 429', () => {
  it('pauses every limiter of the account for the penalty, on the Redis clock', async () => {
    const redis = connect();
    const keyPrefix = prefix();
    const penalized = new RedisRateLimiter(connect(), { keyPrefix });
    const other = new RedisRateLimiter(connect(), { keyPrefix });
    const coolKey = `${keyPrefix}{${ACCOUNT}}:rl:default:cool`;

    penalized.penalize(ACCOUNT, 400);
    while ((await redis.pttl(coolKey)) <= 0) await tick(2);
    // The cool-down left and the Redis time, read at one instant (MULTI).
    const [[, left], [, [sec, micro]]] = (await redis.multi().pttl(coolKey).time().exec()) as [
      [null, number],
      [null, [string, string]],
    ];
    const before = Number(sec) * 1000 + Math.floor(Number(micro) / 1000);
    await other.acquire(ACCOUNT);
    const after = await redisTimeMs(redis);

    expect(left).toBeGreaterThan(300);
    // 1 ms for PTTL's and TIME's rounding to whole milliseconds.
    expect(after - before).toBeGreaterThanOrEqual(left - 1);
  });

  it('never shortens a longer cool-down that is already running', async () => {
    const redis = connect();
    const keyPrefix = prefix();
    const limiter = new RedisRateLimiter(redis, { keyPrefix });
    const coolKey = `${keyPrefix}{${ACCOUNT}}:rl:default:cool`;

    limiter.penalize(ACCOUNT, 5_000);
    limiter.penalize(ACCOUNT, 100);
    await tick(50);

    expect(await redis.pttl(coolKey)).toBeGreaterThan(4_000);
  });
});

describe('RedisRateLimiter when Redis is unreachable', () => {
  it('fails acquire with ConnectionError by default', async () => {
    const limiter = new RedisRateLimiter(await unreachable(), { commandTimeoutMs: 200 });

    const results = await Promise.allSettled([limiter.acquire(ACCOUNT), limiter.acquire(ACCOUNT)]);

    for (const result of results) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as ConnectionError;
      expect(reason).toBeInstanceOf(ConnectionError);
      expect(reason.code).toBe('connection_error');
      expect(reason.message).toContain(
        'Redis is unreachable: cannot take a rate-limit slot for acme.kommo.com',
      );
    }
  });

  it('paces with the configured fallback limiter instead', async () => {
    let fallbackCalls = 0;
    const fallback: RateLimiter = {
      acquire: async () => {
        fallbackCalls++;
      },
    };
    const warnings: string[] = [];
    const limiter = new RedisRateLimiter(await unreachable(), {
      commandTimeoutMs: 200,
      fallback,
      logger: { warn: (message) => warnings.push(message) },
    });

    await Promise.all([
      limiter.acquire(ACCOUNT),
      limiter.acquire(ACCOUNT),
      limiter.acquire(ACCOUNT),
    ]);

    expect(fallbackCalls).toBe(3);
    expect(warnings).toEqual([
      'kommo-sdk: Redis is unreachable; pacing with the local fallback limiter',
    ]);
  });
});

describe('RedisRateLimiter options', () => {
  it('refuses a non-positive rate and a staleWaiterMs that would drop live waiters', () => {
    const redis = connect();
    expect(() => new RedisRateLimiter(redis, { requestsPerSecond: 0 })).toThrow(ConfigurationError);
    expect(() => new RedisRateLimiter(redis, { maxPollMs: 500, staleWaiterMs: 600 })).toThrow(
      ConfigurationError,
    );
  });

  it('exposes the budget it enforces', () => {
    const limiter = new RedisRateLimiter(connect());
    expect([limiter.requestsPerSecond, limiter.windowMs, limiter.spacingMs]).toEqual([7, 1000, 71]);
  });
});
