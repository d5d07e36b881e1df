// auth.ts: the token providers. OAuth pairs refreshed single-flight, saved before use, shared
// through the store; a rejected refresh token fails fast; refreshes go through the client.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { describe, expect, it, afterEach } from 'vitest';
import {
  AuthenticationError,
  Kommo,
  MemoryTokenStore,
  TokenStoreError,
  type RateLimiter,
  type RefreshEvent,
  type TokenStore,
  FileTokenStore,
  KommoOAuth,
} from '../../src/index.js';
import { HOST } from '../support/client.js';
import { KEY, credentials, now, oauthClient, pair } from '../support/oauth.js';

const oauth = credentials;

function tokenAnswer(name: string) {
  return {
    token_type: 'Bearer',
    expires_in: 86_400,
    access_token: `access-${name}`,
    refresh_token: `refresh-${name}`,
    server_time: now(),
  };
}

/** Counts token requests and answers each refresh token with the next pair. */
function tokenEndpoint(
  answers: Record<string, { status: number; body: unknown; before?: () => Promise<void> }>,
) {
  const calls: Array<Record<string, unknown>> = [];
  nock(HOST)
    .post('/oauth2/access_token')
    .times(Object.keys(answers).length * 5)
    .optionally()
    .reply(async (_uri, body) => {
      const b = body as Record<string, unknown>;
      calls.push(b);
      const answer = answers[String(b['refresh_token'])];
      if (!answer) return [400, { hint: 'Invalid refresh token', status: 400 }];
      await answer.before?.();
      return [answer.status, answer.body];
    });
  return calls;
}

/**
 * Answers 401 to `bad` tokens and 200 with the token's name to good ones (`B` for `access-B`:
 * the SDK scrubs the token itself from any answer).
 */
function api(times: number, good: string[]) {
  const seen: string[] = [];
  nock(HOST)
    .get('/api/v4/account')
    .times(times)
    .reply(function reply() {
      const auth = String(this.req.headers['authorization']);
      seen.push(auth);
      const token = auth.replace('Bearer ', '');
      return good.includes(token)
        ? [200, { token: token.replace('access-', '') }]
        : [
            401,
            {
              title: 'Unauthorized',
              type: 'https://httpstatus.es/401',
              status: 401,
              detail: 'Invalid user name or password',
            },
          ];
    });
  return seen;
}

describe('OAuth refresh', () => {
  it('50 requests that hit 401 together cause exactly one token request, and all 50 succeed', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A') });
    const calls = tokenEndpoint({ 'refresh-A': { status: 200, body: tokenAnswer('B') } });
    api(100, ['access-B']);
    const refreshes: RefreshEvent[] = [];
    const kommo = oauthClient(store, { hooks: { onRefresh: (e) => refreshes.push(e) } });
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        kommo.request<{ token: string }>({ method: 'GET', path: '/api/v4/account' }),
      ),
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-A',
      client_id: 'client-uuid',
      client_secret: 'very-secret-value',
      redirect_uri: oauth.redirectUri,
    });
    expect(results.every((r) => r?.token === 'B')).toBe(true);
    expect((await store.get(KEY))?.refresh_token).toBe('refresh-B');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]).toMatchObject({ account: KEY, reason: 'unauthorized' });
    nock.cleanAll();
  });

  it('persists the new pair before the replayed request uses it', async () => {
    const order: string[] = [];
    const inner = new MemoryTokenStore({ [KEY]: pair('A') });
    const store: TokenStore = {
      get: (k) => inner.get(k),
      set: async (k, t) => {
        order.push(`store:${t.access_token}`);
        await inner.set(k, t);
      },
    };
    tokenEndpoint({ 'refresh-A': { status: 200, body: tokenAnswer('B') } });
    const seen = api(2, ['access-B']);
    const kommo = oauthClient(store, {
      hooks: { onRequest: (e) => order.push(`request:${e.attempt}`) },
    });
    await kommo.request({ method: 'GET', path: '/api/v4/account' });
    expect(seen).toEqual(['Bearer access-A', 'Bearer access-B']);
    expect(order).toEqual(['request:1', 'store:access-B', 'request:2']);
    nock.cleanAll();
  });

  it('refreshes proactively when the stored token expires within the margin', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A', 60) });
    const calls = tokenEndpoint({ 'refresh-A': { status: 200, body: tokenAnswer('B') } });
    const seen = api(1, ['access-B']);
    const refreshes: RefreshEvent[] = [];
    await oauthClient(store, {
      refreshMarginSec: 300,
      hooks: { onRefresh: (e) => refreshes.push(e) },
    }).request({ method: 'GET', path: '/api/v4/account' });
    expect(calls).toHaveLength(1);
    expect(seen).toEqual(['Bearer access-B']);
    expect(refreshes[0]?.reason).toBe('expiring');
    nock.cleanAll();
  });

  it('a second client sharing the store uses the pair the first one rotated instead of refreshing again', async () => {
    const shared = new MemoryTokenStore({ [KEY]: pair('A') });
    // Two different store objects over the same data, as two processes see one database.
    const viewOf = (s: MemoryTokenStore): TokenStore => ({
      get: (k) => s.get(k),
      set: (k, t) => s.set(k, t),
    });
    const first = oauthClient(viewOf(shared));
    const second = oauthClient(viewOf(shared));
    api(2, ['access-A']);
    await first.request({ method: 'GET', path: '/api/v4/account' });
    await second.request({ method: 'GET', path: '/api/v4/account' });
    nock.cleanAll();
    // Kommo stops accepting A; the second client rotates first.
    const calls = tokenEndpoint({ 'refresh-A': { status: 200, body: tokenAnswer('B') } });
    const seen = api(4, ['access-B']);
    await second.request({ method: 'GET', path: '/api/v4/account' });
    await first.request({ method: 'GET', path: '/api/v4/account' });
    expect(calls).toHaveLength(1);
    expect(seen).toEqual([
      'Bearer access-A',
      'Bearer access-B',
      'Bearer access-A',
      'Bearer access-B',
    ]);
    nock.cleanAll();
  });

  it('a client holding a stale pair in memory picks up the rotated pair from the store after a 401', async () => {
    const shared = new MemoryTokenStore({ [KEY]: pair('A') });
    const viewOf = (s: MemoryTokenStore): TokenStore => ({
      get: (k) => s.get(k),
      set: (k, t) => s.set(k, t),
    });
    const calls = tokenEndpoint({ 'refresh-A': { status: 200, body: tokenAnswer('B') } });
    const seen = api(10, ['access-A']);
    const stale = oauthClient(viewOf(shared));
    await stale.request({ method: 'GET', path: '/api/v4/account' }); // caches A
    // Another process rotates A → B (Kommo now refuses A).
    await shared.set(KEY, pair('B'));
    seen.length = 0;
    nock.cleanAll();
    tokenEndpoint({
      'refresh-A': { status: 401, body: { hint: 'Token has been revoked', status: 401 } },
    });
    const seen2 = api(2, ['access-B']);
    await stale.request({ method: 'GET', path: '/api/v4/account' });
    expect(seen2).toEqual(['Bearer access-A', 'Bearer access-B']);
    expect(calls).toHaveLength(0);
    nock.cleanAll();
  });

  it('after a rejected refresh it re-reads the store once and uses the pair another process saved', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A') });
    const calls = tokenEndpoint({
      'refresh-A': {
        status: 401,
        body: { hint: 'Token has been revoked', title: 'Некорректный запрос', status: 401 },
        // Another process won the race and saved C just before Kommo refused our A.
        before: () => store.set(KEY, pair('C')),
      },
    });
    const seen = api(2, ['access-C']);
    await oauthClient(store).request({ method: 'GET', path: '/api/v4/account' });
    expect(calls).toHaveLength(1);
    expect(seen).toEqual(['Bearer access-A', 'Bearer access-C']);
    nock.cleanAll();
  });

  it('throws reauthorization_required when the refresh token is revoked and the store has nothing newer', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A') });
    const calls = tokenEndpoint({
      'refresh-A': { status: 401, body: { hint: 'Token has been revoked', status: 401 } },
    });
    api(1, []);
    const error = (await oauthClient(store)
      .request({ method: 'GET', path: '/api/v4/account' })
      .catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.code).toBe('reauthorization_required');
    expect(error.hint).toBe('Token has been revoked');
    expect(error.message).toMatch(/Reauthorization required for acme\.kommo\.com/);
    expect(calls).toHaveLength(1);
    expect((await store.get(KEY))?.refresh_token).toBe('refresh-A');
    nock.cleanAll();
  });

  it('retries a refresh that failed at the network level with the same refresh token', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A', 10) });
    const bodies: unknown[] = [];
    nock(HOST)
      .post('/oauth2/access_token', (b) => bodies.push(b) > 0)
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    nock(HOST)
      .post('/oauth2/access_token', (b) => bodies.push(b) > 0)
      .reply(200, tokenAnswer('B'));
    const seen = api(1, ['access-B']);
    await oauthClient(store).request({ method: 'GET', path: '/api/v4/account' });
    expect(bodies).toHaveLength(2);
    expect(bodies.map((b) => (b as Record<string, unknown>)['refresh_token'])).toEqual([
      'refresh-A',
      'refresh-A',
    ]);
    expect(seen).toEqual(['Bearer access-B']);
  });

  it('fails the call with TokenStoreError when saving the new pair fails, keeps the old pair, and saves it on the next call', async () => {
    const inner = new MemoryTokenStore({ [KEY]: pair('A') });
    let failWrites = true;
    const store: TokenStore = {
      get: (k) => inner.get(k),
      set: async (k, t) => {
        if (failWrites) throw new Error('disk full');
        await inner.set(k, t);
      },
    };
    const calls = tokenEndpoint({ 'refresh-A': { status: 200, body: tokenAnswer('B') } });
    api(1, []);
    const kommo = oauthClient(store);
    const error = (await kommo
      .request({ method: 'GET', path: '/api/v4/account' })
      .catch((e: unknown) => e)) as TokenStoreError;
    expect(error).toBeInstanceOf(TokenStoreError);
    expect(error.code).toBe('token_store_error');
    expect((await inner.get(KEY))?.refresh_token).toBe('refresh-A');
    failWrites = false;
    const seen = api(1, ['access-B']);
    await kommo.request({ method: 'GET', path: '/api/v4/account' });
    expect(seen).toEqual(['Bearer access-B']);
    expect(calls).toHaveLength(1);
    expect((await inner.get(KEY))?.refresh_token).toBe('refresh-B');
    nock.cleanAll();
  });

  it('keeps using a still-valid token when a proactive refresh fails, without failing the call', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A', 120) });
    const calls = tokenEndpoint({
      'refresh-A': { status: 500, body: { title: 'ErrInternalServer', status: 500 } },
    });
    const warnings: string[] = [];
    const seen = api(2, ['access-A']);
    const kommo = oauthClient(store, {
      refreshMarginSec: 300,
      logger: { warn: (m) => warnings.push(m) },
    });
    await kommo.request({ method: 'GET', path: '/api/v4/account' });
    await kommo.request({ method: 'GET', path: '/api/v4/account' });
    expect(seen).toEqual(['Bearer access-A', 'Bearer access-A']);
    expect(calls).toHaveLength(1); // backs off instead of hammering the token endpoint
    expect(warnings).toHaveLength(1);
    nock.cleanAll();
  });

  it('writes the initial pair to an empty store and ignores it when the store has one', async () => {
    const empty = new MemoryTokenStore();
    const seen = api(2, ['access-A', 'access-S']);
    await oauthClient(empty, { tokens: tokenAnswer('A') }).request({
      method: 'GET',
      path: '/api/v4/account',
    });
    expect((await empty.get(KEY))?.refresh_token).toBe('refresh-A');
    const full = new MemoryTokenStore({ [KEY]: pair('S') });
    await oauthClient(full, { tokens: pair('A') }).request({
      method: 'GET',
      path: '/api/v4/account',
    });
    expect(seen).toEqual(['Bearer access-A', 'Bearer access-S']);
  });

  it('throws reauthorization_required before sending when the store has no pair', async () => {
    const error = (await oauthClient(new MemoryTokenStore())
      .request({ method: 'GET', path: '/api/v4/account' })
      .catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.code).toBe('reauthorization_required');
  });

  it('replays at most once: a 401 after a successful refresh is thrown', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A') });
    const calls = tokenEndpoint({ 'refresh-A': { status: 200, body: tokenAnswer('B') } });
    const seen = api(2, []);
    const error = (await oauthClient(store)
      .request({ method: 'GET', path: '/api/v4/account' })
      .catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.code).toBe('unauthorized');
    expect(seen).toHaveLength(2);
    expect(calls).toHaveLength(1);
    nock.cleanAll();
  });
});

describe('long-lived token mode', () => {
  it('never refreshes: a 401 is an AuthenticationError with code unauthorized', async () => {
    nock(HOST)
      .get('/api/v4/account')
      .once()
      .reply(401, { title: 'Unauthorized', status: 401, detail: 'Invalid user name or password' });
    const kommo = new Kommo({ domain: KEY, accessToken: 'long-lived-token-xyz', rateLimit: false });
    const error = (await kommo
      .request({ method: 'GET', path: '/api/v4/account' })
      .catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.code).toBe('unauthorized');
  });
});

describe('a store that refuses a stale write', () => {
  it('drops the unsaved pair and uses the newer pair another process stored', async () => {
    const KEY2 = 'acme.kommo.com';
    const inner = new MemoryTokenStore({ [KEY2]: pair('A') });
    let refuse = true;
    const store: TokenStore = {
      get: (k) => inner.get(k),
      set: async (k, t) => {
        if (refuse) throw new Error('stale: the stored pair is no longer the previous one');
        await inner.set(k, t);
      },
    };
    tokenEndpoint({ 'refresh-A': { status: 200, body: tokenAnswer('B') } });
    api(1, []);
    const kommo = oauthClient(store);
    await expect(kommo.request({ method: 'GET', path: '/api/v4/account' })).rejects.toBeInstanceOf(
      TokenStoreError,
    );
    // Meanwhile another process stored C; our B will never be accepted by the guard.
    await inner.set(KEY2, pair('C'));
    const seen = api(1, ['access-C']);
    await kommo.request({ method: 'GET', path: '/api/v4/account' });
    expect(seen).toEqual(['Bearer access-C']);
    refuse = false;
    nock.cleanAll();
  });
});

describe('the token path: one account, through the client', () => {
  it("paces a refresh through the client's limiter under the account key, before the API request that needed it", async () => {
    const order: string[] = [];
    const limiter: RateLimiter = { acquire: async (key) => void order.push(`slot:${key}`) };
    const store = new MemoryTokenStore({ [KEY]: pair('A', 10) });
    nock(HOST)
      .post('/oauth2/access_token')
      .reply(() => {
        order.push('token request');
        return [200, tokenAnswer('B')];
      });
    const seen = api(1, ['access-B']);
    await oauthClient(store, { rateLimit: { limiter } }).request({
      method: 'GET',
      path: '/api/v4/account',
    });
    expect(order).toEqual([`slot:${KEY}`, 'token request', `slot:${KEY}`]);
    expect(seen).toEqual(['Bearer access-B']);
  });

  it("retries a token request answered 429 after Kommo's hint, under the client's retry policy", async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A', 10) });
    const sleeps: number[] = [];
    nock(HOST).post('/oauth2/access_token').reply(429, {}, { 'retry-after': '2' });
    nock(HOST).post('/oauth2/access_token').reply(200, tokenAnswer('B'));
    const seen = api(1, ['access-B']);
    await oauthClient(store, {
      retry: { baseDelayMs: 0, maxDelayMs: 5_000, sleep: async (ms) => void sleeps.push(ms) },
    }).request({ method: 'GET', path: '/api/v4/account' });
    expect(sleeps).toEqual([2_000]);
    expect(seen).toEqual(['Bearer access-B']);
    expect((await store.get(KEY))?.refresh_token).toBe('refresh-B');
  });

  it("gives up on a token endpoint that keeps failing after the client's maxRetries", async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A', -10) });
    const bodies: unknown[] = [];
    nock(HOST)
      .post('/oauth2/access_token', (b) => bodies.push(b) > 0)
      .times(2)
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const error = await oauthClient(store, { maxRetries: 1 })
      .request({ method: 'GET', path: '/api/v4/account' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'connection_error' });
    expect(bodies).toHaveLength(2);
  });

  it('with a baseUrl, sends the refresh where the API requests go and keeps the pair under that host', async () => {
    const proxy = 'https://kommo-proxy.example';
    const store = new MemoryTokenStore({ 'kommo-proxy.example': pair('A') });
    nock(proxy)
      .post('/oauth2/access_token')
      .reply(401, { hint: 'Token has been revoked', status: 401 });
    nock(proxy).get('/api/v4/account').reply(401, { status: 401 });
    const error = (await oauthClient(store, { baseUrl: proxy })
      .request({ method: 'GET', path: '/api/v4/account' })
      .catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.code).toBe('reauthorization_required');
    expect(error.message).toMatch(/^Reauthorization required for kommo-proxy\.example: /);
    expect(error.url).toBe('https://kommo-proxy.example/oauth2/access_token');
    expect((await store.get('kommo-proxy.example'))?.refresh_token).toBe('refresh-A');
  });
});

// Once Kommo has rejected the stored pair's refresh token, calls fail fast, without a request,
// until the store holds a different pair: no restart needed.
/**
 * Kommo, counting requests: the token endpoint answers each refresh token or code from
 * `grants` (anything else: 401 "Token has been revoked"); the API answers 200 to `live` tokens
 * and 401 to the others, the n-th answer after `n * staggerMs` (as over a real network, where
 * concurrent calls do not all come back before the first refresh is over).
 */
function kommoServer(grants: Record<string, string> = {}, staggerMs = 0) {
  const tokenRequests: Array<Record<string, unknown>> = [];
  const apiRequests: string[] = [];
  const live = new Set<string>();
  nock(HOST)
    .persist()
    .post('/oauth2/access_token')
    .reply((_uri, body) => {
      const b = body as Record<string, string>;
      tokenRequests.push(b);
      const next = grants[b['refresh_token'] ?? b['code'] ?? ''];
      if (!next)
        return [401, { hint: 'Token has been revoked', title: 'Unauthorized', status: 401 }];
      live.add(`access-${next}`);
      return [
        200,
        {
          token_type: 'Bearer',
          expires_in: 86_400,
          access_token: `access-${next}`,
          refresh_token: `refresh-${next}`,
        },
      ];
    });
  nock(HOST)
    .persist()
    .get('/api/v4/account')
    .reply(async function reply() {
      const token = String(this.req.headers['authorization']).replace('Bearer ', '');
      apiRequests.push(token);
      if (staggerMs > 0) await new Promise((r) => setTimeout(r, apiRequests.length * staggerMs));
      return live.has(token)
        ? [200, { ok: token.replace('access-', '') }]
        : [401, { title: 'Unauthorized', status: 401, detail: 'Invalid user name or password' }];
    });
  return { tokenRequests, apiRequests, live };
}

const call = (kommo: Kommo) =>
  kommo.request<{ ok: string }>({ method: 'GET', path: '/api/v4/account' });

async function rejection(promise: Promise<unknown>): Promise<AuthenticationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  return error as AuthenticationError;
}

describe('a revoked refresh token', () => {
  // These servers answer for ever (persist): what a test did not use is not a failure.
  afterEach(() => {
    nock.cleanAll();
  });

  it('50 concurrent calls make one token request and all reject with reauthorization_required; 20 more make none', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A') });
    const kommo = oauthClient(store);
    const server = kommoServer({}, 25);
    const errors = await Promise.all(Array.from({ length: 50 }, () => rejection(call(kommo))));
    expect(server.tokenRequests).toHaveLength(1);
    // The 50 were on the wire before the first 401 came back; none was sent after.
    expect(server.apiRequests).toHaveLength(50);
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(['reauthorization_required']));
    expect(errors.every((e) => e.status === 401)).toBe(true);

    for (let i = 0; i < 20; i++) {
      const error = await rejection(call(kommo));
      expect(error.code).toBe('reauthorization_required');
      expect(error.message).toContain('Token has been revoked');
      expect(error.message).toContain('no request was sent');
    }
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.apiRequests).toHaveLength(50);
  });

  it('20 sequential calls make one token request and one API request in all', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A') });
    const kommo = oauthClient(store);
    const server = kommoServer();
    for (let i = 0; i < 20; i++) {
      expect((await rejection(call(kommo))).code).toBe('reauthorization_required');
    }
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.apiRequests).toHaveLength(1);
  });

  it('another client of the same store fails fast too, without a request of its own', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A') });
    const server = kommoServer();
    await rejection(call(oauthClient(store)));
    const other = oauthClient(store);
    expect((await rejection(call(other))).code).toBe('reauthorization_required');
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.apiRequests).toHaveLength(1);
  });

  it('an expired token whose refresh is rejected fails fast afterwards, without sending the dead token', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A', -10) });
    const kommo = oauthClient(store);
    const server = kommoServer();
    for (let i = 0; i < 5; i++) await rejection(call(kommo));
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.apiRequests).toHaveLength(0);
  });

  it('a still-valid access token is used until Kommo refuses it, with no second refresh attempt', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A', 60) }); // within the 300 s margin
    const kommo = oauthClient(store);
    const server = kommoServer();
    server.live.add('access-A');
    for (let i = 0; i < 5; i++) expect(await call(kommo)).toEqual({ ok: 'A' });
    expect(server.tokenRequests).toHaveLength(1); // the proactive refresh, rejected
    server.live.delete('access-A'); // Kommo revokes the access token too
    expect((await rejection(call(kommo))).code).toBe('reauthorization_required');
    expect((await rejection(call(kommo))).code).toBe('reauthorization_required');
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.apiRequests).toHaveLength(6);
  });

  it('recovers without a restart once the user re-authorizes and another client saves and rotates the new pair', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A') });
    const kommo = oauthClient(store);
    const server = kommoServer({ 'code-1': 'N', 'refresh-N': 'N2' });
    await rejection(call(kommo));
    await rejection(call(kommo));
    expect(server.tokenRequests).toHaveLength(1);

    // The user re-authorizes: the OAuth callback saves the new pair, exactly as docs/auth.md shows.
    const { domain, tokens } = await new KommoOAuth(credentials).exchangeCode({
      code: 'code-1',
      referer: KEY,
    });
    await store.set(domain, { ...tokens, expires_at: now() + 60 }); // expiring soon
    // Another client instance of the process uses it first, and rotates it (proactive refresh).
    const other = oauthClient(store);
    expect(await call(other)).toEqual({ ok: 'N2' });
    expect((await store.get(KEY))?.refresh_token).toBe('refresh-N2');
    expect(server.tokenRequests.map((r) => r['grant_type'])).toEqual([
      'refresh_token',
      'authorization_code',
      'refresh_token',
    ]);

    // The first client was never restarted: its next call reads the store and works.
    expect(await call(kommo)).toEqual({ ok: 'N2' });
    expect(await call(kommo)).toEqual({ ok: 'N2' });
    expect(server.tokenRequests).toHaveLength(3);
  });

  it('recovers without a restart once another process saves a new pair through FileTokenStore', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kommo-revoked-'));
    try {
      const file = join(dir, 'tokens.json');
      const store = new FileTokenStore(file);
      await store.set(KEY, pair('A'));
      const kommo = oauthClient(store);
      const server = kommoServer();
      await rejection(call(kommo));
      await rejection(call(kommo));

      const script = fileURLToPath(
        new URL('./fixtures-scripts/file-store-save-pair.ts', import.meta.url),
      );
      const child = spawn(process.execPath, ['--import', 'tsx', script, file, KEY, 'P'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
      expect(out).toContain('saved');

      server.live.add('access-P');
      expect(await call(kommo)).toEqual({ ok: 'P' });
      expect(server.tokenRequests).toHaveLength(1);
      expect(server.apiRequests).toEqual(['access-A', 'access-P']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the error shape: AuthenticationError, status 401, Kommo hint, the rejection as cause', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A') });
    const kommo = oauthClient(store);
    kommoServer();
    const first = await rejection(call(kommo));
    const fast = await rejection(call(kommo));
    for (const error of [first, fast]) {
      expect(error).toMatchObject({
        code: 'reauthorization_required',
        status: 401,
        hint: 'Token has been revoked',
        method: 'POST',
        url: `https://${KEY}/oauth2/access_token`,
      });
      expect(error.cause).toMatchObject({ code: 'oauth_error', status: 401 });
    }
  });
});
