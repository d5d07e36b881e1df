import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigurationError, FileTokenStore } from 'kommo-sdk';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_OPTIONS,
  accountKey,
  accountParseArgsOptions,
  connectAccount,
  defaultStorePath,
  formatAccountHelp,
  longLivedEntry,
  readAccountSettings,
  tokenClaims,
} from '../src/account.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'kommo-account-'));
function file(content: string): string {
  const path = join(dir(), 'value.txt');
  writeFileSync(path, content);
  return path;
}
const jwt = (claims: Record<string, unknown>): string =>
  `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('kommo-cli/account', () => {
  it('gives node:util parseArgs the pinned flags, and help names each with its variable', () => {
    const { values } = parseArgs({
      args: [
        '--domain',
        'acme',
        '--base-url',
        'http://127.0.0.1:4010',
        '--token-file',
        't',
        '--store',
        's',
        '--client-id',
        'c',
        '--client-secret-file',
        'f',
        '--redirect-uri',
        'r',
        '--token',
        'x',
        '--sandbox',
      ],
      options: accountParseArgsOptions(),
      strict: true,
    });
    expect(Object.keys(values).sort()).toEqual(Object.keys(ACCOUNT_OPTIONS).sort());
    expect(Object.keys(ACCOUNT_OPTIONS)).toEqual([
      'domain',
      'base-url',
      'token-file',
      'token',
      'store',
      'client-id',
      'client-secret-file',
      'redirect-uri',
      'sandbox',
    ]);
    const help = formatAccountHelp();
    for (const name of Object.keys(ACCOUNT_OPTIONS)) expect(help).toContain(`--${name}`);
    for (const v of [
      'KOMMO_DOMAIN',
      'KOMMO_BASE_URL',
      'KOMMO_ACCESS_TOKEN',
      'KOMMO_TOKEN_FILE',
      'KOMMO_CLIENT_ID',
      'KOMMO_CLIENT_SECRET',
      'KOMMO_REDIRECT_URI',
    ])
      expect(help).toContain(`[${v}]`);
  });

  it('lets flags win over the variables, group by group', async () => {
    const env = {
      KOMMO_DOMAIN: 'env-account',
      KOMMO_BASE_URL: 'http://127.0.0.1:9',
      KOMMO_ACCESS_TOKEN: 'env-token',
      KOMMO_CLIENT_ID: 'env-client',
      KOMMO_CLIENT_SECRET: 'env-secret',
      KOMMO_REDIRECT_URI: 'https://example.com/cb',
      KOMMO_TOKEN_FILE: '/tmp/env-store.json',
    };
    // An account flag hides both account variables.
    const a = await readAccountSettings({ domain: 'flag-account' }, { env });
    expect(a).toMatchObject({
      domain: 'flag-account',
      accessToken: 'env-token',
      accessTokenSource: 'env-token',
    });
    expect(a.baseUrl).toBeUndefined();
    // An OAuth flag hides KOMMO_ACCESS_TOKEN; the other OAuth variables fill in.
    const b = await readAccountSettings(
      { store: '/tmp/flag-store.json', 'client-secret-file': file('flag-secret\n') },
      { env },
    );
    expect(b).toMatchObject({
      domain: 'env-account',
      store: '/tmp/flag-store.json',
      storeNamed: true,
      clientId: 'env-client',
      clientSecret: 'flag-secret',
      oauthFlags: true,
    });
    expect(b.accessToken).toBeUndefined();
    // A token file wins over everything.
    const c = await readAccountSettings(
      { 'token-file': file('  file-token \n'), store: '/tmp/x.json' },
      { env },
    );
    expect(c).toMatchObject({ accessToken: 'file-token', accessTokenSource: 'token-file' });
  });

  it('warns that --token shows in ps, refuses it with --token-file, and never echoes a secret file', async () => {
    const warnings: string[] = [];
    await readAccountSettings({ token: 'abc' }, { env: {}, warn: (m) => warnings.push(m) });
    expect(warnings.join()).toContain('ps');
    await expect(
      readAccountSettings({ token: 'a', 'token-file': file('b') }, { env: {} }),
    ).rejects.toThrow('not both');
    const empty = file('   \n');
    await expect(readAccountSettings({ 'client-secret-file': empty }, { env: {} })).rejects.toThrow(
      `${empty} is empty`,
    );
    const twoLines = file('secret-one\nsecret-two\n');
    const error = await readAccountSettings({ 'token-file': twoLines }, { env: {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(String(error)).not.toContain('secret-one');
    await expect(
      readAccountSettings({ 'token-file': '/nonexistent/token' }, { env: {} }),
    ).rejects.toThrow('ENOENT');
  });

  it('keys accounts as the SDK does and defaults the store to the config folder', () => {
    expect(accountKey({ domain: 'acme' })).toBe('acme.kommo.com');
    expect(accountKey({ domain: 'acme', baseUrl: 'http://127.0.0.1:4010' })).toBe('127.0.0.1:4010');
    expect(defaultStorePath({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u')).toBe(
      '/x/kommo/tokens.json',
    );
    expect(defaultStorePath({}, 'linux', '/home/u')).toBe('/home/u/.config/kommo/tokens.json');
    expect(defaultStorePath({ APPDATA: 'C:\\AppData' }, 'win32', 'C:\\Users\\u')).toContain(
      'kommo',
    );
  });

  it('connects with the store: its only account, a long-lived token, or an expired pair it cannot refresh', async () => {
    const store = join(dir(), 'tokens.json');
    await new FileTokenStore(store).set(
      '127.0.0.1:4010',
      longLivedEntry(jwt({ exp: 4_000_000_000, scopes: ['crm'] })),
    );
    const conn = await connectAccount({ store }, { env: {} });
    expect(conn).toMatchObject({
      key: '127.0.0.1:4010',
      credentials: 'store-token',
      mode: 'sandbox',
    });
    expect(conn.kommo.baseUrl).toBe('http://127.0.0.1:4010');
    expect(await conn.describeToken()).toEqual({
      kind: 'long-lived',
      expiresAt: 4_000_000_000,
      scopes: ['crm'],
    });

    await new FileTokenStore(store).set('acme.kommo.com', {
      access_token: jwt({}),
      refresh_token: 'def50200old',
      token_type: 'Bearer',
      expires_at: 1000,
    });
    await expect(connectAccount({ store }, { env: {} })).rejects.toThrow(
      'several accounts (127.0.0.1:4010, acme.kommo.com)',
    );
    await expect(connectAccount({ store, domain: 'acme' }, { env: {} })).rejects.toThrow(
      /expired at 1970.*--client-id/,
    );
    await expect(
      connectAccount({ store, domain: 'acme', 'client-id': 'x' }, { env: {} }),
    ).rejects.toThrow('Incomplete OAuth settings');
    const refreshing = await connectAccount(
      {
        store,
        domain: 'acme',
        'client-id': 'x',
        'client-secret-file': file('s'),
        'redirect-uri': 'https://example.com/cb',
      },
      { env: {} },
    );
    expect(refreshing).toMatchObject({
      credentials: 'store-oauth',
      mode: 'account',
      key: 'acme.kommo.com',
    });
    await expect(connectAccount({ store, domain: 'other' }, { env: {} })).rejects.toThrow(
      'Not logged in to other.kommo.com',
    );
    await expect(connectAccount({}, { env: { XDG_CONFIG_HOME: dir() } })).rejects.toThrow(
      'No Kommo account given: pass --domain <host> or --base-url <url>',
    );
  });

  it('starts an in-process sandbox for --sandbox, and refuses it mixed with an account', async () => {
    const conn = await connectAccount({ sandbox: true }, { env: { KOMMO_DOMAIN: 'ignored' } });
    try {
      expect(conn.mode).toBe('sandbox');
      expect((await conn.kommo.account.get()).name).toBe('Sandbox Sales');
    } finally {
      await conn.close();
    }
    await expect(connectAccount({ sandbox: true, domain: 'acme' }, { env: {} })).rejects.toThrow(
      '--sandbox starts its own account: drop --domain',
    );
  });

  it('reads a token’s expiry and scopes without trusting it', () => {
    expect(tokenClaims(jwt({ exp: 5, scopes: ['crm', 1], account_id: 7 }))).toEqual({
      exp: 5,
      scopes: ['crm'],
      accountId: 7,
    });
    expect(tokenClaims('opaque')).toEqual({});
    expect(tokenClaims('a.%%%.c')).toEqual({});
  });
});

describe('colours', () => {
  it('are on for a terminal only, and off with a non-empty NO_COLOR or TERM=dumb', async () => {
    const { palette } = await import('../src/io.js');
    expect(palette({ write: () => true, isTTY: true }, {}).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(palette({ write: () => true, isTTY: false }, {}).red('x')).toBe('x');
    expect(palette({ write: () => true, isTTY: true }, { NO_COLOR: '1' }).red('x')).toBe('x');
    expect(palette({ write: () => true, isTTY: true }, { NO_COLOR: '' }).enabled).toBe(true);
    expect(palette({ write: () => true, isTTY: true }, { TERM: 'dumb' }).enabled).toBe(false);
  });
});

describe('kommo-cli/account types', () => {
  it('types parseArgs values as AccountFlags with no cast', async () => {
    const { accountParseArgsOptions: options } = await import('../src/account.js');
    const { values } = parseArgs({
      args: ['--domain', 'acme', '--sandbox'],
      options: options(),
      strict: true,
    });
    const flags: import('../src/account.js').AccountFlags = values;
    expect(flags).toEqual({ domain: 'acme', sandbox: true });
  });
});

describe('the package', () => {
  it('reports its own version and depends on the kommo-sdk of this repository', async () => {
    const { readFileSync } = await import('node:fs');
    const { VERSION } = await import('../src/version.js');
    const cli = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'),
    ) as {
      version: string;
      dependencies: Record<string, string>;
    };
    const sdk = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8'),
    ) as {
      version: string;
      dependencies: Record<string, string>;
    };
    expect(VERSION).toBe(cli.version);
    // Released together: the same version, and a range that the repository's kommo-sdk meets
    // (npm links it only then; otherwise it would look for kommo-sdk in the registry).
    expect(cli.version).toBe(sdk.version);
    expect(cli.dependencies['kommo-sdk']).toBe(`^${sdk.version}`);
    // What kommo-sdk's users install stays ky and zod.
    expect(Object.keys(sdk.dependencies).sort()).toEqual(['ky', 'zod']);
  });
});
