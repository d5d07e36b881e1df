import { describe, expect, it } from 'vitest';
import { Kommo } from '../../src/index.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { useSandbox } from './helpers.js';

let sandbox: Sandbox;
useSandbox((s) => (sandbox = s));

function client(): Kommo {
  return new Kommo({
    baseUrl: sandbox.url,
    accessToken: sandbox.accessToken,
    rateLimit: false,
    retry: { baseDelayMs: 0, maxDelayMs: 0 },
  });
}

describe('the SDK core against the sandbox', () => {
  it('retries a burst of 429s (the docs/sandbox.md example)', async () => {
    sandbox.setFaults({ burst429: 2, routes: ['/api/v4/account'] });
    const account = await client().request<{ id: number }>({
      method: 'GET',
      path: '/api/v4/account',
    });
    expect(account?.id).toBe(31204999);
    expect(sandbox.stats.status429).toBe(2);
  });

  it('sends PHP bracket filters the sandbox understands', async () => {
    const [a, b] = [...sandbox.state.leads.values()];
    const page = await client().request<any>({
      method: 'GET',
      path: '/api/v4/leads',
      query: { filter: { id: [a!.id, b!.id] }, order: { id: 'desc' }, with: 'contacts' },
    });
    expect(page._embedded.leads.map((l: any) => l.id)).toEqual([b!.id, a!.id]);
  });

  it('returns null for a 204 past the last page', async () => {
    expect(
      await client().request({
        method: 'GET',
        path: '/api/v4/leads',
        query: { page: 2, limit: 250 },
      }),
    ).toBeNull();
  });
});
