import { afterEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/sandbox/prng.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { call } from '../helpers.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('fault injection', () => {
  it('answers a burst of 429s to the next N matching requests, then serves again', async () => {
    sandbox = await startSandbox({ rateLimit: false });
    sandbox.setFaults({ burst429: 3, routes: ['/api/v4/leads'] });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await call(sandbox, 'GET', '/api/v4/leads?limit=1')).status);
    expect(statuses).toEqual([429, 429, 429, 200, 200]);
    expect((await call(sandbox, 'GET', '/api/v4/account')).status).toBe(200);
    expect(sandbox.stats).toMatchObject({ status429: 3, faultsInjected: 3 });
  });

  it('answers Kommo 500 JSON or nginx 5xx pages for a share of requests without applying writes', async () => {
    sandbox = await startSandbox({ rateLimit: false, faults: { errorRate: 1, methods: ['POST'] } });
    const before = sandbox.state.leads.size;
    const failed = await call(sandbox, 'POST', '/api/v4/leads', [{ name: 'x' }]);
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({
      title: 'ErrInternalServer',
      status: 500,
      trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(sandbox.state.leads.size).toBe(before);
    expect((await call(sandbox, 'GET', '/api/v4/leads?limit=1')).status).toBe(200);
    sandbox.setFaults({ errorRate: 1, errorStatus: 504 });
    const gateway = await call(sandbox, 'GET', '/api/v4/account');
    expect(gateway.status).toBe(504);
    expect(gateway.text).toContain('504 Gateway Timeout');
  });

  it('injects a repeatable share of errors from the seeded PRNG', async () => {
    sandbox = await startSandbox({ rateLimit: false });
    const run = async (): Promise<number[]> => {
      sandbox!.setFaults({ errorRate: 0.3, seed: 7 });
      const out: number[] = [];
      for (let i = 0; i < 20; i++)
        out.push((await call(sandbox!, 'GET', '/api/v4/account')).status);
      return out;
    };
    const first = await run();
    expect(first.filter((s) => s === 500).length).toBeGreaterThan(0);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(await run()).toEqual(first);
  });

  it('resets the connection before a write is applied', async () => {
    sandbox = await startSandbox({ rateLimit: false, faults: { resetBeforeWrite: 1 } });
    const before = sandbox.state.leads.size;
    await expect(call(sandbox, 'POST', '/api/v4/leads', [{ name: 'lost' }])).rejects.toThrow();
    expect(sandbox.state.leads.size).toBe(before);
    expect((await call(sandbox, 'GET', '/api/v4/account')).status).toBe(200);
  });

  it('resets the connection after a write is applied', async () => {
    sandbox = await startSandbox({
      rateLimit: false,
      faults: { resetAfterWrite: 1, routes: ['/api/v4/leads'] },
    });
    const before = sandbox.state.leads.size;
    await expect(call(sandbox, 'POST', '/api/v4/leads', [{ name: 'applied' }])).rejects.toThrow();
    expect(sandbox.state.leads.size).toBe(before + 1);
    expect(sandbox.requests.at(-1)!.status).toBe(0);
  });

  it('adds latency per route and trickles slow bodies intact', async () => {
    sandbox = await startSandbox({ rateLimit: false });
    sandbox.setFaults([
      { routes: [/^\/api\/v4\/account$/], latencyMs: 60 },
      { routes: ['/api/v4/leads'], slowBodyMs: 40 },
    ]);
    await call(sandbox, 'GET', '/api/v4/account');
    expect(sandbox.requests.at(-1)!.durationMs).toBeGreaterThanOrEqual(59);
    const slow = await call(sandbox, 'GET', '/api/v4/leads?limit=20');
    expect(slow.body._embedded.leads).toHaveLength(20);
    await call(sandbox, 'GET', '/api/v4/users');
    expect(sandbox.requests.at(-1)!.durationMs).toBeLessThan(59);
    sandbox.setFaults(null);
    expect(sandbox.stats.faultsInjected).toBe(0);
  });

  it("spreads latency per answer with the rule's seeded PRNG", async () => {
    sandbox = await startSandbox({ rateLimit: false });
    sandbox.setFaults({ routes: ['/api/v4/account'], latencyMs: 20, latencySpreadMs: 80, seed: 5 });
    const random = mulberry32(5);
    const expected = Array.from({ length: 6 }, () => 20 + Math.floor(random() * 81));
    for (let i = 0; i < expected.length; i++) {
      await call(sandbox, 'GET', '/api/v4/account');
      expect(sandbox.requests.at(-1)!.durationMs).toBeGreaterThanOrEqual(expected[i]! - 1);
    }
    // The draws differ, so the latency is not one fixed value.
    expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(20);
  });
});
