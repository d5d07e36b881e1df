import { afterAll, beforeAll, expect, it } from 'vitest';
import { Kommo, MemoryTokenStore } from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

// An access token that dies on Kommo's side (revoked, or expired earlier than the pair said)
// while many calls wait for the limiter: the first 401 starts one refresh, and the calls still
// queued must go out with the new token, not spend their slot (and a replay) on the dead one.
let sandbox: Sandbox;

beforeAll(async () => {
  // Both sides at 20 per second: the queue drains in two seconds; the limiter lets its burst
  // (half the limit: 10) go at once, the rest 50 ms apart.
  sandbox = await startSandbox({ rateLimit: 20 });
});

afterAll(async () => {
  await sandbox.close();
});

it('40 queued calls after a server-side expiry cost one refresh and only the 401s already in flight', async () => {
  const tokens = sandbox.issueTokens();
  const kommo = new Kommo({
    baseUrl: sandbox.url,
    oauth: sandbox.oauth,
    tokenStore: new MemoryTokenStore(),
    tokens,
    rateLimit: { requestsPerSecond: 20 },
  });
  await kommo.account.get();
  sandbox.expireAccessTokens();
  const before = { ...sandbox.stats };

  const results = await Promise.all(
    Array.from({ length: 40 }, () => kommo.leads.list({ limit: 1 }).then((p) => p.items.length)),
  );

  expect(results).toEqual(Array.from({ length: 40 }, () => 1));
  expect(sandbox.stats.refreshes - before.refreshes).toBe(1);
  expect(sandbox.stats.status429 - before.status429).toBe(0);
  // Before the fix every queued call left with the dead token: 40 × 401, then 40 replays.
  // Only the calls sent before the first 401 came back may meet one: the burst of 10 (and, on
  // a machine so slow that the answer takes longer than the 50 ms between later starts, a few
  // more). Half of the 40 is the bound that still tells the two behaviours apart.
  const unauthorized = sandbox.stats.status401 - before.status401;
  expect(unauthorized).toBeGreaterThanOrEqual(1);
  expect(unauthorized).toBeLessThanOrEqual(20);
  // 40 answers + the refresh + one replay per 401.
  expect(sandbox.stats.requests - before.requests).toBe(40 + 1 + unauthorized);
});
