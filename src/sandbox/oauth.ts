/**
 * The sandbox's OAuth server: the consent redirect, the token endpoint with both grants,
 * Kommo's error hints, access-token expiry, and rotating refresh tokens in `strict` or
 * `grace` mode.
 *
 * @module
 */

import { randomBytes, randomUUID } from 'node:crypto';
import { oauthError, type Reply } from './problems.js';
import { isObject } from './validate.js';

/**
 * What happens to a refresh token once it has been exchanged.
 *
 * - `strict`: single use. Using it again answers 401 `Token has been revoked` (the RU docs
 *   and the amoCRM maintainers).
 * - `grace`: it keeps working until the new refresh token is used for the first time (Kommo's
 *   2025 docs, meant for recovering from a network error during a refresh).
 */
export type RefreshTokenRotation = 'strict' | 'grace';

/** The integration the sandbox accepts. */
export interface SandboxOAuthCredentials {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/**
 * The token endpoint's answer. A type alias rather than an interface, so it can be passed
 * as `tokens` to `new Kommo({ … })` (which takes an open record).
 */
export type SandboxTokenResponse = {
  token_type: 'Bearer';
  expires_in: number;
  access_token: string;
  refresh_token: string;
  server_time: number;
};

interface AccessRecord {
  expiresAtMs: number;
  revoked: boolean;
}

interface RefreshRecord {
  parent: string | undefined;
  expiresAtMs: number;
  revoked: boolean;
}

/** Counters the OAuth server feeds into `sandbox.stats`. */
export interface OAuthCounters {
  refreshes: number;
  revokedRefreshAttempts: number;
  tokenExchanges: number;
}

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

export class OAuthServer {
  readonly #access = new Map<string, AccessRecord>();
  readonly #refresh = new Map<string, RefreshRecord>();
  readonly #codes = new Map<string, { expiresAtMs: number; used: boolean }>();
  accessTokenTtlSec: number;
  rotation: RefreshTokenRotation;

  constructor(
    readonly credentials: SandboxOAuthCredentials,
    private readonly settings: {
      accessTokenTtlSec: number;
      refreshTokenTtlSec: number;
      codeTtlSec: number;
      rotation: RefreshTokenRotation;
      accountId: number;
      domain: string;
      /** The live counters (replaced by `reset()`, hence a getter). */
      counters: () => OAuthCounters;
    },
  ) {
    this.accessTokenTtlSec = settings.accessTokenTtlSec;
    this.rotation = settings.rotation;
  }

  /** A JWT-shaped access token (Kommo's are JWTs; nobody may verify their signature). */
  #jwt(expSec: number): string {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', jti: randomUUID() }));
    const payload = b64url(
      JSON.stringify({
        aud: this.credentials.clientId,
        jti: randomUUID(),
        iat: now,
        nbf: now,
        exp: expSec,
        sub: '8375357',
        account_id: this.settings.accountId,
        base_domain: 'kommo.com',
        api_domain: this.settings.domain,
        version: 2,
        scopes: ['crm', 'notifications'],
      }),
    );
    return `${header}.${payload}.${b64url(randomBytes(32))}`;
  }

  /** Issues an access token living `ttlSec` seconds. */
  issueAccessToken(ttlSec: number, token?: string): string {
    const expiresAtMs = Date.now() + ttlSec * 1000;
    const value = token ?? this.#jwt(Math.floor(expiresAtMs / 1000));
    this.#access.set(value, { expiresAtMs, revoked: false });
    return value;
  }

  /** Issues a token pair, as the token endpoint does. */
  issuePair(parent?: string): SandboxTokenResponse {
    const refresh = `def50200${randomBytes(48).toString('hex')}`;
    this.#refresh.set(refresh, {
      parent,
      expiresAtMs: Date.now() + this.settings.refreshTokenTtlSec * 1000,
      revoked: false,
    });
    return {
      token_type: 'Bearer',
      expires_in: this.accessTokenTtlSec,
      access_token: this.issueAccessToken(this.accessTokenTtlSec),
      refresh_token: refresh,
      server_time: Math.floor(Date.now() / 1000),
    };
  }

  /** A one-time authorization code (lives `codeTtlSec`, 20 minutes by default). */
  createCode(): string {
    const code = `def50200${randomBytes(64).toString('hex')}`;
    this.#codes.set(code, {
      expiresAtMs: Date.now() + this.settings.codeTtlSec * 1000,
      used: false,
    });
    return code;
  }

  /** Whether a bearer token may call the API now. */
  isValid(token: string): boolean {
    const record = this.#access.get(token);
    return record !== undefined && !record.revoked && record.expiresAtMs > Date.now();
  }

  expireAccessTokens(): void {
    for (const record of this.#access.values()) record.expiresAtMs = 0;
  }

  revokeAll(): void {
    for (const record of this.#access.values()) record.revoked = true;
    for (const record of this.#refresh.values()) record.revoked = true;
  }

  /** `GET /oauth`: the consent page approves at once and redirects with a code. */
  authorize(query: URLSearchParams): Reply {
    if (query.get('client_id') !== this.credentials.clientId) {
      return {
        status: 400,
        contentType: 'text/html',
        body: '<html><body><h1>Integration not found</h1></body></html>\n',
      };
    }
    const target = new URL(this.credentials.redirectUri);
    target.searchParams.set('code', this.createCode());
    const state = query.get('state');
    if (state !== null) target.searchParams.set('state', state);
    target.searchParams.set('referer', this.settings.domain);
    target.searchParams.set('platform', '2');
    target.searchParams.set('client_id', this.credentials.clientId);
    return { status: 302, headers: { location: target.toString() }, body: undefined };
  }

  /** `GET /oauth2/account/current/subdomain` with `X-Refresh-Token`. */
  subdomain(refreshToken: string | undefined, subdomain: string): Reply {
    const record = refreshToken === undefined ? undefined : this.#refresh.get(refreshToken);
    if (!record || record.revoked) return oauthError(401, 'Token has been revoked');
    return {
      status: 200,
      contentType: 'application/json',
      body: {
        id: this.settings.accountId,
        subdomain,
        domain: this.settings.domain,
        top_level_domain: 'com',
      },
    };
  }

  /** `POST /oauth2/access_token`. */
  token(body: unknown): Reply {
    if (!isObject(body)) return oauthError(400, 'Check the `grant_type` parameter');
    const grant = body['grant_type'];
    if (grant === 'refresh_token') this.settings.counters().refreshes++;
    else if (grant === 'authorization_code') this.settings.counters().tokenExchanges++;
    else return oauthError(400, 'Check the `grant_type` parameter');
    if (body['client_id'] !== this.credentials.clientId)
      return oauthError(400, 'Check the `client_id` parameter');
    if (body['client_secret'] !== this.credentials.clientSecret)
      return oauthError(400, 'Check the `client_secret` parameter');
    if (
      body['redirect_uri'] !== undefined &&
      body['redirect_uri'] !== this.credentials.redirectUri
    ) {
      return oauthError(400, 'Redirect URI is not associated with client');
    }
    if (grant === 'authorization_code') {
      const code = typeof body['code'] === 'string' ? this.#codes.get(body['code']) : undefined;
      if (!code) return oauthError(400, 'Cannot decrypt the authorization code');
      if (code.used) return oauthError(400, 'Authorization code has been revoked');
      if (code.expiresAtMs <= Date.now()) return oauthError(400, 'Authorization code has expired');
      code.used = true;
      return { status: 200, contentType: 'application/json', body: this.issuePair() };
    }
    const token = typeof body['refresh_token'] === 'string' ? body['refresh_token'] : '';
    const record = this.#refresh.get(token);
    if (!record) return oauthError(401, 'Cannot decrypt the refresh token');
    if (record.revoked) {
      this.settings.counters().revokedRefreshAttempts++;
      return oauthError(401, 'Token has been revoked');
    }
    if (record.expiresAtMs <= Date.now()) return oauthError(401, 'Token has expired');
    if (this.rotation === 'strict') record.revoked = true;
    else {
      // Using a refresh token retires its parent (and so every older one of the chain).
      let parent = record.parent;
      while (parent !== undefined) {
        const older = this.#refresh.get(parent);
        if (!older || older.revoked) break;
        older.revoked = true;
        parent = older.parent;
      }
    }
    return { status: 200, contentType: 'application/json', body: this.issuePair(token) };
  }
}
