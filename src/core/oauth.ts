/**
 * OAuth 2.0 with Kommo: the consent URL, CSRF state, the code exchange and the refresh.
 *
 * @module
 */

import { z } from 'zod';
import { hmac, timingSafeEqualText, toBase64Url } from './crypto.js';
import { ConfigurationError, OAuthError, ResponseValidationError, isRecord } from './errors.js';
import { normalizeDomain } from './domain.js';
import { HttpClient, type CoreRequest, type RawResponse, type RequestPolicy } from './http.js';
import type { RequestOptions, RetryOptions } from './options.js';
import { redactSecrets, scrubKnownSecrets } from './redact.js';
import { lazy } from './schema.js';
import type { TokenSet } from './token-store.js';

/** The token endpoint's answer, as Kommo sends it. */
export interface OAuthTokenResponse {
  token_type: string;
  /** Lifetime of `access_token` in seconds (86400). */
  expires_in: number;
  access_token: string;
  refresh_token: string;
  /** Kommo's clock, unix seconds (not always sent). */
  server_time?: number;
  [extra: string]: unknown;
}

/** Which consent page: Kommo (`www.kommo.com`) or amoCRM (`www.amocrm.ru`). */
export type OAuthPlatform = 'kommo' | 'amocrm';

/** Options of {@link KommoOAuth}. */
export interface KommoOAuthOptions {
  /** Integration id (uuid). */
  clientId: string;
  /** Integration secret. */
  clientSecret: string;
  /** The redirect URI registered for the integration, exactly. */
  redirectUri: string;
  /** @defaultValue 'kommo' */
  platform?: OAuthPlatform;
  /**
   * Sends token requests here instead of the account host, and builds the consent URL on it
   * (a proxy, or the sandbox).
   */
  baseUrl?: string;
  /** @defaultValue 15000 */
  timeoutMs?: number;
  /** @defaultValue `globalThis.fetch` */
  fetch?: typeof fetch;
  /** How long a {@link KommoOAuth.createState} value stays valid. @defaultValue 600 */
  stateMaxAgeSec?: number;
  /** @internal Retry timing of a standalone instance's token requests (tests wait zero). */
  retry?: RetryOptions | undefined;
  /**
   * @internal Sends the token requests of a `Kommo` client's own instance through that client:
   * its account, pacing (token requests count against the account's budget), retry policy,
   * hooks and logger. A standalone instance sends through an HTTP client of its own per account.
   */
  send?: TokenSender | undefined;
}

/** How {@link KommoOAuth} sends one token request. @internal */
export type TokenSender = (
  request: CoreRequest,
  options: RequestOptions,
  policy: RequestPolicy,
) => Promise<RawResponse>;

/** Result of {@link KommoOAuth.exchangeCode}. */
export interface ExchangeCodeResult {
  /** The account host the code belongs to (validated), e.g. `acme.kommo.com`. */
  domain: string;
  /** The token pair; save it in your {@link TokenStore}. */
  tokens: TokenSet;
}

// Built on the first token answer: importing the SDK builds no schema.
const tokenResponseSchema = lazy(() =>
  z.looseObject({
    token_type: z.string().nullish(),
    expires_in: z.coerce.number().int().positive(),
    access_token: z.string().min(1),
    refresh_token: z.string().min(1),
    server_time: z.coerce.number().nullish(),
  }),
);

/**
 * Turns a token endpoint answer into a {@link TokenSet} (`expires_at` from `expires_in` and the
 * local clock). Also accepts a {@link TokenSet}, returned unchanged.
 */
export function toTokenSet(
  response: OAuthTokenResponse | TokenSet,
  nowSec = Math.floor(Date.now() / 1000),
): TokenSet {
  if (
    typeof (response as TokenSet).expires_at === 'number' &&
    typeof response.access_token === 'string'
  ) {
    return { ...(response as TokenSet), token_type: response.token_type || 'Bearer' };
  }
  const parsed = tokenResponseSchema().safeParse(response);
  if (!parsed.success) {
    throw new ConfigurationError(
      'A token pair needs access_token, refresh_token and expires_at (or expires_in)',
      {
        cause: new Error(
          parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        ),
      },
    );
  }
  const { expires_in, ...rest } = parsed.data;
  const tokens: TokenSet = {
    ...rest,
    access_token: parsed.data.access_token,
    refresh_token: parsed.data.refresh_token,
    token_type: parsed.data.token_type ?? 'Bearer',
    expires_at: nowSec + expires_in,
  };
  if (tokens['server_time'] === null) delete tokens['server_time'];
  return tokens;
}

/** The token endpoint, on the account host. @internal */
export const TOKEN_PATH = '/oauth2/access_token';

/** A JSON-like value with the known secrets scrubbed from its strings and keys. */
function scrubJson(value: unknown, secrets: ReadonlyArray<string | undefined>): unknown {
  if (value === undefined) return value;
  return JSON.parse(scrubKnownSecrets(JSON.stringify(value), secrets)) as unknown;
}

/**
 * OAuth 2.0 for a Kommo integration, usable before any account is known (a public
 * integration's install flow).
 *
 * @example
 * ```ts
 * const oauth = new KommoOAuth({ clientId, clientSecret, redirectUri });
 * const state = await oauth.createState();
 * redirect(oauth.authorizationUrl({ state }));
 * // …on the redirect:
 * if (!(await oauth.verifyState(query.state))) throw new Error('CSRF');
 * const { domain, tokens } = await oauth.exchangeCode({ code: query.code, referer: query.referer });
 * await tokenStore.set(domain, tokens);
 * ```
 */
export class KommoOAuth {
  /** Integration id. */
  readonly clientId: string;
  /** Registered redirect URI. */
  readonly redirectUri: string;
  /** Consent page platform. */
  readonly platform: OAuthPlatform;
  readonly #clientSecret: string;
  readonly #baseUrl: string | undefined;
  readonly #options: KommoOAuthOptions;
  readonly #timeoutMs: number;
  readonly #stateMaxAgeSec: number;

  constructor(options: KommoOAuthOptions) {
    if (!isRecord(options))
      throw new ConfigurationError('KommoOAuth needs { clientId, clientSecret, redirectUri }');
    for (const key of ['clientId', 'clientSecret', 'redirectUri'] as const) {
      if (typeof options[key] !== 'string' || options[key].trim() === '') {
        throw new ConfigurationError(`KommoOAuth: \`${key}\` must be a non-empty string`);
      }
    }
    if (
      options.platform !== undefined &&
      options.platform !== 'kommo' &&
      options.platform !== 'amocrm'
    ) {
      throw new ConfigurationError(
        `KommoOAuth: \`platform\` must be 'kommo' or 'amocrm', got ${JSON.stringify(options.platform)}`,
      );
    }
    this.clientId = options.clientId;
    this.redirectUri = options.redirectUri;
    this.platform = options.platform ?? 'kommo';
    this.#clientSecret = options.clientSecret;
    this.#baseUrl = options.baseUrl === undefined ? undefined : validateBaseUrl(options.baseUrl);
    this.#stateMaxAgeSec = options.stateMaxAgeSec ?? 600;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#options = options;
  }

  /**
   * The sender of an account's token requests: the client's, or (standalone) an HTTP client of
   * the account host, so the exchange for a new account needs no client of its own.
   */
  #sender(host: string): TokenSender {
    if (this.#options.send) return this.#options.send;
    const http = new HttpClient({
      baseUrl: this.#baseUrl ?? `https://${host}`,
      accountKey: host,
      fetch: this.#options.fetch,
      retry: this.#options.retry,
    });
    return (request, options, policy) => http.request(request, options, policy);
  }

  /**
   * The consent page URL: `https://www.kommo.com/oauth?client_id=…&state=…&mode=…`
   * (`www.amocrm.ru` for the amoCRM platform). The page redirects to your registered redirect
   * URI with `code`, `referer` (the account host), `state` and `platform`.
   *
   * @param options.state - Your CSRF value (see {@link KommoOAuth.createState}).
   * @param options.mode - `popup` (the opener navigates) or `post_message` (the redirect happens in the popup).
   */
  authorizationUrl(options: { state: string; mode?: 'popup' | 'post_message' }): string {
    if (!isRecord(options) || typeof options.state !== 'string' || options.state === '') {
      throw new ConfigurationError(
        'authorizationUrl needs a non-empty `state` (use createState())',
      );
    }
    const host =
      this.#baseUrl ??
      (this.platform === 'amocrm' ? 'https://www.amocrm.ru' : 'https://www.kommo.com');
    const params = new URLSearchParams({ client_id: this.clientId, state: options.state });
    if (options.mode !== undefined) {
      if (options.mode !== 'popup' && options.mode !== 'post_message') {
        throw new ConfigurationError(
          `authorizationUrl: \`mode\` must be 'popup' or 'post_message'`,
        );
      }
      params.set('mode', options.mode);
    }
    return `${host}/oauth?${params.toString()}`;
  }

  async #hmac(data: string): Promise<string> {
    return toBase64Url(await hmac('sha256', this.#clientSecret, data));
  }

  /**
   * A CSRF `state`: a random nonce and a timestamp, signed with the client secret, so it can be
   * checked without server-side storage. Store it in a cookie too if you want to bind it to
   * the browser session, and compare with {@link KommoOAuth.verifyState}'s `expected`.
   */
  async createState(): Promise<string> {
    const nonce = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
    const payload = `${nonce}.${Math.floor(Date.now() / 1000).toString(36)}`;
    return `${payload}.${await this.#hmac(payload)}`;
  }

  /**
   * Checks a `state` from the redirect: signed by this integration, not older than
   * `stateMaxAgeSec`, and equal to `expected` when given. Constant-time comparisons.
   */
  async verifyState(state: unknown, expected?: string): Promise<boolean> {
    if (typeof state !== 'string' || state.length > 512) return false;
    if (expected !== undefined && !(await timingSafeEqualText(state, expected))) return false;
    const parts = state.split('.');
    if (parts.length !== 3) return false;
    const [nonce, ts, sig] = parts as [string, string, string];
    const good = await this.#hmac(`${nonce}.${ts}`);
    if (!(await timingSafeEqualText(sig, good))) return false;
    const issued = parseInt(ts, 36);
    const now = Math.floor(Date.now() / 1000);
    return Number.isFinite(issued) && issued <= now + 60 && now - issued <= this.#stateMaxAgeSec;
  }

  /**
   * Exchanges an authorization code (from the redirect, or copied from the integration's
   * modal) for a token pair. The `referer` names the account; it is validated like `domain`
   * before anything is sent to it.
   *
   * A code is used once, so only a 429 (Kommo did not take it) is retried.
   *
   * @throws {@link ConfigurationError} when `referer` is not a Kommo account host.
   * @throws {@link OAuthError} when Kommo refuses the code (`hint` says why: expired, revoked…).
   */
  async exchangeCode(params: { code: string; referer: string }): Promise<ExchangeCodeResult> {
    if (!isRecord(params) || typeof params.code !== 'string' || params.code === '') {
      throw new ConfigurationError('exchangeCode needs a non-empty `code`');
    }
    const domain = normalizeDomain(params.referer, 'referer');
    const tokens = await this.#token(
      domain,
      {
        grant_type: 'authorization_code',
        code: params.code,
      },
      false,
    );
    return { domain, tokens };
  }

  /**
   * Exchanges a refresh token for a new pair. The answer always holds a *new* refresh token:
   * save it before using the access token. A network failure is retried with the same refresh
   * token (Kommo's docs allow it), and a 429 like any write, under the retry policy of the
   * client (`maxRetries`, `retry`) when the instance is a `Kommo` client's own.
   *
   * @throws {@link OAuthError} when Kommo refuses it (`Token has been revoked`…).
   */
  async refresh(domain: string, refreshToken: string): Promise<TokenSet> {
    if (typeof refreshToken !== 'string' || refreshToken === '')
      throw new ConfigurationError('refresh needs a refresh token');
    const host = this.#baseUrl ? domain : normalizeDomain(domain);
    return this.#token(host, { grant_type: 'refresh_token', refresh_token: refreshToken }, true);
  }

  async #token(
    host: string,
    grant: Record<string, string>,
    resendable: boolean,
  ): Promise<TokenSet> {
    const body = {
      client_id: this.clientId,
      client_secret: this.#clientSecret,
      redirect_uri: this.redirectUri,
      ...grant,
    };
    // The client secret and the grant (refresh token or code): scrubbed from whatever comes back.
    const secrets = [this.#clientSecret, ...Object.values(grant)];
    const response = await this.#sender(host)(
      { method: 'POST', path: TOKEN_PATH, body },
      { timeoutMs: this.#timeoutMs },
      // Kommo's docs let a refresh token be used again when its answer was lost; a code is once.
      // Token requests show up as `onRefresh`, not as API calls in the other hooks.
      { anonymous: true, resendable, raw: true, hooks: false, secrets, keepSuccessBody: true },
    );
    const { status } = response;
    if (status >= 200 && status < 300) {
      const parsed = tokenResponseSchema().safeParse(response.body);
      if (!parsed.success) {
        throw new ResponseValidationError(
          'The token endpoint answered without a usable token pair',
          {
            // The 2xx body was kept as sent (it should be the new pair): scrub it here.
            body: redactSecrets(scrubJson(response.body, secrets)),
            requestId: response.requestId,
            issues: parsed.error.issues.map((i) => ({
              path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
              message: i.message,
            })),
          },
        );
      }
      return toTokenSet(parsed.data as OAuthTokenResponse);
    }
    const json = isRecord(response.body) ? response.body : undefined;
    const hint = typeof json?.['hint'] === 'string' ? json['hint'] : undefined;
    const title = typeof json?.['title'] === 'string' ? json['title'] : undefined;
    const detail = typeof json?.['detail'] === 'string' ? json['detail'] : undefined;
    const what = grant['grant_type'] === 'refresh_token' ? 'Token refresh' : 'Code exchange';
    const why =
      response.location !== undefined || (status >= 300 && status < 400) || status === 0
        ? ` redirect${response.location ? ` to ${response.location}` : ''} not followed`
        : hint
          ? ` ${hint}`
          : title
            ? ` ${title}`
            : '';
    throw new OAuthError(`${what} failed: ${status}${why} (POST ${TOKEN_PATH} on ${host})`, {
      status,
      hint,
      title,
      detail,
      body: redactSecrets(response.body),
    });
  }

  /** @internal */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `KommoOAuth { clientId: '${this.clientId}', clientSecret: [REDACTED], redirectUri: '${this.redirectUri}' }`;
  }

  /** @internal */
  toJSON(): Record<string, unknown> {
    return {
      clientId: this.clientId,
      clientSecret: '[REDACTED]',
      redirectUri: this.redirectUri,
      platform: this.platform,
    };
  }
}

/**
 * Checks an explicit base URL: https, or http on loopback only; no credentials, query or hash.
 * @internal
 */
export function validateBaseUrl(input: unknown): string {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw new ConfigurationError(`\`baseUrl\` ${JSON.stringify(input)} is not a URL`);
  }
  const loopback =
    url.hostname === '127.0.0.1' ||
    url.hostname === 'localhost' ||
    url.hostname === '[::1]' ||
    url.hostname.startsWith('127.');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ConfigurationError(
      '`baseUrl` must use https (plain http only for loopback hosts such as the sandbox)',
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigurationError('`baseUrl` must not contain credentials, a query or a hash');
  }
  return url.toString().replace(/\/+$/, '');
}
