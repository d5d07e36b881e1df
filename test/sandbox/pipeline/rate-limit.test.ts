import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { call } from '../helpers.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

function burst(s: Sandbox, n: number): Promise<Array<{ status: number; body: any }>> {
  return Promise.all(Array.from({ length: n }, () => call(s, 'GET', '/api/v4/account')));
}

describe('rate limiting', () => {
  it('answers 429 with Kommo body to arrivals beyond 7 in a sliding second', async () => {
    sandbox = await startSandbox();
    const results = await burst(sandbox, 10);
    const limited = results.filter((r) => r.status === 429);
    expect(limited).toHaveLength(3);
    expect(limited[0]!.body).toEqual({
      title: 'Too Many Requests',
      type: 'https://httpstatus.es/429',
      status: 429,
      detail: 'You have sent too many requests in a given amount of time. Please try again later.',
      retry_after: 300,
    });
    expect(sandbox.stats).toMatchObject({
      requests: 10,
      status429: 3,
      byStatus: { '200': 7, '429': 3 },
    });
  });

  it('takes a custom limit, a Retry-After header and can be switched off at run time', async () => {
    sandbox = await startSandbox({
      rateLimit: { requestsPerSecond: 2, retryAfterSec: 1, retryAfterHeader: true },
    });
    const results = await burst(sandbox, 4);
    const limited = results.filter((r) => r.status === 429);
    expect(limited).toHaveLength(2);
    expect(limited[0]!.body.retry_after).toBe(1);
    sandbox.setRateLimit(false);
    expect((await burst(sandbox, 20)).every((r) => r.status === 200)).toBe(true);
  });

  it('does not count OAuth and unknown non-API paths against the limit', async () => {
    sandbox = await startSandbox({ rateLimit: 1 });
    await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${sandbox!.url}/oauth2/access_token`, { method: 'POST', body: '{}' }),
      ),
    );
    expect((await call(sandbox, 'GET', '/api/v4/account')).status).toBe(200);
    expect(sandbox.stats.status429).toBe(0);
  });

  it('blocks the account with nginx 403 HTML after repeated violations until unblocked', async () => {
    sandbox = await startSandbox({ rateLimit: { requestsPerSecond: 1, blockAfter429s: 3 } });
    const results = await burst(sandbox, 4);
    expect(results.filter((r) => r.status === 429)).toHaveLength(3);
    const blocked = await call(sandbox, 'GET', '/api/v4/account');
    expect(blocked.status).toBe(403);
    expect(blocked.headers.get('content-type')).toMatch(/^text\/html/);
    expect(blocked.text).toContain('<center><h1>403 Forbidden</h1></center>');
    expect(sandbox.stats.status403).toBe(1);
    sandbox.unblock();
    sandbox.setRateLimit(false);
    expect((await call(sandbox, 'GET', '/api/v4/account')).status).toBe(200);
  });
});
