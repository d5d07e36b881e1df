import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { call } from '../helpers.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('request log', () => {
  it('records method, path, query, status, arrival time, duration and body items', async () => {
    sandbox = await startSandbox({ rateLimit: false });
    await call(sandbox, 'GET', '/api/v4/leads?limit=2&filter[id][]=1');
    await call(sandbox, 'POST', '/api/v4/leads', [{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    const [get, post] = sandbox.requests;
    expect(get).toMatchObject({
      method: 'GET',
      path: '/api/v4/leads',
      query: 'limit=2&filter[id][]=1',
      status: 204,
    });
    expect(post).toMatchObject({
      method: 'POST',
      path: '/api/v4/leads',
      query: '',
      status: 200,
      bodyItems: 3,
    });
    expect(post!.arrivedAt).toBeGreaterThan(get!.arrivedAt);
    expect(Math.abs(get!.arrivedAt - Date.now())).toBeLessThan(60_000);
    expect(post!.durationMs).toBeGreaterThan(0);
    sandbox.clearRequests();
    expect(sandbox.requests).toHaveLength(0);
    expect(sandbox.stats.requests).toBe(0);
  });

  it('keeps only the newest entries beyond the log limit', async () => {
    sandbox = await startSandbox({ rateLimit: false, requestLogLimit: 3 });
    for (let page = 1; page <= 5; page++)
      await call(sandbox, 'GET', `/api/v4/leads?page=${String(page)}`);
    expect(sandbox.requests.map((r) => r.query)).toEqual(['page=3', 'page=4', 'page=5']);
    expect(sandbox.stats.requests).toBe(5);
  });
});
