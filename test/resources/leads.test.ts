import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  BatchError,
  LOST_STATUS_ID,
  NotFoundError,
  RequestValidationError,
  WON_STATUS_ID,
  cf,
  type BatchItemResult,
  type LeadRef,
} from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { fixture, hal, queryPairs, sortPairs } from './support.js';

const json = { 'content-type': 'application/hal+json' };

function leads(from: number, count: number): Array<{ id: number; name: string }> {
  return Array.from({ length: count }, (_, i) => ({ id: from + i, name: `Lead ${from + i}` }));
}

describe('leads.list', () => {
  it('sends with, filter, order, query and limit in PHP bracket encoding and keeps unknown fields', async () => {
    let uri = '';
    nock(HOST)
      .get('/api/v4/leads')
      .query(true)
      .reply(function (u) {
        uri = u;
        return [200, fixture('leads_list_embedded.json'), json];
      });
    const page = await testClient().leads.list({
      with: ['contacts', 'loss_reason'],
      page: 2,
      limit: 3,
      query: 'order',
      filter: {
        id: [1, 2],
        statuses: [
          { pipeline_id: 3177727, status_id: 32392159 },
          { pipeline_id: 8933063, status_id: 142 },
        ],
        price: { from: 100, to: 5000 },
        updated_at: { from: 1575296400, to: 1589540009 },
        responsible_user_id: 504141,
        custom_fields_values: { '1271495': [919467], '1268301': { from: 1, to: 20 } },
      },
      order: { updated_at: 'desc' },
    });
    // Key order follows the schema; the pairs (and the order of repeated keys) are what matter.
    expect(sortPairs(queryPairs(uri))).toEqual(
      sortPairs([
        ['with', 'contacts,loss_reason'],
        ['query', 'order'],
        ['filter[id][]', '1'],
        ['filter[id][]', '2'],
        ['filter[statuses][0][pipeline_id]', '3177727'],
        ['filter[statuses][0][status_id]', '32392159'],
        ['filter[statuses][1][pipeline_id]', '8933063'],
        ['filter[statuses][1][status_id]', '142'],
        ['filter[price][from]', '100'],
        ['filter[price][to]', '5000'],
        ['filter[responsible_user_id]', '504141'],
        ['filter[updated_at][from]', '1575296400'],
        ['filter[updated_at][to]', '1589540009'],
        ['filter[custom_fields_values][1268301][from]', '1'],
        ['filter[custom_fields_values][1268301][to]', '20'],
        ['filter[custom_fields_values][1271495][]', '919467'],
        ['order[updated_at]', 'desc'],
        ['page', '2'],
        ['limit', '3'],
      ]),
    );
    expect(page.page).toBe(2);
    expect(page.items.map((l) => l.id)).toEqual([19030890, 3912171, 30052055]);
    expect(page.hasNextPage()).toBe(true);
    const [first, lost, won] = page.items;
    expect(first!['some_field_added_later_by_vendor']).toEqual({ nested: [1, 2, 3] });
    expect(first!.price_with_minor_units).toBe(12500.5);
    expect(first!._embedded?.contacts?.[0]).toMatchObject({ id: 40221571, is_main: true });
    expect(lost!.status_id).toBe(LOST_STATUS_ID);
    expect(lost!.custom_fields_values).toBeNull();
    expect(won!.status_id).toBe(WON_STATUS_ID);
    expect(won!.name).toBe('');
  });

  it('treats a 204 as an empty last page', async () => {
    nock(HOST).get('/api/v4/leads').query({ page: '1', limit: '250' }).reply(204);
    const page = await testClient().leads.list();
    expect(page.items).toEqual([]);
    expect(page.hasNextPage()).toBe(false);
    await expect(page.nextPage()).rejects.toBeInstanceOf(RequestValidationError);
  });

  it('walks three pages in order and stops at the short one', async () => {
    const scope = nock(HOST)
      .get('/api/v4/leads')
      .query({ page: '1', limit: '2' })
      .reply(200, hal('leads', leads(1, 2)), json)
      .get('/api/v4/leads')
      .query({ page: '2', limit: '2' })
      .reply(200, hal('leads', leads(3, 2)), json)
      .get('/api/v4/leads')
      .query({ page: '3', limit: '2' })
      .reply(200, hal('leads', leads(5, 1)), json);
    const ids: number[] = [];
    for await (const lead of testClient().leads.list({ limit: 2 }, { readAhead: 0 }))
      ids.push(lead.id);
    expect(ids).toEqual([1, 2, 3, 4, 5]);
    expect(scope.isDone()).toBe(true);
  });

  it('stops requesting when the loop breaks early', async () => {
    let requests = 0;
    nock(HOST)
      .get('/api/v4/leads')
      .query(true)
      .times(2)
      .reply(function (uri) {
        requests++;
        const page = Number(new URL(uri, HOST).searchParams.get('page'));
        return [200, hal('leads', leads(page * 10, 2)), json];
      });
    const ids: number[] = [];
    for await (const lead of testClient().leads.list({ limit: 2 }, { readAhead: 0 })) {
      ids.push(lead.id);
      if (ids.length === 3) break;
    }
    expect(ids).toEqual([10, 11, 20]);
    expect(requests).toBe(2);
  });

  it('reads ahead while a page is consumed and still yields in order', async () => {
    const seen: number[] = [];
    nock(HOST)
      .get('/api/v4/leads')
      .query(true)
      .times(4)
      .delay(5)
      .reply(function (uri) {
        const page = Number(new URL(uri, HOST).searchParams.get('page'));
        seen.push(page);
        if (page === 3) return [200, hal('leads', leads(30, 1)), json];
        if (page > 3) return [204];
        return [200, hal('leads', leads(page * 10, 2)), json];
      });
    // Page 4 is requested ahead and wasted: at most `readAhead` requests are.
    nock(HOST).get('/api/v4/leads').query(true).optionally().reply(204);
    const items = await testClient()
      .leads.list({ limit: 2 }, { readAhead: 2 })
      .toArray({ max: 100 });
    expect(items.map((l) => l.id)).toEqual([10, 11, 20, 21, 30]);
    expect(seen.slice(0, 3).sort()).toEqual([1, 2, 3]);
    expect(seen.length).toBeLessThanOrEqual(5);
  });

  it('ends the walk on a missing _embedded even when a next link was sent', async () => {
    nock(HOST)
      .get('/api/v4/leads')
      .query({ page: '1', limit: '250' })
      .reply(
        200,
        { _page: 1, _links: { next: { href: 'https://evil.example.com/api/v4/leads?page=2' } } },
        json,
      );
    const all = await testClient().leads.list().toArray({ max: 10 });
    expect(all).toEqual([]);
  });

  it('never follows a next link from the server: the next page is built from our own request', async () => {
    nock(HOST)
      .get('/api/v4/leads')
      .query({ page: '1', limit: '1', with: 'contacts' })
      .reply(
        200,
        hal('leads', leads(1, 1), {
          _links: { next: { href: 'https://evil.example.com/x?page=9' } },
        }),
        json,
      )
      .get('/api/v4/leads')
      .query({ page: '2', limit: '1', with: 'contacts' })
      .reply(204);
    const first = await testClient().leads.list({ limit: 1, with: ['contacts'] });
    expect(first.hasNextPage()).toBe(true);
    const second = await first.nextPage();
    expect(second.page).toBe(2);
    expect(second.items).toEqual([]);
  });

  it('requires max in toArray and caps the collected items', async () => {
    nock(HOST)
      .get('/api/v4/leads')
      .query({ page: '1', limit: '250' })
      .reply(200, hal('leads', leads(1, 3)), json);
    const client = testClient();
    await expect(client.leads.list().toArray({} as { max: number })).rejects.toBeInstanceOf(
      RequestValidationError,
    );
    expect((await client.leads.list().toArray({ max: 2 })).map((l) => l.id)).toEqual([1, 2]);
  });

  it('rejects a limit of 300 and a misspelt filter before sending anything', async () => {
    const client = testClient();
    const error = await client.leads.list({ limit: 300 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).issues[0]!.path).toEqual(['limit']);
    const typo = await client.leads
      .list({ filter: { stauts_id: 1 } } as never)
      .toArray({ max: 1 })
      .catch((e: unknown) => e);
    expect(typo).toMatchObject({
      code: 'invalid_request',
      issues: [{ path: ['filter', 'stauts_id'] }],
    });
  });
});

describe('leads.get', () => {
  it('reads one lead with its embedded data and keeps unknown fields', async () => {
    nock(HOST)
      .get('/api/v4/leads/3912171')
      .query({ with: 'contacts,catalog_elements' })
      .reply(200, fixture('lead_single_with_embedded.json'), json);
    const lead = await testClient().leads.get(3912171, { with: ['contacts', 'catalog_elements'] });
    expect(lead.id).toBe(3912171);
    expect(lead.is_price_modified_by_robot).toBe(false);
    expect(lead._embedded?.catalog_elements?.[0]).toMatchObject({ metadata: { catalog_id: 4521 } });
    expect(lead._embedded?.loss_reason).toEqual([
      expect.objectContaining({ name: 'Пропала потребность' }),
    ]);
  });

  it('accepts the nulls Kommo sends', async () => {
    nock(HOST).get('/api/v4/leads/33550107').reply(200, fixture('lead_with_nulls.json'), json);
    const lead = await testClient().leads.get(33550107);
    expect(lead).toMatchObject({
      price: null,
      price_with_minor_units: null,
      custom_fields_values: null,
      is_unsorted: true,
      created_by: 0,
    });
  });

  it('throws NotFoundError when Kommo answers 204 for an unknown id', async () => {
    nock(HOST).get('/api/v4/leads/999').reply(204);
    const error = await testClient()
      .leads.get(999)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'not_found', status: 204, method: 'GET' });
  });

  it('refuses an id that is not a positive integer', async () => {
    await expect(testClient().leads.get(-1)).rejects.toBeInstanceOf(RequestValidationError);
  });
});

describe('leads.create and update', () => {
  it('creates a lead with exactly the fields given and returns the ref', async () => {
    let body: unknown;
    nock(HOST)
      .post('/api/v4/leads', (b) => {
        body = b;
        return true;
      })
      .reply(200, fixture('leads_created_response.json'), json);
    const ref = await testClient().leads.create({
      name: 'Website order',
      price: 1200,
      custom_fields_values: [cf.text(294471, 'Our first client'), cf.clear(5)],
      tags_to_add: [{ name: 'website' }],
      _embedded: { contacts: [{ id: 7, is_main: true }] },
    });
    expect(body).toEqual([
      {
        name: 'Website order',
        price: 1200,
        custom_fields_values: [
          { field_id: 294471, values: [{ value: 'Our first client' }] },
          { field_id: 5, values: null },
        ],
        tags_to_add: [{ name: 'website' }],
        _embedded: { contacts: [{ id: 7, is_main: true }] },
      },
    ]);
    expect(ref).toMatchObject({ id: 10185151, request_id: '0' });
  });

  it('accepts a lead with no fields at all', async () => {
    nock(HOST).post('/api/v4/leads', [{}]).reply(200, fixture('leads_created_response.json'), json);
    await expect(testClient().leads.create({})).resolves.toMatchObject({ id: 10185151 });
  });

  it('rejects a misspelt key and a wrong type without sending', async () => {
    const client = testClient();
    const typo = await client.leads.create({ stauts_id: 142 } as never).catch((e: unknown) => e);
    expect(typo).toBeInstanceOf(RequestValidationError);
    expect((typo as RequestValidationError).issues).toEqual([
      { path: ['stauts_id'], message: 'Unknown key "stauts_id"' },
    ]);
    expect((typo as Error).message).toContain('stauts_id');
    const wrong = await client.leads.create({ price: '100' } as never).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'invalid_request', issues: [{ path: ['price'] }] });
  });

  it('updates exactly the fields passed, as an object on /leads/{id}', async () => {
    nock(HOST)
      .patch('/api/v4/leads/54886', { price: 5000 })
      .reply(200, fixture('leads_updated_response.json'), json);
    const ref = await testClient().leads.update(54886, { price: 5000 });
    expect(ref).toMatchObject({ id: 54886, updated_at: 1589556420 });
  });

  it('moves a lead to won in a given pipeline', async () => {
    nock(HOST)
      .patch('/api/v4/leads/54886', { status_id: 142, pipeline_id: 3177727 })
      .reply(200, fixture('leads_updated_response.json'), json);
    await expect(
      testClient().leads.moveToStatus(54886, { status_id: WON_STATUS_ID, pipeline_id: 3177727 }),
    ).resolves.toMatchObject({ id: 54886 });
  });

  it('links and unlinks contacts and companies', async () => {
    const links = [
      { to_entity_id: 10971465, to_entity_type: 'contacts' as const, metadata: { is_main: true } },
      { to_entity_id: 10971463, to_entity_type: 'companies' as const },
    ];
    nock(HOST)
      .post('/api/v4/leads/42/link', links)
      .reply(200, { _embedded: { links: [] } }, json)
      .post('/api/v4/leads/42/unlink', [links[1]!])
      .reply(204);
    const client = testClient();
    await expect(client.leads.link(42, links)).resolves.toBeUndefined();
    await expect(client.leads.unlink(42, [links[1]!])).resolves.toBeUndefined();
  });

  it('adds a common note in one line', async () => {
    nock(HOST)
      .post('/api/v4/leads/42/notes', [
        { note_type: 'common', params: { text: 'Call back\nafter 6pm' } },
      ])
      .reply(200, { _embedded: { notes: [{ id: 5, entity_id: 42, request_id: '0' }] } }, json);
    await expect(testClient().leads.addNote(42, 'Call back\nafter 6pm')).resolves.toMatchObject({
      id: 5,
    });
  });
});

describe('leads.createMany and updateMany', () => {
  it('returns [] for an empty array without sending anything', async () => {
    await expect(testClient().leads.createMany([])).resolves.toEqual([]);
  });

  it('splits 600 leads into 12 chunks of 50 sent concurrently and returns refs in input order', async () => {
    const bodies: Array<Array<{ name: string; request_id: string }>> = [];
    let inFlight = 0;
    let maxInFlight = 0;
    nock(HOST)
      .post('/api/v4/leads')
      .times(12)
      .reply(async function (_uri, body) {
        const chunk = body as Array<{ name: string; request_id: string }>;
        bodies.push(chunk);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        // Answer later chunks sooner, and in reverse order inside the chunk.
        await new Promise((r) => setTimeout(r, 20 - (Number(chunk[0]!.request_id) / 50) * 1.5));
        inFlight--;
        const refs = chunk
          .map((item) => ({ id: 100000 + Number(item.request_id), request_id: item.request_id }))
          .reverse();
        return [200, { _embedded: { leads: refs } }, json];
      });
    const input = Array.from({ length: 600 }, (_, i) => ({ name: `L${i}` }));
    const refs = await testClient().leads.createMany(input);
    expect(bodies).toHaveLength(12);
    expect(bodies.every((b) => b.length === 50)).toBe(true);
    expect(
      bodies
        .flat()
        .map((b) => b.name)
        .sort(),
    ).toEqual(input.map((i) => i.name).sort());
    expect(bodies.flat().find((b) => b.name === 'L599')).toEqual({
      name: 'L599',
      request_id: '599',
    });
    expect(refs.map((r) => r.id)).toEqual(input.map((_, i) => 100000 + i));
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(3);
  });

  it('honours chunkSize and keeps the request_id the user set', async () => {
    const sizes: number[] = [];
    nock(HOST)
      .post('/api/v4/leads')
      .times(3)
      .reply(function (_uri, body) {
        const chunk = body as Array<{ request_id: string }>;
        sizes.push(chunk.length);
        return [
          200,
          { _embedded: { leads: chunk.map((c, i) => ({ id: i + 1, request_id: c.request_id })) } },
          json,
        ];
      });
    const refs = await testClient().leads.createMany(
      [{ request_id: 'crm-1' }, {}, {}, {}, { request_id: 'crm-5' }],
      { chunkSize: 2, concurrency: 1 },
    );
    expect(sizes).toEqual([2, 2, 1]);
    expect(refs.map((r) => r.request_id)).toEqual(['crm-1', '1', '2', '3', 'crm-5']);
  });

  it('maps a 400 chunk’s validation errors back to the input items, still sends the other chunks and resends the items refused along with them', async () => {
    nock(HOST)
      .post('/api/v4/leads', (b: Array<{ request_id: string }>) => b[0]!.request_id === '0')
      .reply(
        200,
        {
          _embedded: {
            leads: [
              { id: 1, request_id: '0' },
              { id: 2, request_id: '1' },
            ],
          },
        },
        json,
      )
      .post(
        '/api/v4/leads',
        (b: Array<{ request_id: string }>) => b[0]!.request_id === '2' && b.length === 2,
      )
      .reply(400, {
        'validation-errors': [
          {
            request_id: '3',
            errors: [
              {
                code: 'NotSupportedChoice',
                path: 'custom_fields_values.0.field_id',
                detail: 'The value you selected is not a valid choice.',
              },
            ],
          },
        ],
        title: 'Bad Request',
        status: 400,
        detail: 'Request validation failed',
      })
      .post('/api/v4/leads', (b: Array<{ request_id: string }>) => b[0]!.request_id === '4')
      .reply(200, { _embedded: { leads: [{ id: 5, request_id: '4' }] } }, json)
      // 'c' was refused only because 'd' was in its chunk: sent again, alone.
      .post(
        '/api/v4/leads',
        (b: Array<{ request_id: string }>) => b.length === 1 && b[0]!.request_id === '2',
      )
      .reply(200, { _embedded: { leads: [{ id: 3, request_id: '2' }] } }, json);
    const input = [
      { name: 'a' },
      { name: 'b' },
      { name: 'c' },
      { name: 'd', custom_fields_values: [cf.text(1, 'x')] },
      { name: 'e' },
    ];
    const error = await testClient()
      .leads.createMany(input, { chunkSize: 2, concurrency: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchError);
    const batch = error as BatchError<LeadRef>;
    expect(batch.code).toBe('batch_failed');
    expect(batch.results.map((r: BatchItemResult<LeadRef>) => [r.index, r.status])).toEqual([
      [0, 'applied'],
      [1, 'applied'],
      [2, 'applied'],
      [3, 'failed'],
      [4, 'applied'],
    ]);
    expect(batch.results[3]!.errors).toEqual([
      {
        code: 'NotSupportedChoice',
        path: 'custom_fields_values.0.field_id',
        detail: 'The value you selected is not a valid choice.',
      },
    ]);
    expect(batch.results[0]!.ref).toMatchObject({ id: 1 });
    expect(batch.applied.map((r) => r.id)).toEqual([1, 2, 3, 5]);
    expect(batch.errors).toHaveLength(1);
  });

  it('maps the validation errors of the fixture by the user’s request_id', async () => {
    nock(HOST)
      .post('/api/v4/leads', (b: unknown[]) => b.length === 3)
      .reply(400, fixture('error_400_validation.json'), json)
      .post('/api/v4/leads', (b: Array<{ request_id: string }>) => b.length === 1)
      .reply(400, { title: 'Bad Request', status: 400, detail: 'Still refused' }, json);
    const error = (await testClient()
      .leads.createMany([{ name: 'x' }, { name: 'y' }, { name: 'z', request_id: 'lead-2' }])
      .catch((e: unknown) => e)) as BatchError;
    // 'y' was refused along with the others, sent again alone and refused as a whole.
    expect(error.results.map((r) => r.status)).toEqual(['failed', 'failed', 'failed']);
    expect(error.results[2]!.errors?.[0]?.path).toBe('_embedded.contacts.0.responsible_user_id');
    expect(error.results[1]!.errors).toEqual([]);
    expect(error.writeOutcome).toBe('not_applied');
  });

  it('reports a 5xx chunk as unknown, never replays it, and still sends the other chunks', async () => {
    let posts = 0;
    nock(HOST)
      .post('/api/v4/leads')
      .reply(() => {
        posts++;
        return [200, { _embedded: { leads: [{ id: 1, request_id: '0' }] } }, json];
      })
      .post('/api/v4/leads')
      .reply(() => {
        posts++;
        return [502, { title: 'Bad Gateway' }];
      })
      .post('/api/v4/leads')
      .reply(() => {
        posts++;
        return [200, { _embedded: { leads: [{ id: 3, request_id: '2' }] } }, json];
      });
    const error = (await testClient()
      .leads.createMany([{ name: 'a' }, { name: 'b' }, { name: 'c' }], {
        chunkSize: 1,
        concurrency: 1,
      })
      .catch((e: unknown) => e)) as BatchError;
    expect(error).toBeInstanceOf(BatchError);
    expect(posts).toBe(3);
    expect(error.results.map((r) => r.status)).toEqual(['applied', 'unknown', 'applied']);
    expect(error.results[1]!.error).toMatchObject({
      code: 'server_error',
      status: 502,
      writeOutcome: 'unknown',
    });
    expect(error.writeOutcome).toBe('unknown');
  });

  it('rejects an update item without id, naming its index, before sending anything', async () => {
    const error = await testClient()
      .leads.updateMany([{ id: 1, name: 'ok' }, { name: 'no id' } as never])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).issues[0]!.path).toEqual([1, 'id']);
  });

  it('sends updates as an array with ids and exactly the fields given', async () => {
    nock(HOST)
      .patch('/api/v4/leads', [
        { id: 1, status_id: 142, request_id: '0' },
        { id: 2, name: 'Renamed', request_id: '1' },
      ])
      .reply(
        200,
        {
          _embedded: {
            leads: [
              { id: 1, updated_at: 5, request_id: '0' },
              { id: 2, updated_at: 5, request_id: '1' },
            ],
          },
        },
        json,
      );
    const refs = await testClient().leads.updateMany([
      { id: 1, status_id: 142 },
      { id: 2, name: 'Renamed' },
    ]);
    expect(refs.map((r) => r.id)).toEqual([1, 2]);
  });

  it('refuses a chunk size above Kommo’s limit', async () => {
    await expect(testClient().leads.createMany([{}], { chunkSize: 251 })).rejects.toBeInstanceOf(
      RequestValidationError,
    );
  });
});

describe('leads.createComplex', () => {
  it('sends 50 leads per request with their contact and company, and parses the array answer', async () => {
    const sizes: number[] = [];
    nock(HOST)
      .post('/api/v4/leads/complex')
      .reply(function (_uri, body) {
        sizes.push((body as unknown[]).length);
        return [
          200,
          Array.from({ length: 50 }, (_, i) => ({
            id: i + 1,
            contact_id: null,
            company_id: null,
            request_id: [String(i)],
            merged: false,
          })),
        ];
      })
      .post('/api/v4/leads/complex')
      .reply(function (_uri, body) {
        sizes.push((body as unknown[]).length);
        expect((body as unknown[])[0]).toEqual({
          name: 'Chat lead 50',
          _embedded: {
            contacts: [
              {
                first_name: 'Ann',
                custom_fields_values: [
                  { field_code: 'PHONE', values: [{ value: '+15550100', enum_code: 'MOB' }] },
                ],
              },
            ],
            companies: [{ id: 9 }],
          },
          request_id: '50',
        });
        return [200, [{ id: 51, contact_id: 3, company_id: 9, request_id: ['50'], merged: false }]];
      });
    const input = Array.from({ length: 51 }, (_, i) => ({
      name: `Chat lead ${i}`,
      _embedded: {
        contacts: [
          {
            first_name: 'Ann',
            custom_fields_values: [cf.phones([{ value: '+15550100', enum_code: 'MOB' }])],
          },
        ],
        companies: [{ id: 9 }],
      },
    }));
    const results = await testClient().leads.createComplex(input, { concurrency: 1 });
    expect(sizes).toEqual([50, 1]);
    expect(results).toHaveLength(51);
    expect(results[50]).toMatchObject({ id: 51, contact_id: 3, company_id: 9 });
  });

  it('returns a merged duplicate once for the inputs it absorbed', async () => {
    nock(HOST).post('/api/v4/leads/complex').reply(200, fixture('leads_complex_response.json'));
    const results = await testClient().leads.createComplex([
      { name: 'a', request_id: 'qweasd' },
      { name: 'b', request_id: 'uns_qweasd' },
      { name: 'c', request_id: 'uns_qweasd_dup' },
    ]);
    expect(results.map((r) => r.id)).toEqual([15198335, 15198337]);
    expect(results[1]).toMatchObject({ merged: true, company_id: null });
  });

  it('refuses more than one contact per complex lead', async () => {
    await expect(
      testClient().leads.createComplex([{ _embedded: { contacts: [{ id: 1 }, { id: 2 }] } }]),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });
});

describe('empty updates', () => {
  it('refuses an update with no field, as Kommo would (400 "Request data can not be empty")', async () => {
    await expect(testClient().leads.update(1, {})).rejects.toMatchObject({
      code: 'invalid_request',
    });
    await expect(testClient().contacts.update(1, {})).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });
});
