/**
 * Scenario: OAuth 2.0 for a Kommo integration — authorization URL → the user approves →
 * redirect to a local callback → code exchange → tokens in a `FileTokenStore` → API calls that
 * refresh the token by themselves (refresh tokens rotate; the store always holds the newest).
 *
 * Run: `npx tsx examples/oauth-flow.ts`. Against the sandbox the "browser" is simulated. For
 * a real integration set `KOMMO_CLIENT_ID`, `KOMMO_CLIENT_SECRET` and `KOMMO_REDIRECT_URI`
 * (an `http://127.0.0.1:<port>/…` URI registered for the integration), open the printed URL
 * and approve; tokens land in `--token-file` or `KOMMO_TOKEN_FILE` (default `.kommo/tokens.json`,
 * a folder `.gitignore` covers), where `Kommo.fromEnv()` reads them. No token is ever printed.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DEFAULT_TOKEN_FILE,
  FileTokenStore,
  Kommo,
  KommoOAuth,
  readKommoEnv,
  type OAuthCredentials,
} from 'kommo-sdk';
import { startSandbox } from 'kommo-sdk/sandbox';

/** Options of {@link oauthFlow}. */
export interface OAuthFlowOptions {
  credentials: OAuthCredentials;
  /** Where the token pair is kept. */
  tokenFile: string;
  /** The sandbox (or proxy) base URL; absent for real Kommo. */
  baseUrl?: string;
  /** Sends the user to the consent page: opens a browser, or simulates one for the sandbox. */
  authorize: (url: string) => Promise<void>;
  /** Makes the access token expire (sandbox only), to show the unattended refresh. */
  expireAccessToken?: () => void;
  /** How long to wait for the redirect. @defaultValue 300000 */
  timeoutMs?: number;
}

/** What the scenario did, for the demo's checks. */
export interface OAuthFlowResult {
  /** The account host the code was issued for. */
  domain: string;
  accountName: string;
  /** `true` when the access token was refreshed after it expired. */
  refreshed: boolean;
  /** `true` when the stored refresh token changed with the refresh (rotation kept). */
  refreshTokenRotated: boolean;
}

interface Callback {
  code: string;
  state: string;
  referer: string;
}

/** Listens on the redirect URI's port and resolves with the first valid callback. */
function waitForCallback(
  redirectUri: string,
  timeoutMs: number,
): { ready: Promise<void>; callback: Promise<Callback>; close: () => void } {
  const target = new URL(redirectUri);
  let resolveCallback!: (value: Callback) => void;
  let rejectCallback!: (error: Error) => void;
  const callback = new Promise<Callback>((resolve, reject) => {
    resolveCallback = resolve;
    rejectCallback = reject;
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', redirectUri);
    const code = url.searchParams.get('code');
    const state = url.searchParams.get('state');
    const referer = url.searchParams.get('referer');
    if (url.pathname !== target.pathname || !code || !state || !referer) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/plain' })
      .end('Connected to Kommo. You can close this tab.');
    resolveCallback({ code, state, referer });
  });
  const timer = setTimeout(
    () => rejectCallback(new Error('No OAuth redirect before the timeout')),
    timeoutMs,
  );
  const ready = new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(target.port || 80), target.hostname, () => resolve());
  });
  return {
    ready,
    callback,
    close: () => {
      clearTimeout(timer);
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Runs the flow; `log` prints one line of readable output. */
export async function oauthFlow(
  options: OAuthFlowOptions,
  log: (line: string) => void,
): Promise<OAuthFlowResult> {
  const { credentials, baseUrl } = options;
  const oauth = new KommoOAuth({ ...credentials, ...(baseUrl ? { baseUrl } : {}) });
  const listener = waitForCallback(credentials.redirectUri, options.timeoutMs ?? 300_000);
  try {
    await listener.ready;
    const state = await oauth.createState();
    const url = oauth.authorizationUrl({ state });
    log(`1. consent page: ${url.replace(/state=[^&]+/, 'state=…')}`);
    await options.authorize(url);
    const callback = await listener.callback;
    if (!(await oauth.verifyState(callback.state, state)))
      throw new Error('OAuth state mismatch (CSRF?)');
    log(`2. redirect received for ${callback.referer}; state verified`);
    const { domain, tokens } = await oauth.exchangeCode({
      code: callback.code,
      referer: callback.referer,
    });
    log(
      `3. code exchanged; access token valid until ${new Date(tokens.expires_at * 1000).toISOString()}`,
    );

    const store = new FileTokenStore(options.tokenFile);
    const kommo = new Kommo({
      ...(baseUrl ? { baseUrl } : { domain }),
      oauth: credentials,
      tokenStore: store,
      tokens,
    });
    const key = baseUrl ? new URL(baseUrl).host : kommo.domain;
    const account = await kommo.account.get();
    log(
      `4. API call with the stored pair: account "${account.name ?? ''}" (tokens in ${options.tokenFile})`,
    );

    let refreshed = false;
    let refreshTokenRotated = false;
    if (options.expireAccessToken) {
      const before = (await store.get(key))?.refresh_token;
      options.expireAccessToken();
      await kommo.account.get();
      const after = (await store.get(key))?.refresh_token;
      refreshed = after !== undefined && after !== before;
      refreshTokenRotated = refreshed;
      log(
        `5. access token expired → the SDK refreshed it on its own; new refresh token saved: ${refreshTokenRotated ? 'yes' : 'no'}`,
      );
    }
    return { domain, accountName: account.name ?? '', refreshed, refreshTokenRotated };
  } finally {
    listener.close();
  }
}

/** A free loopback port (for the sandbox's redirect URI). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The sandbox's consent page approves at once: follow its redirect as a browser would. */
export async function simulatedBrowser(url: string): Promise<void> {
  const consent = await fetch(url, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (consent.status !== 302 || !location)
    throw new Error(`Consent page answered ${consent.status}`);
  await (await fetch(location)).text();
}

const USAGE = `Usage: npx tsx examples/oauth-flow.ts [--token-file <file>]

OAuth 2.0: consent page → redirect to a local callback → code exchange → tokens in a file →
API calls that refresh the token by themselves.

With KOMMO_CLIENT_ID, KOMMO_CLIENT_SECRET and KOMMO_REDIRECT_URI set (or in ./.env; the URI an
http://127.0.0.1:<port>/... one registered for your integration), open the printed URL and
approve. Without them, a local sandbox plays Kommo and the browser.

Options:
  --token-file <file>  where the pair is saved (default: KOMMO_TOKEN_FILE, else
                       .kommo/tokens.json; a temporary file against the sandbox)
  -h, --help           show this help
`;

async function main(flags: { 'token-file'?: string | undefined }): Promise<void> {
  // ./.env when there is one (Node ≥ 20.12); variables already set win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const env = readKommoEnv();
  const { clientId, clientSecret, redirectUri } = env;
  if (clientId && clientSecret && redirectUri) {
    const tokenFile = flags['token-file'] ?? env.tokenFile ?? DEFAULT_TOKEN_FILE;
    await mkdir(dirname(tokenFile), { recursive: true });
    console.log('oauth-flow → Kommo (open the URL below in a browser and approve)');
    await oauthFlow(
      {
        credentials: { clientId, clientSecret, redirectUri },
        tokenFile,
        ...(env.baseUrl ? { baseUrl: env.baseUrl } : {}),
        authorize: async (url) => console.log(`   open: ${url}`),
      },
      (line) => console.log(`  ${line}`),
    );
    return;
  }
  if (clientId || clientSecret || redirectUri) {
    console.error('✗ Set all of KOMMO_CLIENT_ID, KOMMO_CLIENT_SECRET and KOMMO_REDIRECT_URI');
    process.exitCode = 2;
    return;
  }
  const port = await freePort();
  const sandbox = await startSandbox({
    oauth: { redirectUri: `http://127.0.0.1:${port}/oauth/callback` },
  });
  const dir = await mkdtemp(join(tmpdir(), 'kommo-oauth-'));
  console.log(`oauth-flow → local sandbox at ${sandbox.url}`);
  try {
    await oauthFlow(
      {
        credentials: sandbox.oauth,
        baseUrl: sandbox.url,
        tokenFile: flags['token-file'] ?? join(dir, 'tokens.json'),
        authorize: simulatedBrowser,
        expireAccessToken: () => sandbox.expireAccessTokens(),
      },
      (line) => console.log(`  ${line}`),
    );
  } finally {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let flags;
  try {
    ({ values: flags } = parseArgs({
      options: { 'token-file': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    // An unknown flag or a missing value: say so, show the usage, exit 2.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (flags.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  main(flags).catch((error: unknown) => {
    // SDK errors never carry a token: one line is enough.
    console.error(
      `✗ ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    process.exitCode = 1;
  });
}
