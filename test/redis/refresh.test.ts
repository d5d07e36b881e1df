import { afterEach, describe, expect, it } from 'vitest';
import { Kommo, isKommoError, type TokenSet } from '../../src/index.js';
import { RedisTokenStore } from '../../src/redis/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { accountOf, apiRequests, issuePair, tokenRequests } from './support/fleet.js';
import { closeAll, connect, prefix, unreachable } from './support/redis.js';

let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  await closeAll();
});

// No rate limit here: these count refreshes, not pacing.
const start = () => startSandbox({ seed: false, rateLimit: false, refreshTokenRotation: 'strict' });

function client(kommo: Sandbox, store: RedisTokenStore): Kommo {
  return new Kommo({
    baseUrl: kommo.url,
    oauth: kommo.oauth,
    tokenStore: store,
    rateLimit: false,
    refreshMarginSec: 0,
    retry: { baseDelayMs: 0, maxDelayMs: 0 },
  });
}

/** Eight "processes": each its own Redis connection, store and client. */
async function fleet(kommo: Sandbox, seed: TokenSet): Promise<Kommo[]> {
  const keyPrefix = prefix();
  await new RedisTokenStore(connect(), { keyPrefix }).set(accountOf(kommo), seed);
  return Array.from({ length: 8 }, () =>
    client(kommo, new RedisTokenStore(connect(), { keyPrefix })),
  );
}

const callAll = (clients: Kommo[], perClient: number) =>
  Promise.allSettled(
    clients.flatMap((k) =>
      Array.from({ length: perClient }, () =>
        k.request({ method: 'GET', path: '/api/v4/account' }),
      ),
    ),
  );

describe('RedisTokenStore with OAuthTokenManager refreshes', () => {
  it('refreshes an expired pair once for 8 clients × 5 concurrent requests, and all 40 succeed', async () => {
    const live = (sandbox = await start());
    const clients = await fleet(
      live,
      issuePair(live, { expires_at: Math.floor(Date.now() / 1000) - 1 }),
    );

    const results = await callAll(clients, 5);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(40);
    expect(live.stats.refreshes).toBe(1);
    expect(live.stats.revokedRefreshAttempts).toBe(0);
    expect(apiRequests(live).map((e) => e.status)).toEqual(Array<number>(40).fill(200));
  });

  it('refreshes once per rotation when every client meets a 401 at the same time, three rotations in a row', async () => {
    const live = (sandbox = await start());
    const clients = await fleet(live, issuePair(live));
    expect((await callAll(clients, 2)).every((r) => r.status === 'fulfilled')).toBe(true);
    expect(live.stats.refreshes).toBe(0);

    for (let rotation = 1; rotation <= 3; rotation++) {
      live.expireAccessTokens();
      const results = await callAll(clients, 5);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(40);
      expect(live.stats.refreshes).toBe(rotation);
    }
    // Strict rotation: a refresh token spent twice would have been refused.
    expect(live.stats.revokedRefreshAttempts).toBe(0);
    expect(tokenRequests(live).map((e) => e.status)).toEqual([200, 200, 200]);
  });

  it('fails with token_store_error and sends no refresh when Redis is unreachable', async () => {
    const live = (sandbox = await start());
    const store = new RedisTokenStore(await unreachable(), { commandTimeoutMs: 200 });
    const kommo = new Kommo({
      baseUrl: live.url,
      oauth: live.oauth,
      tokenStore: store,
      tokens: issuePair(live, { expires_at: Math.floor(Date.now() / 1000) - 1 }),
      rateLimit: false,
      retry: { baseDelayMs: 0, maxDelayMs: 0 },
    });

    const error: unknown = await kommo
      .request({ method: 'GET', path: '/api/v4/account' })
      .catch((e: unknown) => e);

    expect(isKommoError(error) && error.code).toBe('token_store_error');
    expect((error as Error).message).toContain('Redis is unreachable');
    expect(live.stats.refreshes).toBe(0);
    expect(live.stats.requests).toBe(0);
  });
});
