import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/index.js';
import { connectOrSandbox, startSandbox } from '../../src/sandbox/index.js';

describe('connectOrSandbox', () => {
  it('starts a sandbox when no KOMMO_* variable is set, and stops it on close', async () => {
    const requests: string[] = [];
    const conn = await connectOrSandbox({
      env: { PATH: '/usr/bin' },
      overrides: { rateLimit: false, hooks: { onRequest: (e) => requests.push(e.path) } },
      sandbox: { rateLimit: false },
    });
    expect(conn.mode).toBe('sandbox');
    expect(conn.sandbox).toBeDefined();
    expect(conn.target).toBe(`local sandbox at ${conn.sandbox!.url}`);
    const ref = await conn.kommo.leads.create({ name: 'Sandboxed' });
    expect(conn.sandbox!.state.leads.get(ref.id)?.name).toBe('Sandboxed');
    expect(requests).toEqual(['/api/v4/leads']);
    const url = conn.sandbox!.url;
    await conn.close();
    await expect(fetch(`${url}/api/v4/account`)).rejects.toThrow();
  });

  it('connects to KOMMO_BASE_URL on loopback as a sandbox, without starting one', async () => {
    const sandbox = await startSandbox({ rateLimit: false });
    try {
      const conn = await connectOrSandbox({
        env: { KOMMO_BASE_URL: sandbox.url, KOMMO_ACCESS_TOKEN: sandbox.accessToken },
        overrides: { rateLimit: false },
      });
      expect(conn.mode).toBe('sandbox');
      expect(conn.sandbox).toBeUndefined();
      expect(conn.target).toBe(sandbox.url);
      await conn.kommo.leads.create({ name: 'Through the URL' });
      expect(sandbox.state.leads.filter((l) => l.name === 'Through the URL')).toHaveLength(1);
      await conn.close();
      // close() leaves a sandbox it did not start running.
      expect((await fetch(`${sandbox.url}/api/v4/account`)).status).toBe(401);
    } finally {
      await sandbox.close();
    }
  });

  it('calls a domain an account, and never falls back to a sandbox when the setup is incomplete', async () => {
    const conn = await connectOrSandbox({
      env: { KOMMO_DOMAIN: 'acme', KOMMO_ACCESS_TOKEN: 'tok' },
    });
    expect(conn.mode).toBe('account');
    expect(conn.target).toBe('https://acme.kommo.com');
    await expect(connectOrSandbox({ env: { KOMMO_DOMAIN: 'acme' } })).rejects.toBeInstanceOf(
      ConfigurationError,
    );
    await expect(connectOrSandbox({ env: { KOMMO_ACCESS_TOKEN: 'tok' } })).rejects.toThrow(
      /KOMMO_DOMAIN/,
    );
  });

  it('lets overrides configure the account even with an empty environment', async () => {
    const conn = await connectOrSandbox({
      env: {},
      overrides: { domain: 'beta.kommo.com', accessToken: 'tok' },
    });
    expect(conn.mode).toBe('account');
    expect(conn.kommo.domain).toBe('beta.kommo.com');
  });
});
