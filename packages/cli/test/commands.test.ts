import { join } from 'node:path';
import { startSandbox, type Sandbox } from 'kommo-sdk/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runKommo, startKommo, tempDir, tokenFile, waitFor } from './support/cli.js';

let sandbox: Sandbox;
let args: string[];
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: false });
  args = ['--base-url', sandbox.url, '--token-file', tokenFile(tempDir(), sandbox.accessToken)];
});
afterAll(async () => {
  await sandbox.close();
});

const COMMANDS = ['login', 'logout', 'whoami', 'codegen', 'export', 'import', 'request'];

describe('the kommo command', () => {
  it.each(COMMANDS)(
    'answers `%s --help` with its usage and the account flags, exit code 0',
    async (command) => {
      const result = await runKommo([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: kommo ${command}`);
      expect(result.stdout).toContain('--domain');
      expect(result.stdout).toContain('--store');
    },
  );

  it('exits 2 on usage errors and sends nothing', async () => {
    const cases: string[][] = [
      [],
      ['frobnicate'],
      ['whoami', '--no-such-flag', ...args],
      ['request', 'GET', ...args],
      ['request', 'BREW', '/api/v4/leads', ...args],
      ['request', 'GET', '/api/v4/leads?limit=5', ...args],
      ['request', 'GET', '/api/v4/leads', '--query', 'nokey', ...args],
      ['request', 'GET', '/api/v4/leads', '--query', '__proto__[x]=1', ...args],
      ['export', 'deals', ...args],
      ['import', 'leads', 'leads.csv', '--chunk-size', '0', ...args],
      ['whoami', '--sandbox', '--domain', 'acme'],
      ['whoami', '--token', 'x', '--token-file', 'y', '--domain', 'acme'],
    ];
    sandbox.clearRequests();
    for (const argv of cases) {
      const result = await runKommo(argv);
      expect({ argv, code: result.code }).toEqual({ argv, code: 2 });
      expect(result.stderr).not.toBe('');
    }
    expect(sandbox.requests).toEqual([]);
  });

  it('exits 2 with a clear message when no account is configured', async () => {
    const result = await runKommo(['whoami'], { env: cleanEnv() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No Kommo account given');
  });

  it('prints any endpoint as JSON, with bracket-style query parameters', async () => {
    const result = await runKommo([
      'request',
      'GET',
      '/api/v4/leads',
      '--query',
      'limit=2',
      '--query',
      'filter[id][]=20000003',
      ...args,
    ]);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { _embedded: { leads: Array<{ id: number }> } };
    expect(body._embedded.leads.map((l) => l.id)).toEqual([20_000_003]);
    const created = await runKommo(['request', 'POST', '/api/v4/leads', '--data', '-', ...args], {
      input: '[{"name":"From stdin"}]',
    });
    expect(created.code).toBe(0);
    const id = (JSON.parse(created.stdout) as { _embedded: { leads: Array<{ id: number }> } })
      ._embedded.leads[0]?.id;
    expect(sandbox.state.leads.get(id as number)?.name).toBe('From stdin');
    const empty = await runKommo([
      'request',
      'GET',
      '/api/v4/leads',
      '--query',
      'filter[id][]=1',
      ...args,
    ]);
    expect(empty.stdout.trim()).toBe('null');
  });

  it('exits 1 on a refusal, with Kommo’s status and no token in the message', async () => {
    const bad = tokenFile(tempDir(), 'wrong-token-value');
    const result = await runKommo([
      'request',
      'GET',
      '/api/v4/leads',
      '--base-url',
      sandbox.url,
      '--token-file',
      bad,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('401');
    expect(result.stderr).not.toContain('wrong-token-value');
  });

  it('colours only a terminal: never in a pipe, never with NO_COLOR', async () => {
    const piped = await runKommo(['whoami', ...args]);
    expect(piped.stdout).not.toContain('\u001b[');
    const failed = await runKommo(['export', 'deals', ...args], {
      env: cleanEnv({ NO_COLOR: '1' }),
    });
    expect(failed.stderr).not.toContain('\u001b[');
  });

  it('prints whoami as JSON', async () => {
    const result = await runKommo(['whoami', '--json', ...args]);
    expect(JSON.parse(result.stdout)).toMatchObject({
      account: { id: 31_204_999, name: 'Sandbox Sales', host: new URL(sandbox.url).host },
      user: { id: 8_375_357, name: 'Olivia Admin', is_admin: true },
      token: { kind: 'access', source: 'token-file', scopes: ['crm', 'notifications'] },
    });
  });

  it('runs the sandbox server until it is stopped', async () => {
    const run = startKommo(['sandbox', '--port', '0', '--token', 'cli-sandbox-token', '--quiet']);
    await waitFor(
      () => /listening on (http:\/\/\S+)/.test(run.output().stdout),
      'the sandbox URL',
      30_000,
    );
    const url = /listening on (http:\/\/\S+)/.exec(run.output().stdout)?.[1] as string;
    const who = await runKommo([
      'whoami',
      '--json',
      '--base-url',
      url,
      '--token-file',
      tokenFile(tempDir(), 'cli-sandbox-token'),
    ]);
    expect(JSON.parse(who.stdout)).toMatchObject({ account: { name: 'Sandbox Sales' } });
    run.child.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  });

  it('works against an in-process sandbox with --sandbox', async () => {
    const dir = tempDir();
    const result = await runKommo([
      'export',
      'companies',
      '--sandbox',
      '--format',
      'csv',
      '--out',
      join(dir, 'c.csv'),
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('exported 4 companies');
  });
});
