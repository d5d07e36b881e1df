/**
 * `kommo login`, `kommo logout`, `kommo whoami`.
 *
 * `login` runs the OAuth code flow with a loopback callback server (or, when the redirect URI
 * is not a loopback `http` address with a port, asks for the address the browser landed on),
 * checks `state`, exchanges the code with the SDK's `KommoOAuth` and saves the pair in a
 * `FileTokenStore` (mode 0600) under the account's key. `login --token` saves a private
 * integration's long-lived token read from stdin or a hidden prompt.
 *
 * @module
 */

import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { FileTokenStore, Kommo, KommoOAuth, normalizeDomain, type TokenSet } from 'kommo-sdk';
import {
  accountKey,
  longLivedEntry,
  readAccountSettings,
  storeKeys,
  type AccountSettings,
} from '../account.js';
import { CliError, EXIT, palette, printJson, readAll, UsageError, type Io } from '../io.js';
import { addAccountOptions, positiveInt, type CommandContext, type Wrap } from '../program.js';

/** What the browser's redirect carried. */
interface Redirect {
  code?: string;
  state?: string;
  referer?: string;
  error?: string;
}

function redirectOf(params: URLSearchParams): Redirect {
  const out: Redirect = {};
  for (const key of ['code', 'state', 'referer', 'error'] as const) {
    const value = params.get(key);
    if (value !== null && value !== '') out[key] = value;
  }
  return out;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The loopback address to listen on for a redirect URI, or undefined when it is not one. */
function loopbackListen(
  redirectUri: string,
): { host: string; port: number; path: string } | undefined {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    throw new UsageError(`--redirect-uri ${JSON.stringify(redirectUri)} is not a URL`);
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  // No port means 80, which only root may open: the caller falls back to pasting on EACCES.
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? 80 : Number(url.port),
    path: url.pathname,
  };
}

const PAGE = (title: string, text: string): string =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p></body>\n`;

/** Serves the redirect once: resolves with its query (or rejects on timeout). */
async function awaitCallback(
  where: { host: string; port: number; path: string },
  timeoutMs: number,
  onListening: () => void,
): Promise<{ redirect: Redirect; answer: (ok: boolean, text: string) => void }> {
  let server: Server | undefined;
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new CliError(
            `no answer from the browser within ${String(Math.round(timeoutMs / 1000))} s`,
          ),
        );
      }, timeoutMs);
      server = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://callback.invalid');
        if (req.method !== 'GET' || url.pathname !== where.path) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
          return;
        }
        clearTimeout(timer);
        resolve({
          redirect: redirectOf(url.searchParams),
          answer: (ok, text) => {
            res
              .writeHead(ok ? 200 : 400, {
                'content-type': 'text/html; charset=utf-8',
                connection: 'close',
              })
              .end(PAGE(ok ? 'Logged in' : 'Login failed', text));
          },
        });
      });
      server.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(error);
      });
      server.listen(where.port, where.host, onListening);
    });
  } finally {
    // Answered (or failed): stop listening; the open response still completes.
    const s = server;
    if (s) setImmediate(() => s.close());
  }
}

/** Opens a URL in the default browser; failures only warn (the URL is printed anyway). */
function openBrowser(url: string, warn: (m: string) => void): void {
  // Three commands do not need a dependency (`open` brings six for the same spawn).
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => warn(`could not start ${command}: open the URL yourself`));
    child.unref();
  } catch {
    warn(`could not start ${command}: open the URL yourself`);
  }
}

/** Asks one question on the terminal (hidden for secrets), or reads stdin when it is not one. */
async function ask(io: Io, message: string, secret: boolean): Promise<string> {
  if (io.stdin.isTTY === true) {
    const prompts = await import('@clack/prompts');
    const answer = await (secret ? prompts.password : prompts.text)({
      message,
      input: io.stdin,
      output: process.stderr,
    });
    if (prompts.isCancel(answer)) throw new CliError('cancelled');
    return answer.trim();
  }
  if (secret) return (await readAll(io.stdin)).trim();
  const lines = createInterface({ input: io.stdin });
  for await (const line of lines) {
    lines.close();
    return line.trim();
  }
  return '';
}

async function saveTokens(path: string, key: string, tokens: TokenSet): Promise<void> {
  // The folder is private too: other users need not know which accounts you use.
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await new FileTokenStore(path).set(key, tokens);
}

function needOAuth(s: AccountSettings): {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
} {
  const missing = [
    ['clientId', '--client-id (or KOMMO_CLIENT_ID)'],
    ['clientSecret', '--client-secret-file (or KOMMO_CLIENT_SECRET)'],
    ['redirectUri', '--redirect-uri (or KOMMO_REDIRECT_URI)'],
  ].filter(([name]) => s[name as keyof AccountSettings] === undefined);
  if (missing.length > 0)
    throw new UsageError(
      `OAuth login needs the integration: ${missing.map(([, flag]) => flag).join(', ')}; for a long-lived token use --token`,
    );
  return {
    clientId: s.clientId as string,
    clientSecret: s.clientSecret as string,
    redirectUri: s.redirectUri as string,
  };
}

interface LoginOptions {
  token?: boolean;
  open?: boolean;
  timeout?: number;
  json?: boolean;
}

async function tokenLogin(
  ctx: CommandContext,
  s: AccountSettings,
  options: LoginOptions,
): Promise<number> {
  if (s.domain === undefined && s.baseUrl === undefined)
    throw new UsageError(
      'kommo login --token needs the account: --domain <host> or --base-url <url>',
    );
  const key = accountKey(s);
  const token =
    s.accessTokenSource === 'token-file'
      ? (s.accessToken as string)
      : await ask(ctx.io, `Paste the long-lived token of ${key} (hidden)`, true);
  if (token === '' || /\s/.test(token)) throw new CliError('no token given (one line, no spaces)');
  // Saved only once Kommo accepts it.
  const kommo = new Kommo({
    ...(s.domain !== undefined ? { domain: s.domain } : {}),
    ...(s.baseUrl !== undefined ? { baseUrl: s.baseUrl } : {}),
    accessToken: token,
  });
  const account = await kommo.account.get();
  await saveTokens(s.store, key, longLivedEntry(token));
  return done(ctx, options, { key, store: s.store, name: account.name ?? key, kind: 'long-lived' });
}

function done(
  ctx: CommandContext,
  options: LoginOptions,
  result: { key: string; store: string; name: string; kind: string; expiresAt?: number },
): number {
  if (options.json)
    printJson(ctx.io, {
      account: result.key,
      name: result.name,
      store: result.store,
      kind: result.kind,
      ...(result.expiresAt ? { expires_at: result.expiresAt } : {}),
    });
  else {
    const out = palette(ctx.io.stdout, ctx.io.env);
    ctx.io.stdout.write(
      `${out.green('✓')} Logged in to ${out.bold(result.name)} (${result.key}); ${result.kind === 'oauth' ? 'token pair' : 'long-lived token'} saved in ${result.store} (mode 0600)\n`,
    );
  }
  return EXIT.ok;
}

async function oauthLogin(
  ctx: CommandContext,
  s: AccountSettings,
  options: LoginOptions,
): Promise<number> {
  const integration = needOAuth(s);
  const oauth = new KommoOAuth({
    ...integration,
    ...(s.baseUrl !== undefined ? { baseUrl: s.baseUrl } : {}),
  });
  const expected = await oauth.createState();
  const url = oauth.authorizationUrl({ state: expected });
  const listen = loopbackListen(integration.redirectUri);
  const show = (): void => {
    ctx.io.stdout.write(`Open this page and allow access:\n\n  ${url}\n\n`);
    if (options.open) openBrowser(url, (m) => ctx.warn(m));
  };

  let redirect: Redirect;
  let answer: (ok: boolean, text: string) => void = () => undefined;
  if (listen) {
    try {
      const got = await awaitCallback(listen, (options.timeout ?? 300) * 1000, () => {
        show();
        ctx.note(`Waiting for the redirect on ${integration.redirectUri} …`);
      });
      redirect = got.redirect;
      answer = got.answer;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EACCES' && code !== 'EADDRINUSE' && code !== 'EADDRNOTAVAIL') throw error;
      ctx.warn(`cannot listen on ${integration.redirectUri} (${code}): paste the address instead`);
      show();
      redirect = await pasted(ctx);
    }
  } else {
    show();
    redirect = await pasted(ctx);
  }

  try {
    if (redirect.error !== undefined)
      throw new CliError(`Kommo answered ${redirect.error}: access was not granted`);
    if (redirect.code === undefined) throw new CliError('the redirect carried no code');
    if (redirect.state !== undefined || redirect.referer !== undefined) {
      // A redirect (not a code copied from the integration's modal) must carry our state.
      if (!(await oauth.verifyState(redirect.state, expected)))
        throw new CliError(
          'the redirect carried a state this login did not create (possible CSRF): nothing was saved',
        );
    }
    const referer =
      redirect.referer ?? (s.domain !== undefined ? normalizeDomain(s.domain) : undefined);
    if (referer === undefined)
      throw new UsageError('a bare code needs the account: --domain <host>');
    const { domain, tokens } = await oauth.exchangeCode({ code: redirect.code, referer });
    if (s.baseUrl === undefined && s.domain !== undefined && normalizeDomain(s.domain) !== domain)
      throw new CliError(
        `access was granted to ${domain}, not ${normalizeDomain(s.domain)}: nothing was saved`,
      );
    const key = s.baseUrl !== undefined ? accountKey(s) : domain;
    await saveTokens(s.store, key, tokens);
    answer(true, `The token pair of ${domain} is saved. You can close this tab.`);
    let name = domain;
    try {
      const kommo = new Kommo({
        ...(s.baseUrl !== undefined ? { baseUrl: s.baseUrl } : { domain }),
        accessToken: tokens.access_token,
      });
      name = (await kommo.account.get()).name ?? domain;
    } catch {
      ctx.warn('saved, but reading the account with the new token failed; try kommo whoami');
    }
    return done(ctx, options, {
      key,
      store: s.store,
      name,
      kind: 'oauth',
      expiresAt: tokens.expires_at,
    });
  } catch (error) {
    answer(false, 'Go back to the terminal for details.');
    throw error;
  }
}

/**
 * `login --sandbox`: the OAuth round trip against a sandbox started for it, whose integration
 * redirects to a free loopback port. Its consent page approves at once; the pair is saved
 * like any other (and useless once the sandbox stops with the command: it is a rehearsal).
 */
async function sandboxLogin(
  ctx: CommandContext,
  s: AccountSettings,
  options: LoginOptions,
): Promise<number> {
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (typeof address === 'object' && address) resolve(address.port);
        else reject(new Error('no free port'));
      });
    });
  });
  const { startSandbox } = await import('kommo-sdk/sandbox');
  const sandbox = await startSandbox({
    rateLimit: false,
    oauth: { redirectUri: `http://127.0.0.1:${String(port)}/callback` },
  });
  try {
    ctx.note(`sandbox at ${sandbox.url}: its consent page approves at once`);
    return await oauthLogin(
      ctx,
      {
        ...s,
        baseUrl: sandbox.url,
        clientId: sandbox.oauth.clientId,
        clientSecret: sandbox.oauth.clientSecret,
        redirectUri: sandbox.oauth.redirectUri,
      },
      options,
    );
  } finally {
    await sandbox.close();
  }
}

async function pasted(ctx: CommandContext): Promise<Redirect> {
  const text = await ask(
    ctx.io,
    'Paste the address your browser was sent to (or the authorization code)',
    false,
  );
  if (text === '') throw new CliError('nothing was pasted');
  if (/^https?:\/\//i.test(text)) return redirectOf(new URL(text).searchParams);
  return { code: text };
}

/** Registers `login`, `logout` and `whoami`. */
export function registerAuth(program: Command, wrap: Wrap): void {
  const login = program
    .command('login')
    .description(
      'Log in to an account: OAuth in the browser, or --token for a long-lived token; saves it in the token store',
    )
    .option(
      '--token',
      "save a private integration's long-lived token, read from stdin or a hidden prompt",
    )
    .option('--open', 'open the consent page in the default browser')
    .option(
      '--timeout <seconds>',
      'how long to wait for the browser',
      positiveInt('timeout', 3600),
      300,
    )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
OAuth needs the integration's --client-id, --client-secret-file and --redirect-uri (or the
KOMMO_CLIENT_* variables). With a loopback redirect URI that has a port
(http://127.0.0.1:8976/callback), kommo listens there for the redirect; otherwise it asks for
the address the browser landed on, or a code copied from the integration's settings.
The pair is saved in --store (default ~/.config/kommo/tokens.json, mode 0600) under the
account, and refreshed by every later command given the same client settings.

Examples:
  kommo login --domain acme --client-id 1f2e… --client-secret-file secret.txt --redirect-uri http://127.0.0.1:8976/callback --open
  kommo login --token --domain acme < token.txt`,
    );
  addAccountOptions(login, [
    'sandbox',
    'domain',
    'base-url',
    'token-file',
    'store',
    'client-id',
    'client-secret-file',
    'redirect-uri',
  ]);
  login.action(
    wrap(async (ctx, opts) => {
      const options = opts as LoginOptions;
      // Here --token is a switch (token mode), not the account flag that carries a value.
      const s = await readAccountSettings(
        { ...ctx.account, token: undefined, sandbox: undefined },
        { env: ctx.io.env },
      );
      if (options.token || ctx.account['token-file'] !== undefined)
        return tokenLogin(ctx, s, options);
      if (ctx.account.sandbox === true) return sandboxLogin(ctx, s, options);
      return oauthLogin(ctx, s, options);
    }),
  );

  const logout = program
    .command('logout')
    .description("Forget an account's token (removes it from the token store)")
    .option('--json', 'print the result as JSON');
  addAccountOptions(logout, ['domain', 'base-url', 'store']);
  logout.action(
    wrap(async (ctx, opts) => {
      const s = await readAccountSettings(ctx.account, { env: ctx.io.env });
      let key: string;
      if (s.domain !== undefined || s.baseUrl !== undefined) key = accountKey(s);
      else {
        const keys = await storeKeys(s.store);
        if (keys.length !== 1)
          throw new UsageError(
            keys.length === 0
              ? `the token store ${s.store} holds no account`
              : `pick an account with --domain or --base-url: ${keys.join(', ')}`,
          );
        key = keys[0] as string;
      }
      const store = new FileTokenStore(s.store);
      const had = (await store.get(key)) !== null;
      if (had) await store.delete(key);
      if ((opts as { json?: boolean }).json)
        printJson(ctx.io, { account: key, store: s.store, removed: had });
      else
        ctx.io.stdout.write(
          had
            ? `Logged out of ${key} (removed from ${s.store})\n`
            : `Not logged in to ${key} (${s.store})\n`,
        );
      return had ? EXIT.ok : EXIT.failure;
    }),
  );

  const whoami = program
    .command('whoami')
    .description('Show the account, the user, and the token in use (expiry, scopes)')
    .option('--json', 'print the result as JSON');
  addAccountOptions(whoami);
  whoami.action(
    wrap(async (ctx, opts) => {
      const conn = await ctx.connect();
      try {
        const account = await conn.kommo.account.get();
        const userId = account.current_user_id ?? undefined;
        const user = userId ? await conn.kommo.users.get(userId).catch(() => undefined) : undefined;
        const token = await conn.describeToken();
        const result = {
          account: {
            id: account.id,
            name: account.name ?? null,
            subdomain: account.subdomain ?? null,
            host: conn.key,
            url: conn.kommo.baseUrl,
          },
          user: user
            ? {
                id: user.id,
                name: user.name ?? null,
                email: user.email ?? null,
                is_admin: user.rights?.is_admin ?? null,
              }
            : userId
              ? { id: userId }
              : null,
          token: {
            kind: token.kind,
            source: conn.credentials,
            store: conn.store ?? null,
            expires_at:
              token.expiresAt !== undefined && token.expiresAt < Number.MAX_SAFE_INTEGER
                ? token.expiresAt
                : null,
            scopes: token.scopes ?? null,
          },
        };
        if ((opts as { json?: boolean }).json) {
          printJson(ctx.io, result);
          return EXIT.ok;
        }
        const out = palette(ctx.io.stdout, ctx.io.env);
        const row = (label: string, value: string): void => {
          ctx.io.stdout.write(`${out.dim(label.padEnd(9))}${value}\n`);
        };
        row(
          'Account',
          `${out.bold(result.account.name ?? conn.key)} (${conn.key}, id ${String(account.id)})`,
        );
        if (user)
          row(
            'User',
            `${user.name ?? '?'}${user.email ? ` <${user.email}>` : ''} (id ${String(user.id)}${user.rights?.is_admin ? ', admin' : ''})`,
          );
        row(
          'Token',
          `${token.kind}${conn.store ? ` from ${conn.store}` : ''} (${conn.credentials})`,
        );
        const exp = result.token.expires_at;
        row(
          'Expires',
          exp === null ? 'unknown' : `${new Date(exp * 1000).toISOString()} (${relative(exp)})`,
        );
        row('Scopes', token.scopes?.join(', ') ?? 'unknown');
        return EXIT.ok;
      } finally {
        await conn.close();
      }
    }),
  );
}

function relative(epochSec: number): string {
  const sec = epochSec - Date.now() / 1000;
  const abs = Math.abs(sec);
  const text =
    abs >= 2 * 86_400
      ? `${String(Math.round(abs / 86_400))} days`
      : abs >= 3600
        ? `${String(Math.round(abs / 3600))} h`
        : `${String(Math.round(abs / 60))} min`;
  return sec >= 0 ? `in ${text}` : `${text} ago`;
}
