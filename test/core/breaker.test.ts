import { afterEach, describe, expect, it } from 'vitest';
import {
  AccountBlockedError,
  Kommo,
  PermissionDeniedError,
  type BlockedEvent,
  type KommoOptions,
} from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

// Each test has a sandbox of its own: its host is the account key, so the process-wide breaker
// of one test is never the next test's.
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A sandbox that blocks the account after 3 × 429, and blocks it now (a burst of raw fetches). */
async function blockedSandbox(): Promise<Sandbox> {
  sandbox = await startSandbox({
    rateLimit: { requestsPerSecond: 7, blockAfter429s: 3, blockDurationMs: 600_000 },
  });
  const { url, accessToken } = sandbox;
  // Another program on the same account, with no pacing at all: Kommo blocks the account.
  await Promise.all(
    Array.from({ length: 15 }, () =>
      fetch(`${url}/api/v4/leads`, { headers: { authorization: `Bearer ${accessToken}` } }).then(
        (r) => r.arrayBuffer(),
      ),
    ),
  );
  const probe = await fetch(`${url}/api/v4/leads`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  await probe.arrayBuffer();
  expect(probe.status).toBe(403);
  return sandbox;
}

function clientOf(box: Sandbox, options: Partial<KommoOptions> = {}): Kommo {
  return new Kommo({
    baseUrl: box.url,
    accessToken: box.accessToken,
    retry: { sleep: async () => {} },
    ...options,
  });
}

describe('the account-block breaker against the sandbox', () => {
  it('after the block page, sends nothing more until the cool-down and fires onBlocked once', async () => {
    const box = await blockedSandbox();
    const events: BlockedEvent[] = [];
    const kommo = clientOf(box, {
      breaker: { coolDownMs: 600_000, outboundAddress: '203.0.113.7' },
      hooks: { onBlocked: (event) => events.push(event) },
    });
    const before = box.requests.length;

    const first = await kommo.leads.list().catch((e: unknown) => e);
    const later = await Promise.all([
      kommo.leads.get(1).catch((e: unknown) => e),
      kommo.leads.create({ name: 'x' }).catch((e: unknown) => e),
      kommo.contacts.list().catch((e: unknown) => e),
      clientOf(box)
        .leads.list()
        .catch((e: unknown) => e), // another client of the account
    ]);
    await tick(20); // onBlocked is reported after the shared breaker answered

    expect(first).toBeInstanceOf(AccountBlockedError);
    expect(first).toBeInstanceOf(PermissionDeniedError);
    expect((first as AccountBlockedError).code).toBe('account_blocked');
    for (const error of later) {
      expect(error).toBeInstanceOf(AccountBlockedError);
      expect((error as AccountBlockedError).sent).toBe(false);
    }
    expect(box.requests.length - before).toBe(1);
    expect(kommo.breaker.state).toBe('open');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      reason: 'block_page',
      status: 403,
      outboundAddress: '203.0.113.7',
    });
    expect(JSON.stringify(events)).not.toContain(box.accessToken);

    // Kommo's support lifted the block.
    box.unblock();
    await kommo.breaker.reset();
    expect(kommo.breaker.state).toBe('closed');
    await expect(kommo.leads.list()).resolves.toBeDefined();
  });

  it('after the cool-down lets one probe through: blocked again, it reopens; lifted, it closes', async () => {
    const box = await blockedSandbox();
    const events: BlockedEvent[] = [];
    const kommo = clientOf(box, {
      breaker: { coolDownMs: 100 },
      hooks: { onBlocked: (event) => events.push(event) },
    });
    await kommo.leads.list().catch(() => undefined);
    await tick(150);
    const before = box.requests.length;

    const whileBlocked = await Promise.allSettled([
      kommo.leads.list(),
      kommo.leads.list(),
      kommo.leads.list(),
    ]);
    const probesWhileBlocked = box.requests.length - before;
    box.unblock();
    box.clearRequests(); // and forget the other program's burst, still in Kommo's window
    await tick(150);
    await kommo.leads.list();
    await kommo.leads.list();

    expect(whileBlocked.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(probesWhileBlocked).toBe(1);
    expect(box.requests.map((r) => r.status)).toEqual([200, 200]);
    expect(kommo.breaker.state).toBe('closed');
    await tick(20);
    expect(events).toHaveLength(1); // a reopening after a failed probe is the same block
  });

  it('makes requests wait instead of failing with whenOpen: wait, and sends them once the block is lifted', async () => {
    const box = await blockedSandbox();
    const kommo = clientOf(box, { breaker: { coolDownMs: 100, whenOpen: 'wait' } });
    await kommo.leads.list().catch(() => undefined);
    box.unblock();

    const page = await kommo.leads.list();

    expect(page.items).toBeInstanceOf(Array);
    expect(kommo.breaker.state).toBe('closed');
  });

  it('opens on a storm of 429s only when max429 is set', async () => {
    sandbox = await startSandbox({ rateLimit: false });
    const box = sandbox;
    const events: BlockedEvent[] = [];
    box.setFaults({ routes: ['/api/v4/leads'], burst429: 3 });
    const tolerant = clientOf(box);
    await tolerant.leads.list(); // off by default: three 429s are retried, then it goes through
    const tolerated = box.requests.length;
    expect(tolerant.breaker.state).toBe('closed');

    box.clearRequests();
    box.setFaults({ routes: ['/api/v4/leads'], burst429: 10 });
    const strict = clientOf(box, {
      breaker: { max429: 3, windowMs: 60_000, coolDownMs: 600_000 },
      hooks: { onBlocked: (event) => events.push(event) },
    });
    const stopped = await strict.leads.list().catch((e: unknown) => e);
    const refused = await strict.leads.list().catch((e: unknown) => e);
    await tick(20);

    expect(tolerated).toBe(4);
    expect(stopped).toBeInstanceOf(AccountBlockedError);
    expect(refused).toBeInstanceOf(AccountBlockedError);
    expect(box.requests.map((r) => r.status)).toEqual([429, 429, 429]);
    expect(events.map((e) => e.reason)).toEqual(['rate_limited']);
    await strict.breaker.reset();
  });
});
