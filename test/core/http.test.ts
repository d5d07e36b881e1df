import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  KommoApiError,
  NotFoundError,
  PaymentRequiredError,
  PermissionDeniedError,
  RateLimitError,
  RequestAbortedError,
  RequestTimeoutError,
  RequestValidationError,
  ResponseValidationError,
  ServerError,
  VERSION,
  isKommoError,
  type RequestEvent,
} from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { json, localServer } from '../support/server.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const fixtureJson = (name: string): unknown => JSON.parse(fixture(name));

let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

async function server(handler: Parameters<typeof localServer>[0]) {
  const s = await localServer(handler);
  closers.push(s.close);
  return s;
}

describe('answers', () => {
  it('sends the user agent, accept and JSON content type, and serializes the query in bracket style', async () => {
    let seenUrl = '';
    nock(HOST, {
      reqheaders: {
        'user-agent': `kommo-sdk/${VERSION}`,
        'content-type': 'application/json',
        'x-custom': 'yes',
      },
    })
      .post(
        (uri) => {
          seenUrl = uri;
          return uri.startsWith('/api/v4/leads');
        },
        [{ name: 'Deal' }],
      )
      .reply(200, { ok: true });
    await testClient({ headers: { 'X-Custom': 'yes' } }).request({
      method: 'POST',
      path: '/api/v4/leads',
      query: {
        filter: { id: [1, 2], statuses: [{ pipeline_id: 10, status_id: 20 }] },
        with: 'contacts',
        flag: true,
      },
      body: [{ name: 'Deal' }],
    });
    expect(decodeURIComponent(seenUrl)).toBe(
      '/api/v4/leads?filter[id][]=1&filter[id][]=2&filter[statuses][0][pipeline_id]=10&filter[statuses][0][status_id]=20&with=contacts&flag=1',
    );
  });

  it('turns a 204 with an empty body into null without parsing it', async () => {
    nock(HOST).get('/api/v4/leads').reply(204, fixture('http_204_empty_body.txt'));
    await expect(
      testClient().request({ method: 'GET', path: '/api/v4/leads' }),
    ).resolves.toBeNull();
  });

  it('turns a 200 with an empty body into null', async () => {
    nock(HOST).delete('/api/v4/webhooks').reply(200, '');
    await expect(
      testClient().request({ method: 'DELETE', path: '/api/v4/webhooks' }),
    ).resolves.toBeNull();
  });

  it('throws ResponseValidationError when a 200 body is not JSON', async () => {
    nock(HOST)
      .get('/api/v4/account')
      .reply(200, '<html>maintenance</html>', { 'content-type': 'text/html' });
    const error = await testClient()
      .request({ method: 'GET', path: '/api/v4/account' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).body).toBe('<html>maintenance</html>');
  });

  it('refuses a path that is not an absolute API path before sending', async () => {
    const kommo = testClient();
    for (const path of [
      'api/v4/leads',
      '//evil.io/x',
      '/api/../../etc',
      'https://evil.io/api',
      '/api/v4/leads?x=1',
    ]) {
      await expect(kommo.request({ method: 'GET', path })).rejects.toBeInstanceOf(
        RequestValidationError,
      );
    }
    await expect(
      kommo.request({ method: 'TRACE' as never, path: '/api/v4/leads' }),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });
});

describe('errors', () => {
  it.each([
    [400, 'error_400_validation.json', BadRequestError, 'bad_request'],
    [401, 'error_401_unauthorized.json', AuthenticationError, 'unauthorized'],
    [402, 'error_402_payment_required.json', PaymentRequiredError, 'payment_required'],
    [404, 'error_404_route.json', NotFoundError, 'not_found'],
    [422, 'error_422_limit.json', BadRequestError, 'bad_request'],
    [500, 'error_500_internal.json', ServerError, 'server_error'],
  ] as const)(
    'maps %i (%s) to the right class with its code',
    async (status, file, Class, code) => {
      nock(HOST).get('/api/v4/leads').reply(status, fixture(file), {
        'content-type': 'application/problem+json',
        'x-request-id': 'abc123',
      });
      const error = (await testClient({ maxRetries: 0 })
        .request({ method: 'GET', path: '/api/v4/leads' })
        .catch((e: unknown) => e)) as KommoApiError;
      expect(error).toBeInstanceOf(Class);
      expect(isKommoError(error)).toBe(true);
      expect(error.code).toBe(code);
      expect(error.status).toBe(status);
      expect(error.requestId).toBe('abc123');
      expect(error.method).toBe('GET');
      expect(error.url).toBe('https://acme.kommo.com/api/v4/leads');
      expect(error.body).toEqual(fixtureJson(file));
      expect(error.writeOutcome).toBeUndefined();
    },
  );

  it('reads validation errors keyed by request_id and writes a readable message', async () => {
    nock(HOST).post('/api/v4/leads').reply(400, fixture('error_400_validation.json'), {
      'content-type': 'application/problem+json',
    });
    const error = (await testClient()
      .request({ method: 'POST', path: '/api/v4/leads', body: [{}, {}] })
      .catch((e: unknown) => e)) as BadRequestError;
    expect(error.message).toBe('400 Bad Request: Request validation failed (POST /api/v4/leads)');
    expect(error.writeOutcome).toBe('not_applied');
    expect(error.validationErrors).toEqual([
      {
        requestId: '0',
        errors: [
          {
            code: 'NotSupportedChoice',
            path: 'custom_fields_values.0.field_id',
            detail: 'The value you selected is not a valid choice.',
          },
          { code: 'InvalidType', path: 'status_id', detail: 'This value should be of type int.' },
        ],
      },
      {
        requestId: 'lead-2',
        errors: [
          {
            code: 'InvalidType',
            path: '_embedded.contacts.0.responsible_user_id',
            detail: 'This value should be of type int.',
          },
        ],
      },
    ]);
  });

  it('keeps an HTML 403 block page as text and calls it account_blocked', async () => {
    const html = fixture('error_403_account_blocked.html');
    nock(HOST).get('/api/v4/leads/1').reply(403, html, { 'content-type': 'text/html' });
    const error = (await testClient()
      .request({ method: 'GET', path: '/api/v4/leads/1' })
      .catch((e: unknown) => e)) as PermissionDeniedError;
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error.code).toBe('account_blocked');
    expect(error.body).toBe(html);
    expect(error.message).toBe('403 Forbidden (GET /api/v4/leads/1)');
  });

  it('calls a JSON 403 permission_denied', async () => {
    nock(HOST)
      .get('/api/v4/users')
      .reply(403, { title: 'Forbidden', status: 403, detail: 'Access denied' });
    const error = (await testClient()
      .request({ method: 'GET', path: '/api/v4/users' })
      .catch((e: unknown) => e)) as PermissionDeniedError;
    expect(error.code).toBe('permission_denied');
    expect(error.detail).toBe('Access denied');
  });

  it('redacts secret-looking query parameters in the error url', async () => {
    nock(HOST).get('/api/v4/x').query(true).reply(404, { detail: 'nope' });
    const error = (await testClient()
      .request({
        method: 'GET',
        path: '/api/v4/x',
        query: { access_token: 'leak-me-please', page: 2 },
      })
      .catch((e: unknown) => e)) as NotFoundError;
    expect(error.url).not.toContain('leak-me-please');
    expect(error.url).toContain('page=2');
  });
});

describe('retries', () => {
  it('retries a 429 with a Retry-After header and waits what it says', async () => {
    const waits: number[] = [];
    nock(HOST)
      .get('/api/v4/leads')
      .reply(429, fixture('error_429_too_many_requests.json'), { 'retry-after': '2' });
    nock(HOST).get('/api/v4/leads').reply(200, { ok: 1 });
    const kommo = testClient({
      retry: { baseDelayMs: 100, maxDelayMs: 5000, sleep: async (ms) => void waits.push(ms) },
    });
    await expect(kommo.request({ method: 'GET', path: '/api/v4/leads' })).resolves.toEqual({
      ok: 1,
    });
    expect(waits).toEqual([2000]);
  });

  it('takes the wait from the retry_after body field when there is no header', async () => {
    const waits: number[] = [];
    nock(HOST)
      .get('/api/v4/leads')
      .reply(429, { title: 'Too Many Requests', status: 429, retry_after: 3 });
    nock(HOST).get('/api/v4/leads').reply(200, { ok: 1 });
    const kommo = testClient({
      retry: { baseDelayMs: 100, maxDelayMs: 5000, sleep: async (ms) => void waits.push(ms) },
    });
    await kommo.request({ method: 'GET', path: '/api/v4/leads' });
    expect(waits).toEqual([3000]);
  });

  it('does not sleep a hint above the ceiling: it backs off up to the ceiling and reports the hint', async () => {
    const waits: number[] = [];
    nock(HOST)
      .get('/api/v4/leads')
      .times(4)
      .reply(429, fixture('error_429_too_many_requests.json'), {
        'content-type': 'application/problem+json',
      });
    const kommo = testClient({
      maxRetries: 3,
      retry: { baseDelayMs: 1000, maxDelayMs: 4000, sleep: async (ms) => void waits.push(ms) },
    });
    const error = (await kommo
      .request({ method: 'GET', path: '/api/v4/leads' })
      .catch((e: unknown) => e)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(300_000);
    expect(waits).toHaveLength(3);
    for (const w of waits) expect(w).toBeLessThanOrEqual(4000);
  });

  it('survives a 429 whose body is HTML', async () => {
    nock(HOST)
      .get('/api/v4/leads')
      .reply(429, '<html><body>Too many</body></html>', { 'content-type': 'text/html' });
    nock(HOST).get('/api/v4/leads').reply(200, { ok: 1 });
    await expect(testClient().request({ method: 'GET', path: '/api/v4/leads' })).resolves.toEqual({
      ok: 1,
    });
  });

  it('replays a POST after a 429, because Kommo did not apply it', async () => {
    const bodies: unknown[] = [];
    nock(HOST)
      .post('/api/v4/leads', (b) => bodies.push(b) > 0)
      .reply(429, '', { 'retry-after': '0' });
    nock(HOST)
      .post('/api/v4/leads', (b) => bodies.push(b) > 0)
      .reply(200, { _embedded: { leads: [{ id: 1 }] } });
    await testClient().request({ method: 'POST', path: '/api/v4/leads', body: [{ name: 'a' }] });
    expect(bodies).toEqual([[{ name: 'a' }], [{ name: 'a' }]]);
  });

  it.each([500, 502, 503, 504])(
    'never replays a POST after a %i and marks the outcome unknown',
    async (status) => {
      nock(HOST).post('/api/v4/leads').once().reply(status, '');
      const error = (await testClient()
        .request({ method: 'POST', path: '/api/v4/leads', body: [{}] })
        .catch((e: unknown) => e)) as ServerError;
      expect(error).toBeInstanceOf(ServerError);
      expect(error.writeOutcome).toBe('unknown');
    },
  );

  it('never replays a PATCH after a connection reset and marks the outcome unknown', async () => {
    const s = await server((req) => {
      req.socket.destroy();
    });
    const kommo = testClient({ baseUrl: s.url, domain: undefined });
    const error = (await kommo
      .request({ method: 'PATCH', path: '/api/v4/leads', body: [{ id: 1 }] })
      .catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('connection_error');
    expect(error.writeOutcome).toBe('unknown');
    expect(s.requests).toHaveLength(1);
  });

  it('retries a GET after connection resets and 5xx, counting the attempts', async () => {
    const s = await server((req, res, _body, i) => {
      if (i === 0) req.socket.destroy();
      else if (i === 1) json(res, 502, { title: 'Bad Gateway' });
      else json(res, 200, { id: 7 });
    });
    const events: RequestEvent[] = [];
    const kommo = testClient({
      baseUrl: s.url,
      domain: undefined,
      hooks: { onRetry: (e) => events.push(e) },
    });
    await expect(kommo.request({ method: 'GET', path: '/api/v4/account' })).resolves.toEqual({
      id: 7,
    });
    expect(s.requests).toHaveLength(3);
    expect(events.map((e) => [e.attempt, e.status ?? e.error?.code])).toEqual([
      [1, 'connection_error'],
      [2, 502],
    ]);
  });

  it('gives up after maxRetries and throws the last error', async () => {
    nock(HOST).get('/api/v4/leads').times(3).reply(503, '');
    const error = await testClient({ maxRetries: 2 })
      .request({ method: 'GET', path: '/api/v4/leads' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
  });

  it('does not retry a 400', async () => {
    nock(HOST).get('/api/v4/leads').once().reply(400, { detail: 'bad' });
    await expect(
      testClient().request({ method: 'GET', path: '/api/v4/leads' }),
    ).rejects.toBeInstanceOf(BadRequestError);
  });

  it('marks a POST refused before connecting as not applied', async () => {
    const s = await server(() => undefined);
    await s.close();
    closers = [];
    const kommo = testClient({ baseUrl: s.url, domain: undefined });
    const error = (await kommo
      .request({ method: 'POST', path: '/api/v4/leads', body: [] })
      .catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.writeOutcome).toBe('not_applied');
  });
});

describe('timeouts and cancellation', () => {
  it('throws RequestTimeoutError when the server is silent longer than timeoutMs', async () => {
    const s = await server(() => undefined); // never answers
    const kommo = testClient({ baseUrl: s.url, domain: undefined, timeoutMs: 100, maxRetries: 1 });
    const error = (await kommo
      .request({ method: 'GET', path: '/api/v4/leads' })
      .catch((e: unknown) => e)) as RequestTimeoutError;
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error.code).toBe('timeout');
    expect(s.requests).toHaveLength(2); // a read is retried once
  });

  it('does not replay a POST that timed out and marks it unknown', async () => {
    const s = await server(() => undefined);
    const kommo = testClient({ baseUrl: s.url, domain: undefined, timeoutMs: 100 });
    const error = (await kommo
      .request({ method: 'POST', path: '/api/v4/leads', body: [{}] })
      .catch((e: unknown) => e)) as RequestTimeoutError;
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error.writeOutcome).toBe('unknown');
    expect(s.requests).toHaveLength(1);
  });

  it('a per-call timeoutMs overrides the client one', async () => {
    const s = await server(() => undefined);
    const kommo = testClient({
      baseUrl: s.url,
      domain: undefined,
      timeoutMs: 60_000,
      maxRetries: 0,
    });
    await expect(
      kommo.request({ method: 'GET', path: '/api/v4/leads' }, { timeoutMs: 50 }),
    ).rejects.toBeInstanceOf(RequestTimeoutError);
  });

  it('stops with RequestAbortedError when the signal aborts mid-request', async () => {
    const s = await server(() => undefined);
    const controller = new AbortController();
    const kommo = testClient({ baseUrl: s.url, domain: undefined });
    const pending = kommo.request(
      { method: 'GET', path: '/api/v4/leads' },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 30);
    const error = (await pending.catch((e: unknown) => e)) as RequestAbortedError;
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect(error.code).toBe('aborted');
    expect(s.requests).toHaveLength(1);
  });

  it('does not report a cancellation through onError', async () => {
    const errors: RequestEvent[] = [];
    const controller = new AbortController();
    controller.abort();
    const kommo = testClient({ hooks: { onError: (e) => errors.push(e) } });
    await expect(
      kommo.request({ method: 'GET', path: '/api/v4/leads' }, { signal: controller.signal }),
    ).rejects.toBeInstanceOf(RequestAbortedError);
    expect(errors).toEqual([]);
  });

  it('does not send anything when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      testClient().request({ method: 'GET', path: '/api/v4/leads' }, { signal: controller.signal }),
    ).rejects.toBeInstanceOf(RequestAbortedError);
  });

  it('aborts while waiting to retry', async () => {
    nock(HOST).get('/api/v4/leads').reply(503, '');
    const controller = new AbortController();
    const kommo = testClient({
      retry: {
        sleep: (_ms, signal) =>
          new Promise((_resolve, reject) => {
            signal?.addEventListener('abort', () => reject(new Error('aborted')));
            controller.abort();
          }),
      },
    });
    await expect(
      kommo.request({ method: 'GET', path: '/api/v4/leads' }, { signal: controller.signal }),
    ).rejects.toBeInstanceOf(RequestAbortedError);
  });
});

describe('hooks and logging', () => {
  it('calls onRequest/onResponse per attempt with timings and the request id', async () => {
    nock(HOST).get('/api/v4/leads').query({ page: '1' }).reply(503, '');
    nock(HOST)
      .get('/api/v4/leads')
      .query({ page: '1' })
      .reply(200, { ok: 1 }, { 'x-request-id': 'req-42' });
    const seen: Array<[string, RequestEvent]> = [];
    const kommo = testClient({
      hooks: {
        onRequest: (e) => seen.push(['request', e]),
        onResponse: (e) => seen.push(['response', e]),
        onRetry: (e) => seen.push(['retry', e]),
        onError: (e) => seen.push(['error', e]),
      },
    });
    await kommo.request({ method: 'GET', path: '/api/v4/leads', query: { page: 1 } });
    expect(seen.map(([k, e]) => `${k}:${e.attempt}:${e.status ?? '-'}`)).toEqual([
      'request:1:-',
      'response:1:503',
      'retry:1:503',
      'request:2:-',
      'response:2:200',
    ]);
    const last = seen[4]![1];
    expect(last.path).toBe('/api/v4/leads');
    expect(last.requestId).toBe('req-42');
    expect(typeof last.durationMs).toBe('number');
  });

  it('calls onError once when a call finally fails, and a throwing hook does not break the call', async () => {
    nock(HOST).get('/api/v4/leads').reply(404, { detail: 'x' });
    const errors: RequestEvent[] = [];
    const kommo = testClient({
      hooks: {
        onRequest: () => {
          throw new Error('hook bug');
        },
        onError: (e) => errors.push(e),
      },
    });
    await expect(kommo.request({ method: 'GET', path: '/api/v4/leads' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error?.code).toBe('not_found');
  });

  it('is silent without a logger and logs through any console-like logger', async () => {
    nock(HOST).get('/api/v4/leads').reply(200, {});
    const lines: string[] = [];
    const kommo = testClient({ logger: { debug: (m) => lines.push(m) } });
    await kommo.request({ method: 'GET', path: '/api/v4/leads' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^kommo-sdk: GET \/api\/v4\/leads 200 \d+ms$/);
  });
});
