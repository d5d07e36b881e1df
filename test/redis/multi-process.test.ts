import { afterEach, describe, expect, it } from 'vitest';
import { Kommo, isKommoError, type TokenSet } from '../../src/index.js';
import { RedisRateLimiter, RedisTokenStore } from '../../src/redis/index.js';
import { startSandbox, type RefreshTokenRotation, type Sandbox } from '../../src/sandbox/index.js';
import { killWorkers, startWorker } from './support/children.js';
import {
  accountOf,
  apiRequests,
  atArrivals,
  busiestWindow,
  maxInAnyWindow,
  runProcesses,
  seedTokens,
  tokenRequests,
} from './support/fleet.js';
import { closeAll, connect, prefix, redisUrl } from './support/redis.js';
import type { KommoWorkerConfig } from './workers/kommo-worker.js';

// The sandbox runs here, in the test process; the child processes talk to it over HTTP.
// Kommo's limit as the sandbox counts it: arrivals per sliding second, 429s included.
const RATE_LIMIT = { requestsPerSecond: 7, retryAfterSec: 1 };

let sandbox: Sandbox | undefined;
let stopWatching: (() => void) | undefined;

afterEach(async () => {
  stopWatching?.();
  stopWatching = undefined;
  killWorkers();
  await sandbox?.close();
  sandbox = undefined;
  await closeAll();
});

describe('four OS processes on one account', () => {
  it('run 200 requests while the access token expires three times mid-run: one refresh per rotation, no revoked token, all succeed, zero 429s', async () => {
    sandbox = await startSandbox({
      seed: false,
      rateLimit: RATE_LIMIT,
      refreshTokenRotation: 'strict',
    });
    const keyPrefix = prefix();
    await seedTokens(connect(), sandbox, keyPrefix);
    const live = sandbox;
    stopWatching = atArrivals(live, [50, 100, 150], () => live.expireAccessTokens());

    const reports = await runProcesses({
      sandbox,
      redisUrl: redisUrl(),
      keyPrefix,
      processes: 4,
      requestsPerProcess: 50,
      concurrency: 3,
    });
    stopWatching();

    const api = apiRequests(sandbox);
    const stats = sandbox.stats;
    // Only 200s and the 401s of the expiries, counted by status.
    expect(
      [...new Set(api.map((e) => e.status))].sort(),
      busiestWindow(api, 1000, reports),
    ).toEqual([200, 401]);
    expect(reports.flatMap((r) => r.errors)).toEqual([]);
    expect(reports.map((r) => r.ok)).toEqual([50, 50, 50, 50]);
    // Every 200 the sandbox sent is one of the 200 requests; the rest are 401s that were replayed.
    expect(api.filter((e) => e.status === 200)).toHaveLength(200);
    expect(stats.status401).toBeGreaterThanOrEqual(1);
    expect(api).toHaveLength(200 + stats.status401);
    // Zero 429s, from the counters and from the log.
    expect(stats.status429).toBe(0);
    expect(
      maxInAnyWindow(
        api.map((e) => e.arrivedAt),
        1000,
      ),
      busiestWindow(api, 1000, reports),
    ).toBeLessThanOrEqual(7);
    // Three expiries, three rotations: exactly one refresh call each, none refused.
    expect(stats.refreshes).toBe(3);
    expect(tokenRequests(sandbox).map((e) => e.status)).toEqual([200, 200, 200]);
    expect(stats.revokedRefreshAttempts).toBe(0);
    // Each rotation was refreshed by one process; the others took its pair from the store.
    expect(reports.flatMap((r) => r.refreshes).filter((reason) => reason !== 'store')).toEqual([
      'unauthorized',
      'unauthorized',
      'unauthorized',
    ]);
  }, 180_000);
});

const nowSec = () => Math.floor(Date.now() / 1000);

/** Two survivor "processes" here: clients with their own Redis connections. */
function survivors(live: Sandbox, keyPrefix: string): Kommo[] {
  return Array.from(
    { length: 2 },
    () =>
      new Kommo({
        baseUrl: live.url,
        oauth: live.oauth,
        tokenStore: new RedisTokenStore(connect(), { keyPrefix, lockTtlMs: 1000 }),
        rateLimit: { limiter: new RedisRateLimiter(connect(), { keyPrefix }) },
        refreshMarginSec: 0,
        retry: { baseDelayMs: 0, maxDelayMs: 0 },
      }),
  );
}

async function killLockHolder(
  rotation: RefreshTokenRotation,
  mode: 'die-in-lock' | 'die-before-store',
) {
  const live = await startSandbox({
    seed: false,
    rateLimit: RATE_LIMIT,
    refreshTokenRotation: rotation,
  });
  sandbox = live;
  const keyPrefix = prefix();
  const redis = connect();
  // An expired pair: the holder's first request refreshes.
  const seeded: TokenSet = await seedTokens(redis, live, keyPrefix, { expires_at: nowSec() - 1 });
  const config: KommoWorkerConfig = {
    name: 'holder',
    redisUrl: redisUrl(),
    keyPrefix,
    baseUrl: live.url,
    oauth: { ...live.oauth },
    mode,
    lockTtlMs: 1000,
  };
  const holder = startWorker('kommo-worker', config);
  await holder.next(mode === 'die-in-lock' ? 'locked' : 'token-answered');
  const refreshesAtKill = live.stats.refreshes;
  holder.process.kill('SIGKILL');
  await holder.exited;
  const lockLeftMs = await redis.pttl(`${keyPrefix}{${accountOf(live)}}:lock`);
  const results = await Promise.allSettled(
    survivors(live, keyPrefix).flatMap((kommo) =>
      Array.from({ length: 3 }, () => kommo.request({ method: 'GET', path: '/api/v4/account' })),
    ),
  );
  return { live, seeded, results, lockLeftMs, refreshesAtKill };
}

describe('four OS processes on an account Kommo has blocked', () => {
  it('stop together: the first block page opens the shared breaker, every call not already granted fails fast without reaching Kommo, and onBlocked fires once in all', async () => {
    sandbox = await startSandbox({
      seed: false,
      rateLimit: { ...RATE_LIMIT, blockAfter429s: 1, blockDurationMs: 60_000 },
    });
    const keyPrefix = prefix();
    await seedTokens(connect(), sandbox, keyPrefix);
    const live = sandbox;
    let before = 0;
    const reports = await runProcesses({
      sandbox,
      redisUrl: redisUrl(),
      keyPrefix,
      processes: 4,
      requestsPerProcess: 20,
      concurrency: 3,
      breaker: { coolDownMs: 60_000 },
      // Once the processes are warm (a warm-up that met the block page would open each
      // process's breaker on its own): another integration without pacing bursts on the
      // account, draws a 429, and Kommo's escalation blocks the account.
      beforeGo: async () => {
        const token = live.issueTokens().access_token;
        await Promise.all(
          Array.from({ length: 10 }, () =>
            fetch(`${live.url}/api/v4/account`, {
              headers: { authorization: `Bearer ${token}` },
            }).then((r) => r.text()),
          ),
        );
        before = apiRequests(live).length;
        expect(apiRequests(live).at(-1)?.status).toBe(403);
      },
    });

    const reached = apiRequests(sandbox).slice(before);
    // 80 calls. Only those granted a slot before the first block page came back went out
    // (the shared limiter grants at most its limit before the first answers), all 403s.
    expect(reached.length).toBeGreaterThanOrEqual(1);
    expect(reached.length).toBeLessThanOrEqual(RATE_LIMIT.requestsPerSecond);
    expect(new Set(reached.map((e) => e.status))).toEqual(new Set([403]));
    const codes = reports.flatMap((r) => r.errors.map((e) => e.code));
    expect(codes).toHaveLength(80);
    expect(new Set(codes)).toEqual(new Set(['account_blocked']));
    expect(reports.map((r) => r.ok)).toEqual([0, 0, 0, 0]);
    // Every other call failed fast, unsent (the message says so).
    const unsent = reports.flatMap((r) => r.errors).filter((e) => /not sent/.test(e.message));
    expect(unsent).toHaveLength(80 - reached.length);
    // One opening of the account's shared breaker, reported once, by the process that opened it.
    const opened = reports.flatMap((r) => r.blocked);
    expect(opened).toEqual(['block_page']);
  });
});

describe('a lock holder killed with SIGKILL', () => {
  it('after taking the lock, before its token request: another process takes over once the lock runs out, and the account works (strict rotation)', async () => {
    const { live, results, lockLeftMs, refreshesAtKill } = await killLockHolder(
      'strict',
      'die-in-lock',
    );

    expect(refreshesAtKill).toBe(0); // the holder died before asking
    expect(lockLeftMs).toBeGreaterThan(0); // and left its lock behind
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(6);
    expect(live.stats.refreshes).toBe(1); // the survivors' one
    expect(live.stats.revokedRefreshAttempts).toBe(0);
    expect(apiRequests(live).map((e) => e.status)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('after the token answer arrived, before the store write: survivors recover with the old refresh token (grace rotation)', async () => {
    const { live, results, lockLeftMs, refreshesAtKill } = await killLockHolder(
      'grace',
      'die-before-store',
    );

    expect(refreshesAtKill).toBe(1); // the sandbox rotated the pair; nobody stored it
    expect(lockLeftMs).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(6);
    expect(live.stats.refreshes).toBe(2); // the dead holder's, then the survivors' one
    expect(live.stats.revokedRefreshAttempts).toBe(0);
    expect(tokenRequests(live).map((e) => e.status)).toEqual([200, 200]);
  });

  it('after the token answer arrived, before the store write: the SDK reports reauthorization_required clearly (strict rotation)', async () => {
    const { live, seeded, results, refreshesAtKill } = await killLockHolder(
      'strict',
      'die-before-store',
    );

    expect(refreshesAtKill).toBe(1);
    expect(results).toHaveLength(6);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as Error;
      expect(isKommoError(error) && error.code).toBe('reauthorization_required');
      expect(error.message).toMatch(
        /^Reauthorization required for 127\.0\.0\.1:\d+: the refresh token was rejected \(Token has been revoked\)\. Run the OAuth flow again/,
      );
      expect(error.message).not.toContain(seeded.refresh_token);
      expect(error.message).not.toContain(seeded.access_token);
    }
    // One refused attempt per survivor (each re-read the store once first), no retry storm,
    // and no API request was sent with a token that could not work.
    expect(live.stats.revokedRefreshAttempts).toBe(2);
    expect(live.stats.refreshes).toBe(3);
    expect(apiRequests(live)).toHaveLength(0);
  });
});
