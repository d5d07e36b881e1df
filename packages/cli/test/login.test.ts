import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from 'kommo-sdk/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanEnv, runKommo, startKommo, tempDir, waitFor } from './support/cli.js';
import { freePort } from './support/sandbox.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function oauthSandbox(): Promise<{
  sandbox: Sandbox;
  redirectUri: string;
  secretFile: string;
  dir: string;
}> {
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${String(port)}/callback`;
  sandbox = await startSandbox({ rateLimit: false, oauth: { redirectUri } });
  const dir = tempDir();
  const secretFile = join(dir, 'secret.txt');
  writeFileSync(secretFile, `${sandbox.oauth.clientSecret}\n`, { mode: 0o600 });
  return { sandbox, redirectUri, secretFile, dir };
}

function oauthArgs(s: Sandbox, redirectUri: string, secretFile: string, store: string): string[] {
  return [
    '--base-url',
    s.url,
    '--client-id',
    s.oauth.clientId,
    '--client-secret-file',
    secretFile,
    '--redirect-uri',
    redirectUri,
    '--store',
    store,
  ];
}

/** Plays the browser: follows the consent URL to the sandbox's authorize endpoint, then its redirect. */
async function approve(consentUrl: string, tamper?: (url: URL) => void): Promise<Response> {
  const consent = await fetch(consentUrl, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const callback = new URL(consent.headers.get('location') ?? '');
  tamper?.(callback);
  return fetch(callback, { redirect: 'manual' });
}

function consentUrlIn(stdout: string): string | undefined {
  return /(http:\/\/127\.0\.0\.1:\d+\/oauth\?\S+)/.exec(stdout)?.[1];
}

describe('kommo login', () => {
  it('completes the OAuth round trip and saves the pair in a 0600 store under the account', async () => {
    const { sandbox: s, redirectUri, secretFile, dir } = await oauthSandbox();
    const store = join(dir, 'config', 'tokens.json');
    const run = startKommo(['login', ...oauthArgs(s, redirectUri, secretFile, store)]);
    await waitFor(() => consentUrlIn(run.output().stdout) !== undefined, 'the consent URL');
    const page = await approve(consentUrlIn(run.output().stdout) as string);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Logged in');
    const result = await run.done;

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Logged in to Sandbox Sales');
    expect(statSync(store).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(store, 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    const key = new URL(s.url).host;
    expect(Object.keys(saved)).toEqual([key]);
    expect(saved[key]?.['access_token']).toMatch(/^ey/);
    expect(saved[key]?.['refresh_token']).toMatch(/^def50200/);
    expect(s.stats.tokenExchanges).toBe(1);
    // Nothing secret on the terminal.
    expect(result.stdout + result.stderr).not.toContain(s.oauth.clientSecret);
    expect(result.stdout + result.stderr).not.toContain(String(saved[key]?.['refresh_token']));

    // Later commands use (and refresh) the stored pair.
    s.expireAccessTokens();
    const who = await runKommo([
      'whoami',
      '--json',
      ...oauthArgs(s, redirectUri, secretFile, store),
    ]);
    expect(who.code).toBe(0);
    const me = JSON.parse(who.stdout) as {
      account: { name: string };
      token: { kind: string; scopes: string[] };
    };
    expect(me.account.name).toBe('Sandbox Sales');
    expect(me.token.kind).toBe('oauth');
    expect(me.token.scopes).toEqual(['crm', 'notifications']);
    expect(s.stats.refreshes).toBe(1);
    const rotated = JSON.parse(readFileSync(store, 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    expect(rotated[key]?.['refresh_token']).not.toBe(saved[key]?.['refresh_token']);

    const out = await runKommo(['logout', '--base-url', s.url, '--store', store]);
    expect(out.code).toBe(0);
    expect(JSON.parse(readFileSync(store, 'utf8'))).toEqual({});
  });

  it('refuses a redirect whose state it did not create, and saves nothing', async () => {
    const { sandbox: s, redirectUri, secretFile, dir } = await oauthSandbox();
    const store = join(dir, 'tokens.json');
    const run = startKommo(['login', ...oauthArgs(s, redirectUri, secretFile, store)]);
    await waitFor(() => consentUrlIn(run.output().stdout) !== undefined, 'the consent URL');
    const page = await approve(consentUrlIn(run.output().stdout) as string, (url) => {
      url.searchParams.set('state', 'forged.state.value');
    });
    expect(page.status).toBe(400);
    const result = await run.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('state');
    expect(() => statSync(store)).toThrow();
    expect(s.stats.tokenExchanges).toBe(0);
  });

  it('rehearses the round trip with --sandbox, against a sandbox of its own', async () => {
    const store = join(tempDir(), 'tokens.json');
    const run = startKommo(['login', '--sandbox', '--store', store, '--json']);
    await waitFor(() => consentUrlIn(run.output().stdout) !== undefined, 'the consent URL');
    expect((await approve(consentUrlIn(run.output().stdout) as string)).status).toBe(200);
    const result = await run.done;
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as {
      account: string;
      kind: string;
    };
    expect(printed.kind).toBe('oauth');
    expect(Object.keys(JSON.parse(readFileSync(store, 'utf8')) as object)).toEqual([
      printed.account,
    ]);
  });

  it('asks for the address the browser landed on when the redirect URI is not a loopback one', async () => {
    const redirectUri = 'https://integration.example.com/kommo/callback';
    sandbox = await startSandbox({ rateLimit: false, oauth: { redirectUri } });
    const dir = tempDir();
    const secretFile = join(dir, 'secret.txt');
    writeFileSync(secretFile, sandbox.oauth.clientSecret);
    const store = join(dir, 'tokens.json');
    const run = startKommo(['login', ...oauthArgs(sandbox, redirectUri, secretFile, store)]);
    await waitFor(() => consentUrlIn(run.output().stdout) !== undefined, 'the consent URL');
    const consent = await fetch(consentUrlIn(run.output().stdout) as string, {
      redirect: 'manual',
    });
    const landed = consent.headers.get('location') ?? '';
    expect(landed.startsWith(redirectUri)).toBe(true);
    run.child.stdin.end(`${landed}\n`);
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(store, 'utf8')) as object)).toEqual([
      new URL(sandbox.url).host,
    ]);
  });

  it('saves a long-lived token read from stdin, and later commands find the account by themselves', async () => {
    sandbox = await startSandbox({ rateLimit: false });
    const env = cleanEnv();
    const login = await runKommo(['login', '--token', '--base-url', sandbox.url, '--json'], {
      env,
      input: `${sandbox.accessToken}\n`,
    });
    expect(login.code).toBe(0);
    const result = JSON.parse(login.stdout) as { store: string; kind: string };
    expect(result.kind).toBe('long-lived');
    expect(result.store).toBe(join(env['XDG_CONFIG_HOME'] as string, 'kommo', 'tokens.json'));
    expect(statSync(result.store).mode & 0o777).toBe(0o600);
    expect(login.stdout + login.stderr).not.toContain(sandbox.accessToken);

    // No flag at all: the store's only account, its long-lived token.
    const who = await runKommo(['whoami'], { env });
    expect(who.code).toBe(0);
    expect(who.stdout).toMatch(/Account\s+Sandbox Sales/);
    expect(who.stdout).toMatch(/Token\s+long-lived/);
  });

  it('refuses a token Kommo does not accept, and saves nothing', async () => {
    sandbox = await startSandbox({ rateLimit: false });
    const env = cleanEnv();
    const login = await runKommo(['login', '--token', '--base-url', sandbox.url], {
      env,
      input: 'not-a-valid-token\n',
    });
    expect(login.code).toBe(1);
    expect(login.stderr).toContain('401');
    expect(() =>
      statSync(join(env['XDG_CONFIG_HOME'] as string, 'kommo', 'tokens.json')),
    ).toThrow();
  });
});
