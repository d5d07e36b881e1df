import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  DEFAULT_TOKEN_FILE,
  FileTokenStore,
  Kommo,
  KommoOAuth,
  kommoOptionsFromEnv,
  MemoryTokenStore,
  readKommoEnv,
} from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

const TOKEN = 'secret-token-value-123';

describe('readKommoEnv', () => {
  it('reads every KOMMO_* variable and ignores blank ones', () => {
    expect(
      readKommoEnv({
        KOMMO_DOMAIN: ' acme.kommo.com ',
        KOMMO_BASE_URL: '',
        KOMMO_ACCESS_TOKEN: '   ',
        KOMMO_TOKEN_FILE: 't.json',
        KOMMO_CLIENT_ID: 'id',
        KOMMO_CLIENT_SECRET: 'secret',
        KOMMO_REDIRECT_URI: 'https://app.example.com/cb',
        OTHER: 'x',
      }),
    ).toEqual({
      domain: 'acme.kommo.com',
      tokenFile: 't.json',
      clientId: 'id',
      clientSecret: 'secret',
      redirectUri: 'https://app.example.com/cb',
    });
  });

  it('lets overrides win, except undefined or blank ones', () => {
    const env = { KOMMO_DOMAIN: 'acme', KOMMO_ACCESS_TOKEN: 'from-env' };
    expect(readKommoEnv(env, { domain: 'other', accessToken: undefined })).toEqual({
      domain: 'other',
      accessToken: 'from-env',
    });
    expect(readKommoEnv(env, { domain: '  ' }).domain).toBe('acme');
  });

  it('does not read inherited keys of a record', () => {
    const env = Object.create({ KOMMO_DOMAIN: 'inherited' }) as Record<string, string>;
    expect(readKommoEnv(env)).toEqual({});
    expect(readKommoEnv({ ['__proto__']: 'x', toString: 'y' })).toEqual({});
  });
});

describe('kommoOptionsFromEnv and Kommo.fromEnv', () => {
  it('builds a token client for a domain', () => {
    const kommo = Kommo.fromEnv({ KOMMO_DOMAIN: 'acme', KOMMO_ACCESS_TOKEN: TOKEN });
    expect(kommo.domain).toBe('acme.kommo.com');
    expect(kommo.baseUrl).toBe('https://acme.kommo.com');
    expect(kommo.authMode).toBe('token');
  });

  it('prefers the token over lingering OAuth variables', () => {
    const options = kommoOptionsFromEnv({
      KOMMO_DOMAIN: 'acme',
      KOMMO_ACCESS_TOKEN: TOKEN,
      KOMMO_CLIENT_ID: 'id',
      KOMMO_CLIENT_SECRET: 's',
      KOMMO_REDIRECT_URI: 'https://a.example.com/cb',
    });
    expect(options.accessToken).toBe(TOKEN);
    expect(options.oauth).toBeUndefined();
    expect(options.tokenStore).toBeUndefined();
  });

  it('builds an OAuth client with a FileTokenStore at KOMMO_TOKEN_FILE or the default', () => {
    const env = {
      KOMMO_DOMAIN: 'acme.amocrm.ru',
      KOMMO_CLIENT_ID: 'id',
      KOMMO_CLIENT_SECRET: 'secret',
      KOMMO_REDIRECT_URI: 'https://app.example.com/cb',
    };
    const withDefault = kommoOptionsFromEnv(env);
    expect(withDefault.oauth).toEqual({
      clientId: 'id',
      clientSecret: 'secret',
      redirectUri: 'https://app.example.com/cb',
    });
    expect((withDefault.tokenStore as FileTokenStore).path).toBe(DEFAULT_TOKEN_FILE);
    const withFile = kommoOptionsFromEnv({ ...env, KOMMO_TOKEN_FILE: '/tmp/x.json' });
    expect((withFile.tokenStore as FileTokenStore).path).toBe('/tmp/x.json');
    const store = new MemoryTokenStore();
    expect(kommoOptionsFromEnv(env, { tokenStore: store }).tokenStore).toBe(store);
    expect(Kommo.fromEnv(env).authMode).toBe('oauth');
  });

  it('passes other client options through and lets flags override the account', () => {
    const hooks = { onRequest: () => undefined };
    const options = kommoOptionsFromEnv(
      { KOMMO_DOMAIN: 'acme', KOMMO_ACCESS_TOKEN: TOKEN },
      { domain: 'beta.kommo.com', hooks, rateLimit: false },
    );
    expect(options).toEqual({
      domain: 'beta.kommo.com',
      accessToken: TOKEN,
      hooks,
      rateLimit: false,
    });
  });

  it('refuses a missing account, missing credentials and partial OAuth, naming the variables and no value', () => {
    const attempts = [
      {},
      { KOMMO_ACCESS_TOKEN: TOKEN },
      { KOMMO_DOMAIN: 'acme' },
      { KOMMO_DOMAIN: 'acme', KOMMO_CLIENT_ID: TOKEN },
    ];
    const messages = attempts.map((env) => {
      try {
        Kommo.fromEnv(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigurationError);
        expect((error as ConfigurationError).code).toBe('configuration_error');
        return (error as Error).message;
      }
      throw new Error(`accepted ${JSON.stringify(env)}`);
    });
    expect(messages[0]).toContain('KOMMO_DOMAIN');
    expect(messages[1]).toContain('No Kommo account configured');
    expect(messages[2]).toContain('KOMMO_ACCESS_TOKEN');
    expect(messages[3]).toContain('KOMMO_CLIENT_SECRET, KOMMO_REDIRECT_URI');
    for (const message of messages) expect(message).not.toContain(TOKEN);
  });

  it('refuses a domain that is not a Kommo account before any request', () => {
    expect(() =>
      Kommo.fromEnv({ KOMMO_DOMAIN: 'acme.kommo.com.evil.io', KOMMO_ACCESS_TOKEN: TOKEN }),
    ).toThrow(ConfigurationError);
  });
});

describe('Kommo.fromEnv against the sandbox', () => {
  let sandbox: Sandbox | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    sandbox = undefined;
    dir = undefined;
  });

  it('talks to KOMMO_BASE_URL with KOMMO_ACCESS_TOKEN', async () => {
    sandbox = await startSandbox({ rateLimit: false });
    const kommo = Kommo.fromEnv(
      { KOMMO_BASE_URL: sandbox.url, KOMMO_ACCESS_TOKEN: sandbox.accessToken },
      { rateLimit: false },
    );
    const ref = await kommo.leads.create({ name: 'From the environment' });
    expect(sandbox.state.leads.get(ref.id)?.name).toBe('From the environment');
  });

  it('uses the OAuth pair kept in KOMMO_TOKEN_FILE', async () => {
    sandbox = await startSandbox({ rateLimit: false });
    dir = await mkdtemp(join(tmpdir(), 'kommo-env-'));
    const file = join(dir, 'tokens.json');
    // The consent page approves at once; the redirect carries the code.
    const consent = await fetch(
      `${sandbox.url}/oauth?client_id=${sandbox.oauth.clientId}&state=s`,
      { redirect: 'manual' },
    );
    const location = new URL(consent.headers.get('location')!);
    const oauth = new KommoOAuth({ ...sandbox.oauth, baseUrl: sandbox.url });
    const { tokens } = await oauth.exchangeCode({
      code: location.searchParams.get('code')!,
      referer: location.searchParams.get('referer')!,
    });
    await new FileTokenStore(file).set(new URL(sandbox.url).host, tokens);
    const kommo = Kommo.fromEnv(
      {
        KOMMO_BASE_URL: sandbox.url,
        KOMMO_CLIENT_ID: sandbox.oauth.clientId,
        KOMMO_CLIENT_SECRET: sandbox.oauth.clientSecret,
        KOMMO_REDIRECT_URI: sandbox.oauth.redirectUri,
        KOMMO_TOKEN_FILE: file,
      },
      { rateLimit: false },
    );
    expect(kommo.authMode).toBe('oauth');
    expect((await kommo.account.get()).id).toBe(sandbox.state.account.id);
  });
});
