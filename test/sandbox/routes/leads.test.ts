import { describe, expect, it } from 'vitest';
import { SEED_IDS, type Sandbox } from '../../../src/sandbox/index.js';
import { call, useSandbox } from '../helpers.js';

let sandbox: Sandbox;
useSandbox((s) => (sandbox = s));

describe('lists', () => {
  it('answers a HAL page with _page, page links and _embedded.leads', async () => {
    const res = await call(sandbox, 'GET', '/api/v4/leads?limit=5&page=2&with=contacts');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/hal+json');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(res.body._page).toBe(2);
    expect(Object.keys(res.body._links)).toEqual(['self', 'next', 'first', 'prev']);
    expect(res.body._links.next.href).toBe(
      `${sandbox.url}/api/v4/leads?with=contacts&limit=5&page=3`,
    );
    const leads = res.body._embedded.leads;
    expect(leads).toHaveLength(5);
    for (const lead of leads) {
      expect(lead._links.self.href).toBe(`${sandbox.url}/api/v4/leads/${String(lead.id)}`);
      expect(Array.isArray(lead._embedded.tags)).toBe(true);
      expect(Array.isArray(lead._embedded.contacts)).toBe(true);
      expect(lead.custom_fields_values === null || Array.isArray(lead.custom_fields_values)).toBe(
        true,
      );
    }
  });

  it('answers 204 with an empty body past the last page and for an unknown id', async () => {
    const past = await call(sandbox, 'GET', '/api/v4/leads?limit=250&page=2');
    expect(past.status).toBe(204);
    expect(past.text).toBe('');
    const missing = await call(sandbox, 'GET', '/api/v4/leads/999999999');
    expect(missing.status).toBe(204);
    expect(missing.text).toBe('');
  });

  it('leaves out the next link on the last page', async () => {
    const res = await call(sandbox, 'GET', '/api/v4/leads?limit=250');
    expect(res.body._embedded.leads).toHaveLength(20);
    expect(res.body._links.next).toBeUndefined();
  });

  it('refuses a limit above 250 with 422 Limit 250 per page', async () => {
    const res = await call(sandbox, 'GET', '/api/v4/leads?limit=251');
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toEqual({
      title: 'Unprocessable Entity',
      type: 'https://httpstatus.es/422',
      status: 422,
      detail: 'Limit 250 per page',
    });
  });

  it('filters by id, statuses and pipeline and orders by id descending', async () => {
    const all = (await call(sandbox, 'GET', '/api/v4/leads?limit=250')).body._embedded
      .leads as any[];
    const [a, b] = all;
    const byId = await call(
      sandbox,
      'GET',
      `/api/v4/leads?filter[id][]=${String(a.id)}&filter[id][]=${String(b.id)}&order[id]=desc`,
    );
    expect(byId.body._embedded.leads.map((l: any) => l.id)).toEqual([b.id, a.id]);
    const target = all[3];
    const qs = `filter%5Bstatuses%5D%5B0%5D%5Bpipeline_id%5D=${String(target.pipeline_id)}&filter%5Bstatuses%5D%5B0%5D%5Bstatus_id%5D=${String(target.status_id)}`;
    const byStatus = await call(sandbox, 'GET', `/api/v4/leads?${qs}`);
    const expected = all
      .filter((l) => l.pipeline_id === target.pipeline_id && l.status_id === target.status_id)
      .map((l) => l.id);
    expect(byStatus.body._embedded.leads.map((l: any) => l.id)).toEqual(expected);
    const none = await call(sandbox, 'GET', '/api/v4/leads?filter[pipeline_id]=1');
    expect(none.status).toBe(204);
  });
});

describe('writes', () => {
  it('creates leads in a batch and echoes request_id, or the index when it is omitted', async () => {
    const res = await call(sandbox, 'POST', '/api/v4/leads', [
      { name: 'First' },
      { name: 'Second', request_id: 'order-77' },
    ]);
    expect(res.status).toBe(200);
    const refs = res.body._embedded.leads;
    expect(refs.map((r: any) => r.request_id)).toEqual(['0', 'order-77']);
    expect(Object.keys(refs[0])).toEqual(['id', 'request_id', '_links']);
    const stored = sandbox.state.leads.get(refs[1].id)!;
    expect(stored.name).toBe('Second');
    expect(stored.pipeline_id).toBe(SEED_IDS.mainPipelineId);
    expect(stored.status_id).toBe(SEED_IDS.firstStatusId);
    expect(sandbox.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/api/v4/leads',
      status: 200,
      bodyItems: 2,
    });
  });

  it('rejects the whole batch with validation-errors keyed by request_id', async () => {
    const before = sandbox.state.leads.size;
    const res = await call(sandbox, 'POST', '/api/v4/leads', [
      { name: 'ok' },
      { name: 'bad status', status_id: 42, request_id: 'b' },
      { name: 'bad field', custom_fields_values: [{ field_id: 1, values: [{ value: 'x' }] }] },
      { name: 7, price: 'a lot' },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('Request validation failed');
    expect(res.body['validation-errors']).toEqual([
      {
        request_id: 'b',
        errors: [
          {
            code: 'NotSupportedChoice',
            path: 'status_id',
            detail: 'The value you selected is not a valid choice.',
          },
        ],
      },
      {
        request_id: '2',
        errors: [
          {
            code: 'NotSupportedChoice',
            path: 'custom_fields_values.0.field_id',
            detail: 'The value you selected is not a valid choice.',
          },
        ],
      },
      {
        request_id: '3',
        errors: [
          { code: 'InvalidType', path: 'name', detail: 'This value should be of type string.' },
          { code: 'InvalidType', path: 'price', detail: 'This value should be of type int.' },
        ],
      },
    ]);
    expect(sandbox.state.leads.size).toBe(before);
  });

  it('refuses more than 250 items and an empty batch', async () => {
    const big = await call(
      sandbox,
      'POST',
      '/api/v4/leads',
      Array.from({ length: 251 }, () => ({ name: 'x' })),
    );
    expect(big.status).toBe(422);
    const empty = await call(sandbox, 'POST', '/api/v4/leads', []);
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toBe('Request data can not be empty');
  });

  it('updates one lead with an object and still wraps the answer in _embedded', async () => {
    const id = sandbox.state.leads.filter((l) => l.closed_at === null)[0]!.id;
    const res = await call(sandbox, 'PATCH', `/api/v4/leads/${String(id)}`, {
      status_id: 142,
      pipeline_id: SEED_IDS.mainPipelineId,
    });
    expect(res.status).toBe(200);
    expect(res.body._embedded.leads[0]).toMatchObject({ id, request_id: '0' });
    expect(typeof res.body._embedded.leads[0].updated_at).toBe('number');
    const lead = sandbox.state.leads.get(id)!;
    expect(lead.status_id).toBe(142);
    expect(lead.closed_at).toBe(lead.updated_at);
    const array = await call(sandbox, 'PATCH', `/api/v4/leads/${String(id)}`, [{ name: 'x' }]);
    expect(array.status).toBe(405);
  });

  it('updates in a batch and reports an unknown id', async () => {
    const id = sandbox.state.leads.filter(() => true)[0]!.id;
    const ok = await call(sandbox, 'PATCH', '/api/v4/leads', [
      { id, name: 'Renamed', request_id: 'r1' },
    ]);
    expect(ok.body._embedded.leads[0]).toMatchObject({ id, request_id: 'r1' });
    expect(sandbox.state.leads.get(id)!.name).toBe('Renamed');
    const bad = await call(sandbox, 'PATCH', '/api/v4/leads', [{ id: 5, name: 'x' }]);
    expect(bad.body['validation-errors'][0].errors[0]).toMatchObject({
      code: 'NotSupportedChoice',
      path: 'id',
    });
  });

  it('creates complex leads and answers a plain array with request_id as an array', async () => {
    const res = await call(sandbox, 'POST', '/api/v4/leads/complex', [
      {
        name: 'Chat lead',
        request_id: 'chat-1',
        _embedded: {
          contacts: [
            {
              first_name: 'Zoe',
              custom_fields_values: [
                { field_code: 'EMAIL', values: [{ value: 'zoe@example.com' }] },
              ],
            },
          ],
          companies: [{ name: 'Zoe Corp' }],
        },
      },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      {
        id: expect.any(Number),
        contact_id: expect.any(Number),
        company_id: expect.any(Number),
        request_id: ['chat-1'],
        merged: false,
      },
    ]);
    const [item] = res.body;
    expect(sandbox.state.linksOf('leads', item.id).map((l) => l.to_entity_id)).toEqual(
      expect.arrayContaining([item.contact_id, item.company_id]),
    );
    expect(sandbox.state.linksOf('contacts', item.contact_id).map((l) => l.to_entity_id)).toContain(
      item.company_id,
    );
    const tooMany = await call(
      sandbox,
      'POST',
      '/api/v4/leads/complex',
      Array.from({ length: 51 }, () => ({ name: 'x' })),
    );
    expect(tooMany.status).toBe(422);
  });
});
