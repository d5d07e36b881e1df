import { afterEach, describe, expect, it } from 'vitest';
import { Kommo, isKommoError, type TokenSet } from '../../src/index.js';
import { RedisTokenStore } from '../../src/redis/index.js';
import { startFakeKommo, type FakeKommo } from './support/fake-kommo.js';
import { closeAll, connect, prefix, unreachable } from './support/redis.js';

const oauth = {
  clientId: 'client-uuid',
  clientSecret: 'client-secret',
  redirectUri: 'https://app.example.com/cb',
};

let fake: FakeKommo | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
  await closeAll();
});

function client(kommo: FakeKommo, store: RedisTokenStore): Kommo {
  return new Kommo({
    baseUrl: kommo.url,
    oauth,
    tokenStore: store,
    rateLimit: false,
    refreshMarginSec: 0,
    retry: { baseDelayMs: 0, maxDelayMs: 0 },
  });
}

const accountOf = (kommo: FakeKommo) => new URL(kommo.url).host;

/** Eight "processes": each its own Redis connection, store and client. */
async function fleet(kommo: FakeKommo, seed: TokenSet): Promise<Kommo[]> {
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
    fake = await startFakeKommo({
      rotation: 'strict',
      accessTtlSec: 3600,
      requestsPerSecond: 1000,
    });
    const clients = await fleet(fake, {
      ...fake.initial,
      expires_at: Math.floor(Date.now() / 1000) - 1,
    });

    const results = await callAll(clients, 5);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(40);
    expect(fake.stats.refreshCalls).toBe(1);
    expect(fake.stats.revoked).toBe(0);
  });

  it('refreshes once per rotation when every client meets a 401 at the same time, three rotations in a row', async () => {
    fake = await startFakeKommo({
      rotation: 'strict',
      accessTtlSec: 3600,
      requestsPerSecond: 1000,
    });
    const clients = await fleet(fake, fake.initial);
    expect((await callAll(clients, 2)).every((r) => r.status === 'fulfilled')).toBe(true);
    expect(fake.stats.refreshCalls).toBe(0);

    for (let rotation = 1; rotation <= 3; rotation++) {
      fake.expireAccessTokens();
      const results = await callAll(clients, 5);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(40);
      expect(fake.stats.refreshCalls).toBe(rotation);
    }
    expect(fake.stats.revoked).toBe(0);
    expect(new Set(fake.stats.refreshTokensUsed).size).toBe(3);
  });

  it('fails with token_store_error and sends no refresh when Redis is unreachable', async () => {
    fake = await startFakeKommo({
      rotation: 'strict',
      accessTtlSec: 3600,
      requestsPerSecond: 1000,
    });
    const store = new RedisTokenStore(await unreachable(), { commandTimeoutMs: 200 });
    const kommo = new Kommo({
      baseUrl: fake.url,
      oauth,
      tokenStore: store,
      tokens: { ...fake.initial, expires_at: Math.floor(Date.now() / 1000) - 1 },
      rateLimit: false,
      retry: { baseDelayMs: 0, maxDelayMs: 0 },
    });

    const error: unknown = await kommo
      .request({ method: 'GET', path: '/api/v4/account' })
      .catch((e: unknown) => e);

    expect(isKommoError(error) && error.code).toBe('token_store_error');
    expect((error as Error).message).toContain('Redis is unreachable');
    expect(fake.stats.refreshCalls).toBe(0);
    expect(fake.stats.apiRequests).toBe(0);
  });
});
