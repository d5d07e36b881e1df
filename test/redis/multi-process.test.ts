import { afterEach, describe, expect, it } from 'vitest';
import { Kommo, isKommoError } from '../../src/index.js';
import { RedisRateLimiter, RedisTokenStore } from '../../src/redis/index.js';
import { killWorkers, startWorker } from './support/children.js';
import {
  maxInAnyWindow,
  startFakeKommo,
  type FakeKommo,
  type RotationMode,
} from './support/fake-kommo.js';
import { closeAll, connect, prefix, redisUrl } from './support/redis.js';

// These run against test/redis/support/fake-kommo.ts, a small stand-in for the project's
// sandbox (src/sandbox), which did not export startSandbox yet when they were written.

let fake: FakeKommo | undefined;

afterEach(async () => {
  killWorkers();
  await fake?.close();
  fake = undefined;
  await closeAll();
});

const accountOf = (kommo: FakeKommo) => new URL(kommo.url).host;
const nowSec = () => Math.floor(Date.now() / 1000);

interface Report {
  ok: number;
  errors: Array<{ code: string; message: string }>;
  starts: number[];
  refreshes: string[];
}

describe('four OS processes on one account', () => {
  it('run 200 requests while the access token expires mid-run: one refresh per rotation, no revoked token, all succeed, zero 429s', async () => {
    fake = await startFakeKommo({ rotation: 'strict', accessTtlSec: 8, requestsPerSecond: 7 });
    const keyPrefix = prefix();
    await new RedisTokenStore(connect(), { keyPrefix }).set(accountOf(fake), fake.initial);
    const workers = Array.from({ length: 4 }, () =>
      startWorker('kommo-worker', {
        redisUrl: redisUrl(),
        keyPrefix,
        baseUrl: fake!.url,
        mode: 'run',
        requests: 50,
        concurrency: 3,
        refreshMarginSec: 3,
      }),
    );
    await Promise.all(workers.map((w) => w.next('ready')));
    for (const w of workers) w.send({ type: 'go' });
    const reports = (await Promise.all(workers.map((w) => w.next('done')))) as unknown as Report[];

    expect(reports.flatMap((r) => r.errors)).toEqual([]);
    expect(reports.reduce((sum, r) => sum + r.ok, 0)).toBe(200);
    expect(fake.stats.tooManyRequests).toBe(0);
    expect(maxInAnyWindow(fake.stats.arrivals, 1000)).toBeLessThanOrEqual(7);
    // ~29 s of traffic with 8-second tokens refreshed 3 s early: several rotations.
    expect(fake.stats.rotations).toBeGreaterThanOrEqual(3);
    expect(fake.stats.refreshCalls).toBe(fake.stats.rotations);
    expect(fake.stats.revoked).toBe(0);
    expect(new Set(fake.stats.refreshTokensUsed).size).toBe(fake.stats.refreshCalls);
    // Every process saw every rotation, most of them through the store rather than a refresh.
    expect(reports.flatMap((r) => r.refreshes).filter((reason) => reason !== 'store')).toHaveLength(
      fake.stats.rotations,
    );
  }, 120_000);
});

/** Survivors in this process: two clients with their own Redis connections. */
function survivors(kommo: FakeKommo, keyPrefix: string): Kommo[] {
  return Array.from(
    { length: 2 },
    () =>
      new Kommo({
        baseUrl: kommo.url,
        oauth: {
          clientId: 'client-uuid',
          clientSecret: 'client-secret',
          redirectUri: 'https://app.example.com/cb',
        },
        tokenStore: new RedisTokenStore(connect(), { keyPrefix, lockTtlMs: 1000 }),
        rateLimit: { limiter: new RedisRateLimiter(connect(), { keyPrefix }) },
        refreshMarginSec: 0,
        retry: { baseDelayMs: 0, maxDelayMs: 0 },
      }),
  );
}

async function killLockHolder(
  rotation: RotationMode,
  dieWhen: 'die-before-token' | 'die-after-token',
) {
  fake = await startFakeKommo({ rotation, accessTtlSec: 3600, requestsPerSecond: 7 });
  const keyPrefix = prefix();
  const redis = connect();
  await new RedisTokenStore(redis, { keyPrefix }).set(accountOf(fake), {
    ...fake.initial,
    expires_at: nowSec() - 1,
  });
  const victim = startWorker('kommo-worker', {
    redisUrl: redisUrl(),
    keyPrefix,
    baseUrl: fake.url,
    mode: dieWhen,
    lockTtlMs: 1000,
  });
  await victim.next(dieWhen === 'die-before-token' ? 'token-request' : 'token-answered');
  victim.process.kill('SIGKILL');
  await victim.exited;
  const lockLeft = await redis.pttl(`${keyPrefix}{${accountOf(fake)}}:lock`);
  const results = await Promise.allSettled(
    survivors(fake, keyPrefix).flatMap((k) =>
      Array.from({ length: 3 }, () => k.request({ method: 'GET', path: '/api/v4/account' })),
    ),
  );
  return { results, lockLeft, refreshCallsBeforeKill: dieWhen === 'die-before-token' ? 0 : 1 };
}

describe('a lock holder killed with SIGKILL', () => {
  it('before sending its token request: another process takes over once the lock runs out, and the account works (strict rotation)', async () => {
    const { results, lockLeft } = await killLockHolder('strict', 'die-before-token');

    expect(lockLeft).toBeGreaterThan(0); // the dead holder's lock was still there
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(6);
    expect(fake!.stats.refreshCalls).toBe(1);
    expect(fake!.stats.revoked).toBe(0);
  });

  it('after the token answer arrived, before the store write: survivors recover with the old refresh token (grace rotation)', async () => {
    const { results, lockLeft } = await killLockHolder('grace', 'die-after-token');

    expect(lockLeft).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(6);
    expect(fake!.stats.refreshCalls).toBe(2); // the dead holder's, then the survivors' one
    expect(fake!.stats.revoked).toBe(0);
  });

  it('after the token answer arrived, before the store write: the SDK reports reauthorization_required clearly (strict rotation)', async () => {
    const { results } = await killLockHolder('strict', 'die-after-token');

    expect(results).toHaveLength(6);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as Error;
      expect(isKommoError(error) && error.code).toBe('reauthorization_required');
      expect(error.message).toMatch(
        /^Reauthorization required for 127\.0\.0\.1:\d+: the refresh token was rejected \(Token has been revoked\)/,
      );
      expect(error.message).not.toMatch(/fake-(access|refresh)-/);
    }
    expect(fake!.stats.revoked).toBeGreaterThanOrEqual(1);
  });
});
