import { Kommo, type KommoOptions, type TokenSet, type TokenStore } from '../../src/index.js';

/** The account of the OAuth tests (nock's HOST), also the token-store key. */
export const KEY = 'acme.kommo.com';

/** The integration's credentials in the OAuth tests. */
export const credentials = {
  clientId: 'client-uuid',
  clientSecret: 'very-secret-value',
  redirectUri: 'https://app.example.com/cb',
};

/** Now, in unix seconds. */
export const now = (): number => Math.floor(Date.now() / 1000);

/** The pair named `name` (`access-A`/`refresh-A`), expiring in `expiresInSec`. */
export function pair(name: string, expiresInSec = 86_400): TokenSet {
  return {
    access_token: `access-${name}`,
    refresh_token: `refresh-${name}`,
    token_type: 'Bearer',
    expires_at: now() + expiresInSec,
  };
}

/** An OAuth client of {@link KEY} on `store`: no pacing, no waiting between retries. */
export function oauthClient(store: TokenStore, extra: Partial<KommoOptions> = {}): Kommo {
  return new Kommo({
    domain: KEY,
    oauth: credentials,
    tokenStore: store,
    rateLimit: false,
    retry: { baseDelayMs: 0, maxDelayMs: 0, sleep: async () => {} },
    ...extra,
  });
}
