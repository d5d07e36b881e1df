/**
 * The connection settings every kommo-sdk tool reads from the environment (`KOMMO_DOMAIN`,
 * `KOMMO_ACCESS_TOKEN`, …), turned into {@link KommoOptions}. Used by `Kommo.fromEnv()`, the
 * sandbox fallback of `kommo-sdk/sandbox` and the examples, so they all agree on the names.
 *
 * No `node:` import here: the main entry stays loadable on edge runtimes. The token file is read
 * by {@link FileTokenStore} on first use, not when the options are built.
 *
 * @module
 */

import { ConfigurationError } from './errors.js';
import type { KommoOptions } from './options.js';
import { FileTokenStore } from './token-store.js';

/**
 * The environment variable behind each setting of {@link KommoEnvSettings}.
 *
 * | setting | variable |
 * | --- | --- |
 * | `domain` | `KOMMO_DOMAIN` (`acme`, `acme.kommo.com`, `acme.amocrm.ru`) |
 * | `baseUrl` | `KOMMO_BASE_URL` (a proxy, or a sandbox you started) |
 * | `accessToken` | `KOMMO_ACCESS_TOKEN` (long-lived token, never refreshed) |
 * | `tokenFile` | `KOMMO_TOKEN_FILE` (the {@link FileTokenStore} of OAuth mode) |
 * | `clientId` | `KOMMO_CLIENT_ID` |
 * | `clientSecret` | `KOMMO_CLIENT_SECRET` |
 * | `redirectUri` | `KOMMO_REDIRECT_URI` |
 */
export const KOMMO_ENV_VARS = {
  domain: 'KOMMO_DOMAIN',
  baseUrl: 'KOMMO_BASE_URL',
  accessToken: 'KOMMO_ACCESS_TOKEN',
  tokenFile: 'KOMMO_TOKEN_FILE',
  clientId: 'KOMMO_CLIENT_ID',
  clientSecret: 'KOMMO_CLIENT_SECRET',
  redirectUri: 'KOMMO_REDIRECT_URI',
} as const;

/** A setting that can come from the environment (see {@link KOMMO_ENV_VARS}). */
export type KommoEnvSetting = keyof typeof KOMMO_ENV_VARS;

/** The connection settings, as read from the environment and overrides. Blank values are absent. */
export type KommoEnvSettings = { [K in KommoEnvSetting]?: string };

/** An environment: `process.env`, a parsed `.env` file, a test's record. */
export type KommoEnv = Readonly<Record<string, string | undefined>>;

/**
 * What wins over the environment in {@link Kommo.fromEnv}: any setting (a CLI flag, say; an
 * `undefined` or blank value leaves the variable in charge) and any other client option
 * (`hooks`, `rateLimit`, `logger`, a `tokenStore` instead of the token file…).
 */
export type KommoFromEnvOverrides = { [K in KommoEnvSetting]?: string | undefined } & Omit<
  KommoOptions,
  'domain' | 'baseUrl' | 'accessToken'
>;

/**
 * Where OAuth token pairs are kept when `KOMMO_TOKEN_FILE` is not set: a file in the `.kommo/`
 * folder of the working directory (keep that folder out of version control).
 */
export const DEFAULT_TOKEN_FILE = '.kommo/tokens.json';

const SETTINGS = Object.keys(KOMMO_ENV_VARS) as KommoEnvSetting[];

function processEnv(): KommoEnv {
  // Edge runtimes and browsers may have no `process`: an empty environment, not a crash.
  const proc = (globalThis as { process?: { env?: KommoEnv } }).process;
  return proc?.env ?? {};
}

function present(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Reads the connection settings: each from `overrides` when given (not blank), else from its
 * `KOMMO_*` variable. Nothing is validated here; {@link kommoOptionsFromEnv} does that.
 *
 * @param env - The variables. @defaultValue `process.env` (an empty record where there is no `process`)
 * @example
 * ```ts
 * const settings = readKommoEnv(process.env, { domain: flags.domain });
 * if (!settings.domain && !settings.baseUrl) console.log('no account configured');
 * ```
 */
export function readKommoEnv(
  env: KommoEnv = processEnv(),
  overrides: { [K in KommoEnvSetting]?: string | undefined } = {},
): KommoEnvSettings {
  const settings: KommoEnvSettings = {};
  for (const key of SETTINGS) {
    const value =
      present(Object.hasOwn(overrides, key) ? overrides[key] : undefined) ??
      present(Object.hasOwn(env, KOMMO_ENV_VARS[key]) ? env[KOMMO_ENV_VARS[key]] : undefined);
    if (value !== undefined) settings[key] = value;
  }
  return settings;
}

/**
 * Splits overrides into connection settings and the other client options.
 *
 * @internal
 */
export function splitOverrides(overrides: KommoFromEnvOverrides = {}): {
  settings: { [K in KommoEnvSetting]?: string | undefined };
  client: Omit<KommoOptions, 'domain' | 'baseUrl' | 'accessToken'>;
} {
  const settings: { [K in KommoEnvSetting]?: string | undefined } = {};
  const client: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(overrides)) {
    if ((SETTINGS as string[]).includes(key))
      settings[key as KommoEnvSetting] = typeof value === 'string' ? value : undefined;
    else if (value !== undefined) client[key] = value;
  }
  return { settings, client };
}

/**
 * The client options without the OAuth ones, for a client that authenticates with a token.
 *
 * @internal
 */
export function withoutOAuth(
  client: Omit<KommoOptions, 'domain' | 'baseUrl' | 'accessToken'>,
): Omit<KommoOptions, 'domain' | 'baseUrl' | 'accessToken' | 'oauth' | 'tokenStore' | 'tokens'> {
  const rest = { ...client };
  delete rest.oauth;
  delete rest.tokenStore;
  delete rest.tokens;
  return rest;
}

/**
 * Builds the {@link KommoOptions} of a client from the environment, the way `Kommo.fromEnv()`
 * does. The account is `KOMMO_BASE_URL` and/or `KOMMO_DOMAIN`; the auth is, in this order:
 *
 * 1. `KOMMO_ACCESS_TOKEN`: a long-lived token;
 * 2. OAuth: an `oauth` override, or `KOMMO_CLIENT_ID` + `KOMMO_CLIENT_SECRET` +
 *    `KOMMO_REDIRECT_URI`, with the `tokenStore` override or a {@link FileTokenStore} at
 *    `KOMMO_TOKEN_FILE` (default {@link DEFAULT_TOKEN_FILE}). Run the OAuth flow once to fill it.
 *
 * @throws {@link ConfigurationError} when no account is set, when it has no credentials, or
 * when only part of the OAuth variables are set (the message names the missing ones, never a
 * value).
 * @example
 * ```ts
 * const kommo = new Kommo(kommoOptionsFromEnv(process.env, { rateLimit: { requestsPerSecond: 5 } }));
 * ```
 */
export function kommoOptionsFromEnv(
  env: KommoEnv = processEnv(),
  overrides: KommoFromEnvOverrides = {},
): KommoOptions {
  const split = splitOverrides(overrides);
  const s = readKommoEnv(env, split.settings);
  const client = split.client;
  if (s.domain === undefined && s.baseUrl === undefined) {
    throw new ConfigurationError(
      `No Kommo account configured: set ${KOMMO_ENV_VARS.domain} (e.g. acme.kommo.com) or ${KOMMO_ENV_VARS.baseUrl}`,
    );
  }
  const target: KommoOptions = {
    ...(s.domain !== undefined ? { domain: s.domain } : {}),
    ...(s.baseUrl !== undefined ? { baseUrl: s.baseUrl } : {}),
  };
  if (s.accessToken !== undefined) {
    // An explicit token beats OAuth settings that may linger in the same `.env`.
    return { ...withoutOAuth(client), ...target, accessToken: s.accessToken };
  }
  const oauthVars = [
    ['clientId', KOMMO_ENV_VARS.clientId],
    ['clientSecret', KOMMO_ENV_VARS.clientSecret],
    ['redirectUri', KOMMO_ENV_VARS.redirectUri],
  ] as const;
  const oauth =
    client.oauth ??
    (s.clientId !== undefined && s.clientSecret !== undefined && s.redirectUri !== undefined
      ? { clientId: s.clientId, clientSecret: s.clientSecret, redirectUri: s.redirectUri }
      : undefined);
  if (oauth === undefined) {
    const missing = oauthVars.filter(([key]) => s[key] === undefined).map(([, name]) => name);
    throw new ConfigurationError(
      missing.length < oauthVars.length
        ? `Incomplete OAuth settings: also set ${missing.join(', ')} (or ${KOMMO_ENV_VARS.accessToken})`
        : `The Kommo account has no credentials: set ${KOMMO_ENV_VARS.accessToken}, or ${oauthVars.map(([, name]) => name).join(', ')}`,
    );
  }
  return {
    ...client,
    ...target,
    oauth,
    tokenStore: client.tokenStore ?? new FileTokenStore(s.tokenFile ?? DEFAULT_TOKEN_FILE),
  };
}
