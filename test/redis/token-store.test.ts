import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenStoreError, isKommoError, type TokenSet } from '../../src/index.js';
import { RedisLock, RedisTokenStore, StaleTokenWriteError } from '../../src/redis/index.js';
import { closeAll, connect, prefix, unreachable } from './support/redis.js';

const ACCOUNT = 'acme.kommo.com';

function pair(name: string): TokenSet {
  return {
    access_token: `access-${name}`,
    refresh_token: `refresh-${name}`,
    token_type: 'Bearer',
    expires_at: Math.floor(Date.now() / 1000) + 86_400,
    server_time: 1_717_430_400,
  };
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(closeAll);

describe('RedisTokenStore: the pair', () => {
  it('returns null for an account it has no pair for', async () => {
    const store = new RedisTokenStore(connect(), { keyPrefix: prefix() });
    expect(await store.get(ACCOUNT)).toBeNull();
  });

  it('stores the pair as JSON with expires_at and extra fields, one key per account', async () => {
    const redis = connect();
    const keyPrefix = prefix();
    const store = new RedisTokenStore(redis, { keyPrefix });
    await store.set(ACCOUNT, pair('a'));
    await store.set('other.kommo.com', pair('b'));

    expect(await store.get(ACCOUNT)).toEqual(pair('a'));
    expect(await store.get('other.kommo.com')).toEqual(pair('b'));
    const raw = await redis.get(`${keyPrefix}{${ACCOUNT}}:tokens`);
    expect(JSON.parse(raw!)).toEqual(pair('a'));
  });

  it('is read by another connection (another process) as soon as set resolves', async () => {
    const keyPrefix = prefix();
    // One pair: two calls of pair() can straddle a second and differ in expires_at.
    const stored = pair('a');
    await new RedisTokenStore(connect(), { keyPrefix }).set(ACCOUNT, stored);
    expect(await new RedisTokenStore(connect(), { keyPrefix }).get(ACCOUNT)).toEqual(stored);
  });

  it('deletes the pair', async () => {
    const store = new RedisTokenStore(connect(), { keyPrefix: prefix() });
    await store.set(ACCOUNT, pair('a'));
    await store.delete(ACCOUNT);
    expect(await store.get(ACCOUNT)).toBeNull();
  });

  it('throws TokenStoreError when the key holds something that is not a pair', async () => {
    const redis = connect();
    const keyPrefix = prefix();
    await redis.set(`${keyPrefix}{${ACCOUNT}}:tokens`, '{"access_token":1}');
    const error: unknown = await new RedisTokenStore(redis, { keyPrefix })
      .get(ACCOUNT)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenStoreError);
    expect((error as TokenStoreError).code).toBe('token_store_error');
  });

  it('never shows a token in inspect output or JSON', async () => {
    const store = new RedisTokenStore(connect(), { keyPrefix: prefix() });
    await store.set(ACCOUNT, pair('secret'));
    expect(inspect(store)).not.toContain('secret');
    expect(JSON.stringify(store)).not.toContain('secret');
  });
});

describe('RedisTokenStore: compare-and-set through previous', () => {
  it('replaces the pair when previous is the stored one', async () => {
    const store = new RedisTokenStore(connect(), { keyPrefix: prefix() });
    await store.set(ACCOUNT, pair('p0'));
    await store.set(ACCOUNT, pair('p1'), { previous: pair('p0') });
    expect(await store.get(ACCOUNT)).toEqual(pair('p1'));
  });

  it('refuses a stale write with StaleTokenWriteError and keeps the newer pair', async () => {
    const keyPrefix = prefix();
    const stale = new RedisTokenStore(connect(), { keyPrefix });
    const winner = new RedisTokenStore(connect(), { keyPrefix });
    await winner.set(ACCOUNT, pair('p0'));
    // The winner rotated p0 → p2 while the stale holder was still refreshing p0 → p1.
    await winner.set(ACCOUNT, pair('p2'), { previous: pair('p0') });

    const error: unknown = await stale
      .set(ACCOUNT, pair('p1'), { previous: pair('p0') })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StaleTokenWriteError);
    expect(error).toBeInstanceOf(TokenStoreError);
    expect(isKommoError(error) && error.code).toBe('token_store_error');
    expect((error as Error).message).not.toContain('refresh-');
    expect(await winner.get(ACCOUNT)).toEqual(pair('p2'));
  });

  it('refuses previous: null when a pair is already stored', async () => {
    const store = new RedisTokenStore(connect(), { keyPrefix: prefix() });
    await store.set(ACCOUNT, pair('p0'));
    await expect(store.set(ACCOUNT, pair('other'), { previous: null })).rejects.toBeInstanceOf(
      StaleTokenWriteError,
    );
    expect(await store.get(ACCOUNT)).toEqual(pair('p0'));
  });

  it('accepts writing the stored pair again, so a retry after a lost reply is safe', async () => {
    const store = new RedisTokenStore(connect(), { keyPrefix: prefix() });
    await store.set(ACCOUNT, pair('p0'));
    await store.set(ACCOUNT, pair('p1'), { previous: pair('p0') });
    await store.set(ACCOUNT, pair('p1'), { previous: pair('p0') });
    await store.set(ACCOUNT, pair('p1'), { previous: null });
    expect(await store.get(ACCOUNT)).toEqual(pair('p1'));
  });

  it('lets only one of many concurrent writers replace the same previous pair', async () => {
    const keyPrefix = prefix();
    await new RedisTokenStore(connect(), { keyPrefix }).set(ACCOUNT, pair('p0'));
    const writers = Array.from({ length: 10 }, () => new RedisTokenStore(connect(), { keyPrefix }));

    const results = await Promise.allSettled(
      writers.map((w, i) => w.set(ACCOUNT, pair(`next-${i}`), { previous: pair('p0') })),
    );

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 'rejected' && r.reason instanceof StaleTokenWriteError),
    ).toHaveLength(9);
  });
});

describe('RedisLock', () => {
  it('lets one holder at a time run, across connections', async () => {
    const keyPrefix = prefix();
    const locks = Array.from({ length: 5 }, () => new RedisLock(connect(), { keyPrefix }));
    let holders = 0;
    let maxHolders = 0;
    let runs = 0;

    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        locks[i % locks.length]!.withLock(ACCOUNT, async () => {
          holders++;
          maxHolders = Math.max(maxHolders, holders);
          await tick(5);
          holders--;
          runs++;
        }),
      ),
    );

    expect(runs).toBe(20);
    expect(maxHolders).toBe(1);
  });

  it('keeps separate accounts independent', async () => {
    const lock = new RedisLock(connect(), { keyPrefix: prefix() });
    let inner = false;
    await lock.withLock('a.kommo.com', async () => {
      await lock.withLock('b.kommo.com', async () => {
        inner = true;
      });
    });
    expect(inner).toBe(true);
  });

  it('extends the lock while its holder runs, so nobody takes it early', async () => {
    const keyPrefix = prefix();
    const a = new RedisLock(connect(), { keyPrefix, lockTtlMs: 150 });
    const b = new RedisLock(connect(), { keyPrefix, lockTtlMs: 150 });
    let holders = 0;
    let maxHolders = 0;
    const hold = (ms: number) => async () => {
      holders++;
      maxHolders = Math.max(maxHolders, holders);
      await tick(ms);
      holders--;
    };

    const first = a.withLock(ACCOUNT, hold(700)); // several lifetimes of the lock
    await tick(20);
    await Promise.all([first, b.withLock(ACCOUNT, hold(1))]);

    expect(maxHolders).toBe(1);
  });

  it('is taken over after a dead holder’s lock runs out', async () => {
    const redis = connect();
    const keyPrefix = prefix();
    const lockKey = `${keyPrefix}{${ACCOUNT}}:lock`;
    // A holder that died: its lock stays until it expires; nobody renews it.
    await redis.set(lockKey, 'dead-owner', 'PX', 300);
    let ownerSeenInside: string | null = null;

    await new RedisLock(connect(), { keyPrefix }).withLock(ACCOUNT, async () => {
      ownerSeenInside = await redis.get(lockKey);
    });

    expect(ownerSeenInside).not.toBeNull();
    expect(ownerSeenInside).not.toBe('dead-owner');
    expect(await redis.exists(lockKey)).toBe(0);
  });

  it('is released only by its owner: a holder whose lock ran out does not free the next holder’s lock', async () => {
    const redis = connect();
    const keyPrefix = prefix();
    const lockKey = `${keyPrefix}{${ACCOUNT}}:lock`;
    const a = new RedisLock(connect(), { keyPrefix });
    const b = new RedisLock(connect(), { keyPrefix });
    let releaseA!: () => void;
    let releaseB!: () => void;
    const aHolds = new Promise<void>((resolve) => (releaseA = resolve));
    const bHolds = new Promise<void>((resolve) => (releaseB = resolve));
    let bOwner: string | null = null;

    const aDone = a.withLock(ACCOUNT, () => aHolds);
    await tick(20);
    await redis.del(lockKey); // A's lock "ran out" (A froze)
    const bDone = b.withLock(ACCOUNT, async () => {
      bOwner = await redis.get(lockKey);
      await bHolds;
    });
    while (bOwner === null) await tick(5);
    releaseA(); // A wakes up, finishes and releases
    await aDone;

    expect(await redis.get(lockKey)).toBe(bOwner); // B's lock is still there
    releaseB();
    await bDone;
    expect(await redis.exists(lockKey)).toBe(0);
  });

  it('releases the lock when fn throws, and passes the error through', async () => {
    const redis = connect();
    const keyPrefix = prefix();
    const lock = new RedisLock(redis, { keyPrefix });
    const boom = new Error('boom');
    await expect(lock.withLock(ACCOUNT, () => Promise.reject(boom))).rejects.toBe(boom);
    expect(await redis.exists(`${keyPrefix}{${ACCOUNT}}:lock`)).toBe(0);
  });

  it('gives up with TokenStoreError after lockWaitMs while another holder keeps the lock', async () => {
    const redis = connect();
    const keyPrefix = prefix();
    await redis.set(`${keyPrefix}{${ACCOUNT}}:lock`, 'someone', 'PX', 10_000);
    let ran = false;
    const error: unknown = await new RedisLock(connect(), { keyPrefix, lockWaitMs: 100 })
      .withLock(ACCOUNT, async () => {
        ran = true;
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenStoreError);
    expect((error as Error).message).toMatch(
      /Timed out after 100 ms waiting for the refresh lock of acme\.kommo\.com/,
    );
    expect(ran).toBe(false);
  });
});

describe('RedisTokenStore when Redis is unreachable', () => {
  it('fails get, set and delete with TokenStoreError naming Redis', async () => {
    const store = new RedisTokenStore(await unreachable(), { commandTimeoutMs: 200 });
    for (const call of [
      () => store.get(ACCOUNT),
      () => store.set(ACCOUNT, pair('a')),
      () => store.delete(ACCOUNT),
    ]) {
      const error: unknown = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenStoreError);
      expect((error as Error).message).toMatch(/^Redis is unreachable/);
    }
  });

  it('fails withLock with TokenStoreError without running fn (no refresh without the lock)', async () => {
    const store = new RedisTokenStore(await unreachable(), { commandTimeoutMs: 200 });
    let ran = false;
    const error: unknown = await store
      .withLock(ACCOUNT, async () => {
        ran = true;
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenStoreError);
    expect((error as Error).message).toContain('the token is not refreshed');
    expect(ran).toBe(false);
  });
});
