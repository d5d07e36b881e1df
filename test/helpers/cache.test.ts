import { afterEach, describe, expect, it } from 'vitest';
import { createCache } from '../../src/index.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { sandboxClient } from './support.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const reads = (s: Sandbox, path: string) => s.requests.filter((r) => r.path === path).length;

describe('createCache', () => {
  it('loads each kind once per TTL, shares one request among parallel readers and reloads after the TTL', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    let now = 1_000;
    const cache = createCache(kommo, { ttlMs: 100, now: () => now });
    const [a, b] = await Promise.all([cache.users(), cache.users()]);
    expect(a).toBe(b);
    expect(a.length).toBe(sandbox.state.users.size);
    await cache.users();
    expect(reads(sandbox, '/api/v4/users')).toBe(1);
    now += 100;
    await cache.users();
    expect(reads(sandbox, '/api/v4/users')).toBe(2);
  });

  it('drops one kind on invalidate and keeps the others', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const cache = createCache(kommo);
    await Promise.all([
      cache.pipelines(),
      cache.customFields('leads'),
      cache.customFields('contacts'),
    ]);
    cache.invalidate('customFields');
    await Promise.all([
      cache.pipelines(),
      cache.customFields('leads'),
      cache.customFields('contacts'),
    ]);
    expect(reads(sandbox, '/api/v4/leads/pipelines')).toBe(1);
    expect(reads(sandbox, '/api/v4/leads/custom_fields')).toBe(2);
    expect(reads(sandbox, '/api/v4/contacts/custom_fields')).toBe(2);
    cache.invalidate();
    await cache.pipelines();
    expect(reads(sandbox, '/api/v4/leads/pipelines')).toBe(2);
  });

  it('does not keep a failed load', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const cache = createCache(kommo);
    sandbox.setFaults({ routes: ['/api/v4/users'], errorRate: 1, errorStatus: 500 });
    await expect(cache.users()).rejects.toMatchObject({ code: 'server_error' });
    sandbox.setFaults(null);
    await expect(cache.users()).resolves.toHaveLength(sandbox.state.users.size);
  });

  it('finds the main pipeline and refuses an unknown one', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const cache = createCache(kommo);
    expect((await cache.pipeline()).is_main).toBe(true);
    await expect(cache.pipeline(1)).rejects.toMatchObject({ code: 'not_found' });
  });
});
