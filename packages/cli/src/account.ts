/**
 * `kommo-cli/account`: the account flags every `kommo` command (and `kommo-mcp`) accepts, and
 * how they become a connected `Kommo` client. Plain data and functions: no argument-parser
 * library here, so any tool can take exactly the same flags (the option specs are
 * `node:util` `parseArgs` ones).
 *
 * Resolution, flags winning over the `KOMMO_*` variables (read by the SDK's `readKommoEnv`):
 *
 * 1. `--sandbox`: a local sandbox started in this process; nothing else is read.
 * 2. The account: `--domain` and/or `--base-url`. Give either and `KOMMO_DOMAIN` /
 *    `KOMMO_BASE_URL` are ignored; give neither and they are read; with none of the four, the
 *    one account of the token store is used.
 * 3. The credentials, first match wins:
 *    - `--token-file <file>` or `--token <value>` (a long-lived or access token);
 *    - an OAuth flag (`--store`, `--client-id`, `--client-secret-file`, `--redirect-uri`):
 *      the token store, refreshed with the client settings (flags, else `KOMMO_CLIENT_*`);
 *      `KOMMO_ACCESS_TOKEN` is then ignored;
 *    - `KOMMO_ACCESS_TOKEN`;
 *    - the token store (`--store`, else `KOMMO_TOKEN_FILE`, else {@link defaultStorePath}):
 *      refreshed when the client settings are complete, else its access token is used as it
 *      is until it expires (and a long-lived token saved by `kommo login --token` forever).
 *
 * Secrets come from files, the environment or the store, never from the command line unless
 * `--token` is used (which warns: it shows in `ps`).
 *
 * @example With node:util parseArgs
 * ```ts
 * import { parseArgs } from 'node:util';
 * import { accountParseArgsOptions, connectAccount } from 'kommo-cli/account';
 *
 * const { values } = parseArgs({ options: { ...accountParseArgsOptions(), verbose: { type: 'boolean' } } });
 * const conn = await connectAccount(values, { warn: (m) => console.error(m) });
 * try {
 *   console.log(await conn.kommo.account.get());
 * } finally {
 *   await conn.close();
 * }
 * ```
 * @module
 */

import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigurationError,
  FileTokenStore,
  Kommo,
  KOMMO_ENV_VARS,
  normalizeDomain,
  readKommoEnv,
  type KommoEnv,
  type KommoFromEnvOverrides,
  type TokenSet,
} from 'kommo-sdk';
import type { KommoConnection, SandboxOptions } from 'kommo-sdk/sandbox';

/** One account flag: a `node:util` `parseArgs` option plus what help and docs show. */
export interface AccountOptionSpec {
  /** As `parseArgs` wants it. */
  readonly type: 'string' | 'boolean';
  /** The value's placeholder in help (`<host>`); absent for booleans. */
  readonly valueName?: string;
  /** One line of help. */
  readonly description: string;
  /** The environment variable it falls back to, if any. */
  readonly env?: string;
}

/**
 * The account flags, by name (kebab-case, as typed). Pinned: scripts and `kommo-mcp` rely on
 * these names.
 */
export const ACCOUNT_OPTIONS = {
  domain: {
    type: 'string',
    valueName: '<host>',
    description: 'the account: acme, acme.kommo.com or acme.amocrm.ru',
    env: KOMMO_ENV_VARS.domain,
  },
  'base-url': {
    type: 'string',
    valueName: '<url>',
    description: 'send requests here instead (a proxy, or a sandbox you started)',
    env: KOMMO_ENV_VARS.baseUrl,
  },
  'token-file': {
    type: 'string',
    valueName: '<file>',
    description: 'a file holding a long-lived (or access) token',
  },
  token: {
    type: 'string',
    valueName: '<token>',
    description: 'the token itself (visible in ps and shell history: prefer --token-file)',
    env: KOMMO_ENV_VARS.accessToken,
  },
  store: {
    type: 'string',
    valueName: '<file>',
    description: 'the token store kommo login writes (default: ~/.config/kommo/tokens.json)',
    env: KOMMO_ENV_VARS.tokenFile,
  },
  'client-id': {
    type: 'string',
    valueName: '<id>',
    description: "the integration's id, to refresh the stored pair",
    env: KOMMO_ENV_VARS.clientId,
  },
  'client-secret-file': {
    type: 'string',
    valueName: '<file>',
    description: "a file holding the integration's secret",
    env: KOMMO_ENV_VARS.clientSecret,
  },
  'redirect-uri': {
    type: 'string',
    valueName: '<uri>',
    description: "the integration's registered redirect URI",
    env: KOMMO_ENV_VARS.redirectUri,
  },
  sandbox: {
    type: 'boolean',
    description: 'use a local sandbox started in this process (no account needed)',
  },
} as const satisfies Record<string, AccountOptionSpec>;

/** The name of an account flag. */
export type AccountOptionName = keyof typeof ACCOUNT_OPTIONS;

/** Parsed account flags, as `parseArgs` returns them (absent when not given). */
export type AccountFlags = {
  [K in AccountOptionName]?: (typeof ACCOUNT_OPTIONS)[K]['type'] extends 'boolean'
    ? boolean | undefined
    : string | undefined;
};

/**
 * The account flags as `node:util` `parseArgs` options: spread them into your own.
 *
 * @example
 * ```ts
 * parseArgs({ args, options: { ...accountParseArgsOptions(), json: { type: 'boolean' } } });
 * ```
 */
export function accountParseArgsOptions(): {
  [K in AccountOptionName]: { type: (typeof ACCOUNT_OPTIONS)[K]['type'] };
} {
  const out: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const name of Object.keys(ACCOUNT_OPTIONS) as AccountOptionName[]) {
    out[name] = { type: ACCOUNT_OPTIONS[name].type };
  }
  return out as { [K in AccountOptionName]: { type: (typeof ACCOUNT_OPTIONS)[K]['type'] } };
}

/**
 * The account flags as help lines (`  --domain <host>   the account: …  [KOMMO_DOMAIN]`),
 * aligned, for a tool that prints its own help.
 */
export function formatAccountHelp(indent = '  '): string {
  const rows = (Object.keys(ACCOUNT_OPTIONS) as AccountOptionName[]).map((name) => {
    const spec: AccountOptionSpec = ACCOUNT_OPTIONS[name];
    const flag = `--${name}${spec.valueName ? ` ${spec.valueName}` : ''}`;
    return [flag, `${spec.description}${spec.env ? ` [${spec.env}]` : ''}`] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  return rows.map(([flag, text]) => `${indent}${flag.padEnd(width)}${text}`).join('\n');
}

/**
 * Where `kommo login` keeps token pairs when neither `--store` nor `KOMMO_TOKEN_FILE` says:
 * `$XDG_CONFIG_HOME/kommo/tokens.json`, else `~/.config/kommo/tokens.json` (`%APPDATA%` on
 * Windows). The file is created with mode 0600.
 */
export function defaultStorePath(
  env: KommoEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  const xdg = env['XDG_CONFIG_HOME']?.trim();
  if (xdg) return join(xdg, 'kommo', 'tokens.json');
  const appData = env['APPDATA']?.trim();
  if (platform === 'win32' && appData) return join(appData, 'kommo', 'tokens.json');
  return join(home, '.config', 'kommo', 'tokens.json');
}

/** How the credentials were found (for messages; never the secret itself). */
export type CredentialSource =
  'token-flag' | 'token-file' | 'env-token' | 'store-oauth' | 'store-token' | 'sandbox';

/** The account settings after flags, files and variables are read (secrets included: keep it in memory). */
export interface AccountSettings {
  /** `--domain` or `KOMMO_DOMAIN`. */
  domain?: string;
  /** `--base-url` or `KOMMO_BASE_URL`. */
  baseUrl?: string;
  /** A token from `--token`, `--token-file` or `KOMMO_ACCESS_TOKEN`. */
  accessToken?: string;
  /** Where {@link AccountSettings.accessToken} came from. */
  accessTokenSource?: 'token-flag' | 'token-file' | 'env-token';
  /** The token store's path (always set: the default when nothing names one). */
  store: string;
  /** Whether the store was named (`--store` or `KOMMO_TOKEN_FILE`) rather than the default. */
  storeNamed: boolean;
  /** `--client-id` or `KOMMO_CLIENT_ID`. */
  clientId?: string;
  /** From `--client-secret-file` or `KOMMO_CLIENT_SECRET`. */
  clientSecret?: string;
  /** `--redirect-uri` or `KOMMO_REDIRECT_URI`. */
  redirectUri?: string;
  /** Whether an OAuth flag was given (then `KOMMO_ACCESS_TOKEN` is ignored). */
  oauthFlags: boolean;
}

/** Options of {@link readAccountSettings} and {@link connectAccount}. */
export interface AccountOptions {
  /** The variables. @defaultValue `process.env` */
  env?: KommoEnv;
  /** Where warnings go (`--token` shows in `ps`, an expired stored token…). @defaultValue nothing */
  warn?: (message: string) => void;
}

function flagString(
  flags: AccountFlags,
  name: Exclude<AccountOptionName, 'sandbox'>,
): string | undefined {
  const value = flags[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    throw new ConfigurationError(`--${name} needs a value`);
  return value.trim();
}

/** Reads a secret from a file: trimmed, never echoed in an error. */
async function readSecretFile(path: string, flag: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ConfigurationError(`${flag}: cannot read ${path}${code ? ` (${code})` : ''}`, {
      cause,
    });
  }
  const value = text.trim();
  if (value === '') throw new ConfigurationError(`${flag}: ${path} is empty`);
  if (/\s/.test(value))
    throw new ConfigurationError(`${flag}: ${path} must hold the value alone, on one line`);
  return value;
}

function without(env: KommoEnv, names: readonly string[]): KommoEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));
}

/**
 * Reads the account flags, the files they name and the `KOMMO_*` variables into
 * {@link AccountSettings}, applying the precedence of this module's summary. Sends nothing.
 *
 * @throws `ConfigurationError` for a flag without a value, both `--token` and `--token-file`,
 * or a secret file that cannot be read or is empty (the message names the file, never its
 * content).
 */
export async function readAccountSettings(
  flags: AccountFlags,
  options: AccountOptions = {},
): Promise<AccountSettings> {
  let env = options.env ?? process.env;
  const domain = flagString(flags, 'domain');
  const baseUrl = flagString(flags, 'base-url');
  const token = flagString(flags, 'token');
  const tokenFile = flagString(flags, 'token-file');
  const store = flagString(flags, 'store');
  const clientId = flagString(flags, 'client-id');
  const secretFile = flagString(flags, 'client-secret-file');
  const redirectUri = flagString(flags, 'redirect-uri');
  if (token !== undefined && tokenFile !== undefined)
    throw new ConfigurationError('Give --token or --token-file, not both');
  if (token !== undefined)
    options.warn?.(
      'warning: --token shows in `ps` and your shell history; prefer --token-file or KOMMO_ACCESS_TOKEN',
    );

  // Flags win per group: an account flag hides both account variables (a KOMMO_BASE_URL must
  // not redirect the --domain you typed), an OAuth flag hides KOMMO_ACCESS_TOKEN.
  if (domain !== undefined || baseUrl !== undefined)
    env = without(env, [KOMMO_ENV_VARS.domain, KOMMO_ENV_VARS.baseUrl]);
  const oauthFlags = [store, clientId, secretFile, redirectUri].some((v) => v !== undefined);
  if (oauthFlags && token === undefined && tokenFile === undefined)
    env = without(env, [KOMMO_ENV_VARS.accessToken]);

  const accessToken =
    token ??
    (tokenFile !== undefined ? await readSecretFile(tokenFile, '--token-file') : undefined);
  const clientSecret =
    secretFile !== undefined ? await readSecretFile(secretFile, '--client-secret-file') : undefined;

  const s = readKommoEnv(env, {
    domain,
    baseUrl,
    accessToken,
    tokenFile: store,
    clientId,
    clientSecret,
    redirectUri,
  });
  const settings: AccountSettings = {
    store: s.tokenFile ?? defaultStorePath(env),
    storeNamed: s.tokenFile !== undefined,
    oauthFlags,
  };
  if (s.domain !== undefined) settings.domain = s.domain;
  if (s.baseUrl !== undefined) settings.baseUrl = s.baseUrl;
  if (s.accessToken !== undefined) {
    settings.accessToken = s.accessToken;
    settings.accessTokenSource =
      token !== undefined ? 'token-flag' : tokenFile !== undefined ? 'token-file' : 'env-token';
  }
  if (s.clientId !== undefined) settings.clientId = s.clientId;
  if (s.clientSecret !== undefined) settings.clientSecret = s.clientSecret;
  if (s.redirectUri !== undefined) settings.redirectUri = s.redirectUri;
  return settings;
}

/**
 * The token-store key of an account, the one `new Kommo(…)` uses: the `host:port` of the base
 * URL when there is one, else the normalised domain (`acme` → `acme.kommo.com`).
 *
 * @throws `ConfigurationError` for an invalid domain or URL.
 */
export function accountKey(account: {
  domain?: string | undefined;
  baseUrl?: string | undefined;
}): string {
  if (account.baseUrl !== undefined) {
    try {
      return new URL(account.baseUrl).host;
    } catch (cause) {
      throw new ConfigurationError(`--base-url ${JSON.stringify(account.baseUrl)} is not a URL`, {
        cause,
      });
    }
  }
  if (account.domain === undefined) throw new ConfigurationError('No account given');
  return normalizeDomain(account.domain);
}

const LOOPBACK_KEY = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+$/;

/** The account of a store key: loopback `host:port` keys are sandboxes reached over http. */
function accountOfKey(key: string): { domain?: string; baseUrl?: string } {
  return LOOPBACK_KEY.test(key) ? { baseUrl: `http://${key}` } : { domain: key };
}

/** Whether a stored entry is a long-lived token saved by `kommo login --token` (no refresh token). */
export function isLongLivedEntry(tokens: TokenSet): boolean {
  return typeof tokens.refresh_token !== 'string' || tokens.refresh_token === '';
}

/**
 * The store entry of a long-lived token (`kommo login --token`): a {@link TokenSet} with no
 * refresh token, which {@link connectAccount} uses as it is and never tries to refresh.
 */
export function longLivedEntry(token: string): TokenSet {
  const exp = tokenClaims(token).exp;
  return {
    access_token: token,
    refresh_token: '',
    token_type: 'Bearer',
    // A long-lived token's JWT says when it ends (years away); without one, "never".
    expires_at: exp ?? Number.MAX_SAFE_INTEGER,
    long_lived: true,
  };
}

/** What can be told about a token without its value. */
export interface TokenDescription {
  /** When it expires (unix seconds), from the store or the JWT's `exp`; absent when unknown. */
  expiresAt?: number;
  /** The JWT's `scopes` claim (`crm`, `notifications`…), when it has one. */
  scopes?: string[];
  /** The account id the JWT names, when it does. */
  accountId?: number;
  /** `long-lived` (a private integration's token), `oauth` (a pair refreshed from the store) or `access` (a bare access token). */
  kind: 'long-lived' | 'oauth' | 'access';
}

/**
 * Reads the claims of a Kommo token (a JWT) without verifying it: nobody but Kommo can, and
 * only the expiry and scopes are shown. Not a JWT: no claims.
 */
export function tokenClaims(token: string): {
  exp?: number;
  scopes?: string[];
  accountId?: number;
} {
  const payload = token.split('.')[1];
  if (payload === undefined) return {};
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const out: { exp?: number; scopes?: string[]; accountId?: number } = {};
    if (typeof claims['exp'] === 'number') out.exp = claims['exp'];
    const scopes = claims['scopes'];
    if (Array.isArray(scopes))
      out.scopes = scopes.filter((x): x is string => typeof x === 'string');
    if (typeof claims['account_id'] === 'number') out.accountId = claims['account_id'];
    return out;
  } catch {
    return {};
  }
}

function describe(
  token: string,
  kind: TokenDescription['kind'],
  expiresAt?: number,
): TokenDescription {
  const claims = tokenClaims(token);
  const out: TokenDescription = { kind };
  const exp = expiresAt ?? claims.exp;
  if (exp !== undefined) out.expiresAt = exp;
  if (claims.scopes) out.scopes = claims.scopes;
  if (claims.accountId !== undefined) out.accountId = claims.accountId;
  return out;
}

/** A connection made by {@link connectAccount}. */
export interface AccountConnection extends KommoConnection {
  /** The token in use, described (never its value); re-reads the store, which a refresh may have changed. */
  describeToken(): Promise<TokenDescription>;
  /** The token-store key of the account (`acme.kommo.com`, `127.0.0.1:4010`). */
  readonly key: string;
  /** How the client authenticates. */
  readonly credentials: CredentialSource;
  /** The token store read, when one was. */
  readonly store: string | undefined;
}

/** Options of {@link connectAccount}. */
export interface ConnectAccountOptions extends AccountOptions {
  /**
   * Other client options (`hooks`, `rateLimit`, `logger`, `timeoutMs`…), applied to the
   * sandbox's client too.
   */
  client?: Omit<
    KommoFromEnvOverrides,
    keyof typeof KOMMO_ENV_VARS | 'tokenStore' | 'oauth' | 'tokens'
  >;
  /** Options of the sandbox `--sandbox` starts. @defaultValue the seeded sandbox, no rate limit */
  sandbox?: SandboxOptions;
}

const ACCOUNT_FLAGS_BUT_SANDBOX = (Object.keys(ACCOUNT_OPTIONS) as AccountOptionName[]).filter(
  (name) => name !== 'sandbox',
);

/**
 * Connects to the account the flags and variables name (see this module's summary), or starts
 * a sandbox for `--sandbox`. Nothing is sent yet, except that the token store is read.
 *
 * @throws `ConfigurationError` (the CLI's exit code 2) when no account is named, it has no
 * credentials, the OAuth settings are partial, the stored token expired and cannot be
 * refreshed, or `--sandbox` is mixed with other account flags. Messages name flags, variables
 * and files, never a secret.
 * @example
 * ```ts
 * const conn = await connectAccount({ domain: 'acme', 'token-file': '.kommo/token' });
 * const me = await conn.kommo.account.get();
 * await conn.close();
 * ```
 */
export async function connectAccount(
  flags: AccountFlags,
  options: ConnectAccountOptions = {},
): Promise<AccountConnection> {
  const client = options.client ?? {};
  if (flags.sandbox === true) {
    const mixed = ACCOUNT_FLAGS_BUT_SANDBOX.filter((name) => flags[name] !== undefined);
    if (mixed.length > 0)
      throw new ConfigurationError(
        `--sandbox starts its own account: drop ${mixed.map((n) => `--${n}`).join(', ')}`,
      );
    // Loaded only here: the sandbox (node:http, its seed) is not part of every command's start.
    const { connectOrSandbox } = await import('kommo-sdk/sandbox');
    const conn = await connectOrSandbox({
      env: {},
      overrides: client,
      sandbox: { rateLimit: false, ...options.sandbox },
    });
    const token = conn.sandbox?.accessToken ?? '';
    return {
      ...conn,
      close: () => conn.close(),
      describeToken: () => Promise.resolve(describe(token, 'long-lived')),
      key: new URL(conn.kommo.baseUrl).host,
      credentials: 'sandbox',
      store: undefined,
    };
  }

  const s = await readAccountSettings(flags, options);
  let account: { domain?: string; baseUrl?: string } = {
    ...(s.domain !== undefined ? { domain: s.domain } : {}),
    ...(s.baseUrl !== undefined ? { baseUrl: s.baseUrl } : {}),
  };
  const needStore = s.accessToken === undefined;
  const store = needStore ? new FileTokenStore(s.store) : undefined;
  if (account.domain === undefined && account.baseUrl === undefined) {
    // "Log in once": the store's only account is the default account.
    const keys = store ? await storeKeys(s.store) : [];
    if (keys.length === 1) account = accountOfKey(keys[0] as string);
    else
      throw new ConfigurationError(
        keys.length > 1
          ? `The token store ${s.store} holds several accounts (${keys.join(', ')}): pick one with --domain or --base-url`
          : `No Kommo account given: pass --domain <host> or --base-url <url> (or set ${KOMMO_ENV_VARS.domain}), run \`kommo login\`, or try --sandbox`,
      );
  }
  const key = accountKey(account);
  const target = account.baseUrl ?? `https://${key}`;
  const loopback = account.baseUrl !== undefined && LOOPBACK_KEY.test(key);
  const base = {
    sandbox: undefined,
    mode: loopback ? ('sandbox' as const) : ('account' as const),
    key,
    close: () => Promise.resolve(),
  };

  // Everything is decided above; the SDK builds the client from the same settings (no
  // variable is read twice: `env: {}`).
  const build = (settings: KommoFromEnvOverrides): Kommo =>
    Kommo.fromEnv({}, { ...client, ...account, ...settings });

  if (s.accessToken !== undefined) {
    const kommo = build({ accessToken: s.accessToken });
    const token = s.accessToken;
    return {
      ...base,
      kommo,
      target,
      credentials: s.accessTokenSource ?? 'env-token',
      store: undefined,
      describeToken: () => Promise.resolve(describe(token, 'access')),
    };
  }

  const stored = await (store as FileTokenStore).get(key);
  const oauth = [
    ['clientId', '--client-id', KOMMO_ENV_VARS.clientId],
    ['clientSecret', '--client-secret-file', KOMMO_ENV_VARS.clientSecret],
    ['redirectUri', '--redirect-uri', KOMMO_ENV_VARS.redirectUri],
  ] as const;
  const missing = oauth.filter(([name]) => s[name] === undefined);
  if (stored === null) {
    throw new ConfigurationError(
      `Not logged in to ${key}: run \`kommo login${account.baseUrl ? ` --base-url ${account.baseUrl}` : ` --domain ${key}`}\`, or pass --token-file (token store: ${s.store})`,
    );
  }
  if (!isLongLivedEntry(stored) && missing.length === 0) {
    const kommo = build({
      tokenFile: s.store,
      clientId: s.clientId,
      clientSecret: s.clientSecret,
      redirectUri: s.redirectUri,
    });
    const path = s.store;
    return {
      ...base,
      kommo,
      target,
      credentials: 'store-oauth',
      store: path,
      describeToken: async () => {
        const now = (await new FileTokenStore(path).get(key)) ?? stored;
        return describe(now.access_token, 'oauth', now.expires_at);
      },
    };
  }
  if (!isLongLivedEntry(stored) && missing.length < oauth.length) {
    throw new ConfigurationError(
      `Incomplete OAuth settings: also give ${missing.map(([, flag, name]) => `${flag} (or ${name})`).join(', ')}`,
    );
  }
  const expiresAt = typeof stored.expires_at === 'number' ? stored.expires_at : Infinity;
  if (!isLongLivedEntry(stored) && expiresAt * 1000 <= Date.now()) {
    throw new ConfigurationError(
      `The stored access token of ${key} expired at ${new Date(expiresAt * 1000).toISOString()}: give ${oauth.map(([, flag]) => flag).join(', ')} (or the ${oauth.map(([, , name]) => name).join(', ')} variables) to refresh it, or run \`kommo login\` again`,
    );
  }
  const kommo = build({ accessToken: stored.access_token });
  const longLived = isLongLivedEntry(stored);
  return {
    ...base,
    kommo,
    target,
    credentials: 'store-token',
    store: s.store,
    describeToken: () =>
      Promise.resolve(
        describe(
          stored.access_token,
          longLived ? 'long-lived' : 'access',
          longLived ? undefined : stored.expires_at,
        ),
      ),
  };
}

/** The account keys of a token store file (none when it does not exist). */
export async function storeKeys(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigurationError(`Cannot read the token store ${path}`, { cause });
  }
  if (text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ConfigurationError(`The token store ${path} is not valid JSON`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigurationError(`The token store ${path} is not a JSON object`);
  return Object.keys(parsed).sort();
}
