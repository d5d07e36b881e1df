// redact.ts and the scrubbing of answers: no token or secret escapes into an error, a log line,
// a hook payload or a store, whatever the server echoes back.
import { inspect } from 'node:util';
import type { IncomingMessage, ServerResponse } from 'node:http';
import nock from 'nock';
import { describe, expect, it, afterEach } from 'vitest';
import {
  Kommo,
  MemoryTokenStore,
  type TokenSet,
  AuthenticationError,
  KommoOAuth,
  OAuthError,
  RedirectError,
  ResponseValidationError,
  ServerError,
  isKommoError,
  type Hooks,
  type Logger,
} from '../../src/index.js';
import { HOST } from '../support/client.js';
import { localServer, json } from '../support/server.js';
import { scrubKnownSecrets } from '../../src/core/redact.js';

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

// A server or proxy that reflects the request's secrets back (into an error body, a header, a
// redirect) must not get them into anything the SDK builds: errors, logs, hook payloads.
// Shaped like the real ones: a JWT, Kommo's long hex-ish refresh token, a client secret. The
// client secret holds characters that every encoding changes (`/`, `+`, `=`, `&`).
const ACCESS = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ0ZXN0In0.SIG-access_0001';
const ACCESS_NEW = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJuZXcifQ.SIG-access_0002';
const REFRESH = 'def50200REFRESHsecret0003a1b2c3d4e5f6';
const REFRESH_NEW = 'def50200REFRESHsecret0004a1b2c3d4e5f6';
const CLIENT_SECRET = 'CLIENT/secret+value=0005&x';
const CODE = 'def50200AUTHCODEsecret0006';
const LONG_LIVED = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJsb25nIjoxfQ.SIG-longlived_0007';
const ALL = [ACCESS, ACCESS_NEW, REFRESH, REFRESH_NEW, CLIENT_SECRET, CODE, LONG_LIVED];

/** Every form a secret can be found in: as is, URL-encoded, JSON with PHP's escaped slashes. */
function forms(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1).replace(/\//g, '\\/'),
  ];
}

/** Every way a user can look at a value: message, stack, JSON, inspect (deep, hidden too). */
function views(value: unknown): string[] {
  const out = [
    inspect(value, { depth: 20, showHidden: true }),
    JSON.stringify(value, (_k, v: unknown) =>
      v instanceof Error
        ? Object.assign({}, v, { message: v.message, stack: v.stack, cause: v.cause })
        : v,
    ) ?? '',
  ];
  if (value instanceof Error) out.push(value.message, value.stack ?? '', JSON.stringify(value));
  return out;
}

function expectNoSecret(what: string, value: unknown): void {
  for (const text of views(value)) {
    for (const secret of ALL) {
      for (const form of forms(secret)) {
        expect(text.includes(form), `${what} contains ${secret.slice(-12)}`).toBe(false);
      }
    }
  }
}

/** A logger and hooks that keep everything they are given. */
function recorder(): { logger: Logger; hooks: Hooks; logs: unknown[]; events: unknown[] } {
  const logs: unknown[] = [];
  const events: unknown[] = [];
  const log =
    (level: string) =>
    (message: string, data?: Record<string, unknown>): void => {
      logs.push({ level, message, data });
    };
  const record = (name: string) => (event: unknown) => events.push({ name, event });
  return {
    logs,
    events,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    hooks: {
      onRequest: record('onRequest'),
      onResponse: record('onResponse'),
      onRetry: record('onRetry'),
      onRefresh: record('onRefresh'),
      onError: record('onError'),
    },
  };
}

/** The value of the Authorization header, without the scheme. */
function bearer(req: IncomingMessage): string {
  return (req.headers.authorization ?? '').replace(/^Bearer /, '');
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
const servers: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(handler: Handler) {
  const s = await localServer((req, res, body) => handler(req, res, body));
  servers.push(s);
  return s;
}

function tokenClient(baseUrl: string, rec: ReturnType<typeof recorder>): Kommo {
  return new Kommo({
    baseUrl,
    accessToken: ACCESS,
    rateLimit: false,
    maxRetries: 1,
    retry: { baseDelayMs: 0, maxDelayMs: 0, sleep: async () => {} },
    logger: rec.logger,
    hooks: rec.hooks,
  });
}

function pair(access: string, refresh: string, expiresInSec = 3600): TokenSet {
  return {
    access_token: access,
    refresh_token: refresh,
    token_type: 'Bearer',
    expires_at: Math.floor(Date.now() / 1000) + expiresInSec,
  };
}

function oauthClient(
  baseUrl: string,
  store: MemoryTokenStore,
  rec: ReturnType<typeof recorder>,
): Kommo {
  return new Kommo({
    baseUrl,
    oauth: {
      clientId: 'client-id',
      clientSecret: CLIENT_SECRET,
      redirectUri: 'https://a.example/cb',
    },
    tokenStore: store,
    rateLimit: false,
    maxRetries: 0,
    retry: { baseDelayMs: 0, maxDelayMs: 0, sleep: async () => {} },
    logger: rec.logger,
    hooks: rec.hooks,
  });
}

/** The rejection of `promise`, checked to be a `type`. */
async function failure<T extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => T,
): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof type)) throw new Error(`expected a ${type.name}, got ${String(error)}`);
  return error;
}

describe('a server that reflects the bearer token', () => {
  it('into the error body (JSON, plain text, HTML, URL-encoded): the token is in no error, log line or hook payload', async () => {
    const s = await serve((req, res) => {
      const token = bearer(req);
      if (req.url?.startsWith('/api/v4/leads')) {
        json(res, 400, {
          title: `Bad token ${token}`,
          detail: `Authorization: Bearer ${token} is not accepted`,
          hint: token,
          'validation-errors': [
            { request_id: token, errors: [{ code: token, path: token, detail: token }] },
          ],
          [token]: encodeURIComponent(token),
        });
      } else if (req.url?.startsWith('/api/v4/contacts')) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`upstream said: token=${token} (${encodeURIComponent(`Bearer ${token}`)})`);
      } else {
        res.writeHead(403, { 'content-type': 'text/html' });
        res.end(`<html><body><pre>${req.headers.authorization}</pre><p>${token}</p></body></html>`);
      }
    });
    const rec = recorder();
    const kommo = tokenClient(s.url, rec);
    const errors = [
      await failure(kommo.request({ method: 'POST', path: '/api/v4/leads', body: [{}] }), Error),
      await failure(kommo.request({ method: 'GET', path: '/api/v4/contacts' }), Error),
      await failure(kommo.request({ method: 'GET', path: '/api/v4/account' }), Error),
    ];
    // The server did receive the token, and answered with it: the test is real.
    expect(s.requests.every((r) => r.headers.authorization === `Bearer ${ACCESS}`)).toBe(true);
    expect(s.requests).toHaveLength(4); // the 500 of a GET is retried once
    expect(errors.map((e) => (isKommoError(e) ? e.code : e.name))).toEqual([
      'bad_request',
      'server_error',
      'account_blocked',
    ]);
    // What is left is still useful: Kommo's words around the secret, and the structure.
    expect(errors[0]!.message).toContain('[REDACTED] is not accepted');
    errors.forEach((e, i) => expectNoSecret(`error #${i}`, e));
    expect(rec.events.length).toBeGreaterThanOrEqual(8);
    expectNoSecret('hook payloads', rec.events);
    expect(rec.logs.length).toBeGreaterThanOrEqual(4);
    expectNoSecret('log lines', rec.logs);
  });

  it('into X-Request-Id: requestId of errors, hooks and logs holds [REDACTED] instead', async () => {
    const s = await serve((req, res) => {
      const status = req.url?.startsWith('/api/v4/leads') ? 200 : 502;
      json(res, status, status === 200 ? { ok: 1 } : { detail: 'bad gateway' }, {
        'x-request-id': `rid-${bearer(req)}`,
      });
    });
    const rec = recorder();
    const kommo = tokenClient(s.url, rec);
    expect(await kommo.request({ method: 'GET', path: '/api/v4/leads' })).toEqual({ ok: 1 });
    const error = await failure(
      kommo.request({ method: 'GET', path: '/api/v4/account' }),
      ServerError,
    );
    expect(error.requestId).toBe('rid-[REDACTED]');
    const ids = rec.events
      .map((e) => (e as { event: { requestId?: string } }).event.requestId)
      .filter(Boolean);
    expect(ids.length).toBeGreaterThanOrEqual(3); // onResponse ×3, onRetry, onError
    expect(new Set(ids)).toEqual(new Set(['rid-[REDACTED]']));
    expectNoSecret('the error', error);
    expectNoSecret('hook payloads', rec.events);
    expectNoSecret('log lines', rec.logs);
  });

  it('into a successful answer: the data the SDK returns and any ResponseValidationError hold [REDACTED]', async () => {
    const s = await serve((req, res) => {
      if (req.url?.startsWith('/api/v4/leads'))
        json(res, 200, { _embedded: { leads: `Bearer ${bearer(req)}` } });
      else
        json(res, 200, {
          echoed: bearer(req),
          headers: { authorization: req.headers.authorization },
        });
    });
    const rec = recorder();
    const kommo = tokenClient(s.url, rec);
    expect(await kommo.request({ method: 'GET', path: '/api/v4/account' })).toEqual({
      echoed: '[REDACTED]',
      headers: { authorization: 'Bearer [REDACTED]' },
    });
    const error = await failure(kommo.leads.list(), ResponseValidationError);
    expectNoSecret('the validation error', error);
    expectNoSecret('log lines', rec.logs);
  });

  it('into a redirect to another host: the redirect is not followed, and the error names the scrubbed target', async () => {
    const thief = await serve((_req, res) => json(res, 200, {}));
    const thiefUrl = thief.url.replace('127.0.0.1', 'localhost');
    const s = await serve((req, res) => {
      res.writeHead(307, {
        location: `${thiefUrl}/steal?auth=${encodeURIComponent(String(req.headers.authorization))}&t=${bearer(req)}`,
      });
      res.end();
    });
    const rec = recorder();
    const kommo = tokenClient(s.url, rec);
    const redirect = await failure(
      kommo.request({ method: 'POST', path: '/api/v4/leads', body: [{ name: 'x' }] }),
      RedirectError,
    );
    expect(thief.requests).toHaveLength(0);
    expect(s.requests).toHaveLength(1);
    expect(redirect.code).toBe('unexpected_redirect');
    expect(redirect.status).toBe(307);
    expect(redirect.writeOutcome).toBe('not_applied');
    expect(redirect.location).toMatch(new RegExp(`^${thiefUrl}/steal\\?auth=`));
    expect(redirect.location).toContain('[REDACTED]');
    expect(redirect.message).toContain(`307 Redirect to ${thiefUrl}/steal`);
    expectNoSecret('the error', redirect);
    expectNoSecret('hook payloads', rec.events);
    expectNoSecret('log lines', rec.logs);
  });

  it('into a redirect to the same host: not followed either (a same-host hop would keep the token)', async () => {
    const s = await serve((req, res) => {
      if (req.url?.startsWith('/api/v4/leads')) {
        res.writeHead(302, { location: `/login?next=/api/v4/leads&token=${bearer(req)}` });
        res.end();
      } else json(res, 200, { reached: true });
    });
    const rec = recorder();
    const kommo = tokenClient(s.url, rec);
    const error = await failure(
      kommo.request({ method: 'GET', path: '/api/v4/leads' }),
      RedirectError,
    );
    expect(s.requests.map((r) => r.url)).toEqual(['/api/v4/leads']);
    expect(error.location).toBe(`${s.url}/login?next=%2Fapi%2Fv4%2Fleads&token=[REDACTED]`);
    expectNoSecret('the error', error);
    expectNoSecret('hook payloads', rec.events);
    expectNoSecret('log lines', rec.logs);
  });

  it('scrubs the token a request actually carried even when the pair rotated while it was in flight', async () => {
    let releaseSlow!: () => void;
    const slowMayAnswer = new Promise<void>((r) => (releaseSlow = r));
    const s = await serve((req, res, body) => {
      if (req.url === '/oauth2/access_token') {
        expect(JSON.parse(body)).toMatchObject({ refresh_token: REFRESH });
        json(res, 200, {
          token_type: 'Bearer',
          expires_in: 86_400,
          access_token: ACCESS_NEW,
          refresh_token: REFRESH_NEW,
        });
      } else if (req.url === '/api/v4/slow') {
        const sent = bearer(req);
        void slowMayAnswer.then(() => json(res, 500, { detail: `stale ${sent}` }));
      } else if (bearer(req) === ACCESS) {
        json(res, 401, { detail: 'Invalid user name or password' });
      } else json(res, 200, {});
    });
    const rec = recorder();
    const store = new MemoryTokenStore({ [new URL(s.url).host]: pair(ACCESS, REFRESH) });
    const kommo = oauthClient(s.url, store, rec);
    const slow = failure(
      kommo.request({ method: 'POST', path: '/api/v4/slow', body: {} }),
      ServerError,
    );
    await kommo.request({ method: 'GET', path: '/api/v4/account' }); // 401 → refresh → replay
    expect((await store.get(new URL(s.url).host))?.access_token).toBe(ACCESS_NEW);
    releaseSlow();
    const error = await slow;
    expect(error.message).toContain('stale [REDACTED]');
    expectNoSecret('the in-flight error', error);
    expectNoSecret('hook payloads', rec.events);
    expectNoSecret('log lines', rec.logs);
  });
});

describe('an OAuth token endpoint that reflects what it was sent', () => {
  /** Answers every token request with its own body, JSON-escaped the PHP way, and in headers. */
  function reflectingTokenEndpoint(status: number) {
    return serve((req, res, body) => {
      if (req.url === '/oauth2/access_token') {
        const echo = JSON.stringify({
          title: 'Invalid request',
          hint: `Token has been revoked: ${body}`,
          detail: Object.values(JSON.parse(body) as Record<string, string>).join(' '),
          request: JSON.parse(body) as unknown,
        }).replace(/\//g, '\\/');
        const values = Object.values(JSON.parse(body) as Record<string, string>);
        res.writeHead(status, {
          'content-type': 'application/json',
          'x-request-id': values.join(','),
          ...(status >= 300 && status < 400
            ? {
                location: `https://evil.example/?${new URLSearchParams(JSON.parse(body) as Record<string, string>).toString()}`,
              }
            : {}),
        });
        res.end(echo);
      } else if (bearer(req) === ACCESS) {
        json(res, 401, { detail: `Invalid token ${bearer(req)}` });
      } else json(res, 200, {});
    });
  }

  it('on a refresh: no refresh token or client secret in the reauthorization error, its cause, logs or hooks', async () => {
    const s = await reflectingTokenEndpoint(401);
    const rec = recorder();
    const store = new MemoryTokenStore({ [new URL(s.url).host]: pair(ACCESS, REFRESH) });
    const kommo = oauthClient(s.url, store, rec);
    const error = await failure(
      kommo.request({ method: 'GET', path: '/api/v4/account' }),
      AuthenticationError,
    );
    expect(error.code).toBe('reauthorization_required');
    const cause = error.cause;
    if (!(cause instanceof OAuthError)) throw new Error('expected the OAuthError as cause');
    expect(cause.hint).toMatch(/^Token has been revoked: /);
    // The endpoint really reflected both secrets (the SDK replaced them).
    expect(JSON.stringify(cause.body)).toContain('[REDACTED]');
    expect(s.requests.some((r) => r.body.includes(CLIENT_SECRET))).toBe(true);
    expectNoSecret('the error', error);
    expectNoSecret('hook payloads', rec.events);
    expectNoSecret('log lines', rec.logs);
  });

  it('on a code exchange (error body, X-Request-Id, redirect): no code or client secret in the OAuthError', async () => {
    for (const status of [400, 302]) {
      const s = await reflectingTokenEndpoint(status);
      const oauth = new KommoOAuth({
        clientId: 'client-id',
        clientSecret: CLIENT_SECRET,
        redirectUri: 'https://a.example/cb',
        baseUrl: s.url,
      });
      const error = await failure(
        oauth.exchangeCode({ code: CODE, referer: 'acme.kommo.com' }),
        OAuthError,
      );
      expect(error.status).toBe(status);
      if (status === 302) {
        expect(error.message).toContain('302 redirect to https://evil.example/');
        expect(error.message).toContain('not followed');
      }
      expect(s.requests).toHaveLength(1);
      expectNoSecret(`the ${status} error`, error);
    }
  });
});

describe('scrubKnownSecrets, which keeps the forms of the last set of secrets', () => {
  const text = (s: string): string =>
    `{"a":"${s}","b":"${encodeURIComponent(s)}","c":${JSON.stringify(s)},"d":"${s.replace(/\//g, '\\/')}"}`;

  it('scrubs whichever set each call names, however calls alternate, grow, shrink or repeat', () => {
    const a = 'token/A+with&special"chars-0001';
    const b = 'token-B-0002-plain-base64url';
    const c = 'eyJ' + 'x'.repeat(700);
    const sets: Array<Array<string | undefined>> = [
      [a],
      [b],
      [a, b],
      [b, a, undefined],
      [a],
      [c, a],
      [c],
      [undefined, 'short'],
      [a, a, b],
    ];
    for (let round = 0; round < 2; round++) {
      for (const set of sets) {
        const named = set.filter((s): s is string => typeof s === 'string' && s.length >= 8);
        const others = [a, b, c].filter((s) => !named.includes(s));
        const input = [a, b, c].map(text).join('\n');
        const out = scrubKnownSecrets(input, set);
        for (const secret of named)
          expect(out, `${set.join(',')} keeps ${secret}`).not.toContain(secret);
        // Only what was named goes: the other secrets' texts come back untouched.
        for (const secret of others) expect(out).toContain(text(secret));
      }
    }
  });

  it('scrubs each new secret, and an old one named again, after many rotations', () => {
    for (let i = 0; i < 100; i++) {
      const secret = `rotated-token-${String(i).padStart(4, '0')}-abcdef`;
      expect(scrubKnownSecrets(`x ${secret} y`, [secret])).toBe('x [REDACTED] y');
    }
    expect(scrubKnownSecrets('x rotated-token-0000-abcdef y', ['rotated-token-0000-abcdef'])).toBe(
      'x [REDACTED] y',
    );
  });
});
