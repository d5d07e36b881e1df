/**
 * OAuth for the app: `GET /api/crm/connect` sends the user to Kommo's consent page with a signed
 * `state` (also kept in an http-only cookie, so the redirect must come back to the same
 * browser); `GET /api/crm/callback` checks it, exchanges the code and saves the token pair in
 * the token store the server's client reads (`KOMMO_TOKEN_FILE`, a `FileTokenStore`).
 *
 * Framework-free (Web `Request` → `Response`), so it is tested without Next.js.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  DEFAULT_TOKEN_FILE,
  FileTokenStore,
  isKommoError,
  KommoOAuth,
  normalizeDomain,
  readKommoEnv,
  type KommoEnv,
  type TokenStore,
} from 'kommo-sdk';

const COOKIE = 'kommo_oauth_state';

/** Options of {@link createOAuthRoutes}. */
export interface OAuthRoutesOptions {
  oauth: KommoOAuth;
  tokenStore: TokenStore;
  /** The sandbox (or a proxy): tokens are then kept under its `host:port`, as the client reads them. */
  baseUrl?: string | undefined;
  /** Refuse codes of any other account (a single-account app). */
  expectedDomain?: string | undefined;
  /** Where the browser goes once connected. @defaultValue '/' */
  redirectTo?: string;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}

function cookieValue(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

function stateCookie(request: Request, value: string, maxAge: number): string {
  const secure = new URL(request.url).protocol === 'https:' ? '; Secure' : '';
  return `${COOKIE}=${encodeURIComponent(value)}; Path=/api/crm; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;
}

/** The two handlers: `start` (the connect route) and `callback` (the redirect URI). */
export function createOAuthRoutes(options: OAuthRoutesOptions): {
  start: (request: Request) => Promise<Response>;
  callback: (request: Request) => Promise<Response>;
} {
  const { oauth, tokenStore } = options;
  const expected =
    options.expectedDomain === undefined ? undefined : normalizeDomain(options.expectedDomain);
  return {
    async start(request) {
      const state = await oauth.createState();
      return new Response(null, {
        status: 302,
        headers: {
          location: oauth.authorizationUrl({ state }),
          'set-cookie': stateCookie(request, state, 600),
          'cache-control': 'no-store',
        },
      });
    },
    async callback(request) {
      const params = new URL(request.url).searchParams;
      const code = params.get('code');
      const state = params.get('state');
      const referer = params.get('referer');
      if (!code || !state || !referer) return json(400, { error: 'missing_parameters' });
      const expectedState = cookieValue(request, COOKIE);
      if (expectedState === undefined || !(await oauth.verifyState(state, expectedState)))
        return json(400, { error: 'invalid_state' });
      try {
        const { domain, tokens } = await oauth.exchangeCode({ code, referer });
        if (expected !== undefined && domain !== expected)
          return json(403, { error: 'other_account', domain });
        const key = options.baseUrl ? new URL(options.baseUrl).host : domain;
        await tokenStore.set(key, tokens);
        return new Response(null, {
          status: 303,
          headers: {
            location: options.redirectTo ?? '/',
            'set-cookie': stateCookie(request, '', 0),
            'cache-control': 'no-store',
          },
        });
      } catch (error) {
        // OAuthError and ConfigurationError carry Kommo's hint, never the secret or the code.
        if (isKommoError(error)) return json(502, { error: error.code, message: error.message });
        throw error;
      }
    },
  };
}

/** A {@link FileTokenStore} whose folder (`.kommo/` by default) is created on the first save. */
function tokenFileStore(path: string): TokenStore {
  const store = new FileTokenStore(path);
  return {
    get: (key) => store.get(key),
    set: async (key, tokens) => {
      await mkdir(dirname(path), { recursive: true });
      await store.set(key, tokens);
    },
    delete: (key) => store.delete(key),
    withLock: (key, fn) => store.withLock(key, fn),
  };
}

/** The routes from the `KOMMO_*` variables, or `undefined` when OAuth is not configured. */
export function oauthRoutesFromEnv(
  env: KommoEnv = process.env,
): ReturnType<typeof createOAuthRoutes> | undefined {
  const s = readKommoEnv(env);
  if (!s.clientId || !s.clientSecret || !s.redirectUri) return undefined;
  return createOAuthRoutes({
    oauth: new KommoOAuth({
      clientId: s.clientId,
      clientSecret: s.clientSecret,
      redirectUri: s.redirectUri,
      ...(s.baseUrl ? { baseUrl: s.baseUrl } : {}),
    }),
    tokenStore: tokenFileStore(s.tokenFile ?? DEFAULT_TOKEN_FILE),
    baseUrl: s.baseUrl,
    expectedDomain: s.domain,
  });
}
