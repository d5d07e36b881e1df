import { inspect } from 'node:util';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { Kommo, MemoryTokenStore, type TokenSet } from '../../src/index.js';
import { HOST } from '../support/client.js';
import { localServer } from '../support/server.js';

const SECRETS = {
  access: 'ACCESS-very-secret-0001',
  refresh: 'REFRESH-very-secret-0002',
  newAccess: 'ACCESS-very-secret-0003',
  newRefresh: 'REFRESH-very-secret-0004',
  client: 'CLIENT-very-secret-0005',
  longLived: 'LONGLIVED-very-secret-0006',
};

function assertNoSecret(what: string, value: unknown): void {
  const texts = [
    typeof value === 'string' ? value : '',
    inspect(value, { depth: 10, showHidden: true }),
    JSON.stringify(value, (_k, v: unknown) =>
      v instanceof Error ? { message: v.message, stack: v.stack, cause: v.cause } : v,
    ) ?? '',
  ];
  if (value instanceof Error)
    texts.push(value.stack ?? '', value.cause ? inspect(value.cause, { depth: 10 }) : '');
  for (const text of texts) {
    for (const secret of Object.values(SECRETS)) {
      expect(text.includes(secret), `${what} leaks ${secret.split('-')[0]}`).toBe(false);
    }
  }
}

describe('no token or secret escapes', () => {
  it('not in errors, logs or hook payloads across 401 refresh, revocation, 429, 5xx, timeouts and resets', async () => {
    const logs: unknown[] = [];
    const events: unknown[] = [];
    const logger = {
      debug: (...a: unknown[]) => logs.push(a),
      info: (...a: unknown[]) => logs.push(a),
      warn: (...a: unknown[]) => logs.push(a),
      error: (...a: unknown[]) => logs.push(a),
    };
    const hooks = {
      onRequest: (e: unknown) => events.push(e),
      onResponse: (e: unknown) => events.push(e),
      onRetry: (e: unknown) => events.push(e),
      onRefresh: (e: unknown) => events.push(e),
      onError: (e: unknown) => events.push(e),
    };
    const pair: TokenSet = {
      access_token: SECRETS.access,
      refresh_token: SECRETS.refresh,
      token_type: 'Bearer',
      expires_at: Math.floor(Date.now() / 1000) + 3600,
    };
    const store = new MemoryTokenStore({ 'acme.kommo.com': pair });
    const kommo = new Kommo({
      domain: 'acme',
      oauth: { clientId: 'cid', clientSecret: SECRETS.client, redirectUri: 'https://x.example/cb' },
      tokenStore: store,
      rateLimit: false,
      maxRetries: 1,
      retry: { sleep: async () => {} },
      logger,
      hooks,
    });
    const errors: unknown[] = [];
    // 401 → refresh → replay OK
    nock(HOST)
      .get('/api/v4/account')
      .reply(401, { status: 401, detail: 'Invalid user name or password' });
    nock(HOST).post('/oauth2/access_token').reply(200, {
      token_type: 'Bearer',
      expires_in: 86400,
      access_token: SECRETS.newAccess,
      refresh_token: SECRETS.newRefresh,
    });
    nock(HOST).get('/api/v4/account').reply(200, {});
    await kommo.request({ method: 'GET', path: '/api/v4/account' });
    // 429 twice, 500 twice, 400
    nock(HOST).get('/api/v4/leads').times(2).reply(429, { retry_after: 1 });
    nock(HOST).get('/api/v4/contacts').query(true).times(2).reply(500, 'upstream error');
    nock(HOST).post('/api/v4/leads').reply(400, { 'validation-errors': [], detail: 'bad' });
    errors.push(
      await kommo.request({ method: 'GET', path: '/api/v4/leads' }).catch((e: unknown) => e),
    );
    errors.push(
      await kommo
        .request({
          method: 'GET',
          path: '/api/v4/contacts',
          query: { access_token: SECRETS.longLived },
        })
        .catch((e: unknown) => e),
    );
    errors.push(
      await kommo
        .request({ method: 'POST', path: '/api/v4/leads', body: [{}] })
        .catch((e: unknown) => e),
    );
    // A fetch failure whose message carries the request headers (nock's "No match" does, so do some polyfills).
    errors.push(
      await kommo
        .request({
          method: 'GET',
          path: '/api/v4/unmocked',
          query: { refresh_token: SECRETS.refresh },
        })
        .catch((e: unknown) => e),
    );
    // 401 → refresh revoked → reauthorization_required
    nock(HOST).get('/api/v4/account').reply(401, {});
    nock(HOST)
      .post('/oauth2/access_token')
      .reply(401, { hint: 'Token has been revoked', status: 401 });
    errors.push(
      await kommo.request({ method: 'GET', path: '/api/v4/account' }).catch((e: unknown) => e),
    );
    // reset and timeout on a real socket, long-lived mode
    const s = await localServer((req, _res, _b, i) => {
      if (i === 0) req.socket.destroy();
    });
    const tokenClient = new Kommo({
      baseUrl: s.url,
      accessToken: SECRETS.longLived,
      rateLimit: false,
      maxRetries: 0,
      timeoutMs: 50,
      logger,
      hooks,
    });
    errors.push(
      await tokenClient
        .request({ method: 'PATCH', path: '/api/v4/leads', body: [] })
        .catch((e: unknown) => e),
    );
    errors.push(
      await tokenClient.request({ method: 'GET', path: '/api/v4/leads' }).catch((e: unknown) => e),
    );
    await s.close();

    expect(errors).toHaveLength(7);
    expect(errors.every((e) => e instanceof Error)).toBe(true);
    errors.forEach((e, i) => assertNoSecret(`error #${i}`, e));
    assertNoSecret('log lines', logs);
    assertNoSecret('hook payloads', events);
    assertNoSecret('the client', kommo);
    assertNoSecret('the long-lived client', tokenClient);
    assertNoSecret('the memory store', store);
    expect(events.length).toBeGreaterThan(10);
    expect(logs.length).toBeGreaterThan(5);
  });
});

describe('OAuth network failures', () => {
  it('do not leak the client secret or the refresh token in the error', async () => {
    const { KommoOAuth } = await import('../../src/index.js');
    // No interceptor: nock's "No match" message embeds the request body.
    nock('https://other.kommo.com').post('/nothing').optionally().reply(200);
    const oauth = new KommoOAuth({
      clientId: 'cid',
      clientSecret: SECRETS.client,
      redirectUri: 'https://x.example/cb',
      retry: { sleep: async () => {} },
    });
    const error = await oauth.refresh('acme', SECRETS.refresh).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    assertNoSecret('oauth network error', error);
  });
});
