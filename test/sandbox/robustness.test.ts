import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { call, rawExchange, rawGet } from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: false, maxBodyBytes: 64 * 1024 });
});
afterAll(() => sandbox.close());

async function stillServing(): Promise<void> {
  expect((await call(sandbox, 'GET', '/api/v4/account')).status).toBe(200);
}

describe('bad input', () => {
  it('answers malformed JSON with a 400 problem', async () => {
    const res = await call(sandbox, 'POST', '/api/v4/leads', '[{"name": ');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      title: 'Bad Request',
      type: 'https://httpstatus.es/400',
      status: 400,
    });
    await stillServing();
  });

  it('answers a body of the wrong content type with a 400 problem', async () => {
    const res = await call(sandbox, 'POST', '/api/v4/leads', 'name=x', {
      'content-type': 'text/plain',
    });
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('application/json');
  });

  it('answers a huge body with 413 and keeps serving', async () => {
    const res = await call(
      sandbox,
      'POST',
      '/api/v4/leads',
      JSON.stringify([{ name: 'x'.repeat(100 * 1024) }]),
    );
    expect(res.status).toBe(413);
    await stillServing();
  });

  it('answers unknown routes with the 404 problem and a known route with 405 for another method', async () => {
    const res = await call(sandbox, 'GET', '/api/v4/example');
    expect(res.body).toEqual({
      title: 'Not Found',
      type: 'https://httpstatus.es/404',
      status: 404,
      detail: `Cannot GET ${sandbox.url}/api/v4/example`,
    });
    expect((await call(sandbox, 'DELETE', '/api/v4/leads')).status).toBe(405);
    expect((await call(sandbox, 'GET', '/api/v4/leads/abc')).status).toBe(404);
    expect((await call(sandbox, 'GET', '/api/v4/leads/99999999999999999999')).status).toBe(404);
  });

  it('never resolves path traversal', async () => {
    for (const path of [
      '/api/v4/../../etc/passwd',
      '/api/v4/leads/..%2f..%2fetc',
      '/api/v4/%2e%2e/account',
      '/api//v4/account',
      '/api/v4/leads%00',
    ]) {
      const res = await rawGet(sandbox, path);
      expect(res.status).toBe(404);
    }
    await stillServing();
  });

  it('answers broken request lines and headers with 400 and keeps serving', async () => {
    const garbage = await rawExchange(sandbox, 'GARBAGE\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    const badHeader = await rawExchange(
      sandbox,
      'GET /api/v4/account HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
    );
    expect(badHeader).toMatch(/^HTTP\/1\.1 400/);
    const odd = await call(sandbox, 'GET', '/api/v4/account', undefined, {
      authorization: 'Bearer  ',
      'x-weird': '\u00ff'.repeat(10),
    });
    expect(odd.status).toBe(401);
    await stillServing();
  });

  it('ignores hostile query keys', async () => {
    const res = await call(
      sandbox,
      'GET',
      '/api/v4/leads?filter[__proto__][id]=1&filter[constructor][x]=2&order[id]=desc&filter[a][b][c][d][e][f][g]=1&with=contacts',
    );
    expect(res.status).toBe(200);
    expect(({} as Record<string, unknown>)['id']).toBeUndefined();
  });

  it('never answers 5xx to arbitrary JSON bodies on write routes', async () => {
    const routes = [
      '/api/v4/leads',
      '/api/v4/contacts',
      '/api/v4/leads/complex',
      '/api/v4/leads/notes',
      '/api/v4/leads/pipelines',
      '/api/v4/leads/custom_fields',
      '/api/v4/webhooks',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.constantFrom('POST', 'PATCH'),
        fc.jsonValue({ maxDepth: 4 }),
        async (route, method, body) => {
          const res = await call(sandbox, method, route, JSON.stringify(body));
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150, seed: 42 },
    );
    const keys = [
      'id',
      'name',
      'price',
      'status_id',
      'pipeline_id',
      'responsible_user_id',
      'custom_fields_values',
      '_embedded',
      'tags_to_add',
      'entity_id',
      'note_type',
      'params',
      'request_id',
      'to_entity_id',
      'to_entity_type',
      'metadata',
    ];
    const item = fc.dictionary(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }), {
      maxKeys: 5,
    });
    const writeRoutes = [
      ...routes,
      '/api/v4/leads/20000001/link',
      '/api/v4/leads/20000001/notes',
      '/api/v4/contacts/link',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...writeRoutes),
        fc.constantFrom('POST', 'PATCH'),
        fc.array(item, { maxLength: 4 }),
        async (route, method, body) => {
          const res = await call(sandbox, method, route, JSON.stringify(body));
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
    await stillServing();
  });
});
