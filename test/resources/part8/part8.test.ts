import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { NotFoundError, RequestValidationError, embeddedIds } from '../../../src/index.js';
import { Catalogs } from '../../../src/resources/catalogs.js';
import { Companies } from '../../../src/resources/companies.js';
import { Events } from '../../../src/resources/events.js';
import { Links } from '../../../src/resources/links.js';
import { LossReasons } from '../../../src/resources/loss-reasons.js';
import { Sources } from '../../../src/resources/sources.js';
import { Tags } from '../../../src/resources/tags.js';
import { Tasks } from '../../../src/resources/tasks.js';
import { UnsortedResource } from '../../../src/resources/unsorted.js';
import { HOST, testClient } from '../../support/client.js';
import { fixture, hal, queryPairs } from '../support.js';

const json = { 'content-type': 'application/hal+json' };

describe('companies', () => {
  it('lists with bracket filters and order, keeping unknown fields', async () => {
    let uri = '';
    nock(HOST)
      .get('/api/v4/companies')
      .query(true)
      .reply(function (u) {
        uri = u;
        return [200, hal('companies', [{ id: 1, name: 'Acme', future_field: { x: 1 } }]), json];
      });
    const page = await new Companies(testClient()).list({
      with: ['contacts'],
      filter: { name: 'Acme', responsible_user_id: [5, 6] },
      order: { id: 'desc' },
      limit: 10,
    });
    expect(page.items[0]).toMatchObject({ id: 1, future_field: { x: 1 } });
    expect(queryPairs(uri)).toEqual([
      ['with', 'contacts'],
      ['filter[name]', 'Acme'],
      ['filter[responsible_user_id][]', '5'],
      ['filter[responsible_user_id][]', '6'],
      ['order[id]', 'desc'],
      ['page', '1'],
      ['limit', '10'],
    ]);
  });

  it('creates with tags_to_add and refuses a misspelt key without sending', async () => {
    let body: unknown;
    nock(HOST)
      .post('/api/v4/companies', (b) => ((body = b), true))
      .reply(200, { _embedded: { companies: [{ id: 9, request_id: '0', _links: {} }] } }, json);
    const companies = new Companies(testClient());
    const ref = await companies.create({ name: 'Acme LLC', tags_to_add: [{ name: 'partner' }] });
    expect(ref.id).toBe(9);
    expect(body).toEqual([{ name: 'Acme LLC', tags_to_add: [{ name: 'partner' }] }]);
    await expect(companies.create({ nmae: 'x' } as never)).rejects.toBeInstanceOf(
      RequestValidationError,
    );
  });

  it('throws NotFoundError when Kommo answers 204 to a get', async () => {
    nock(HOST).get('/api/v4/companies/5').reply(204);
    await expect(new Companies(testClient()).get(5)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('tasks', () => {
  it('parses results given as [] or { text } and tasks without an entity', async () => {
    nock(HOST)
      .get('/api/v4/tasks')
      .query({ 'filter[is_completed]': '1', page: '1', limit: '3' })
      .reply(200, fixture('tasks_list.json'), json);
    const page = await new Tasks(testClient()).list({ filter: { is_completed: true }, limit: 3 });
    expect(page.items.map((t) => t.result)).toEqual([
      [],
      { text: 'Client agreed, meeting on Friday' },
      [],
    ]);
    expect(page.items[2]).toMatchObject({ entity_id: null, entity_type: null, group_id: 412907 });
    expect(page.hasNextPage()).toBe(true);
  });

  it('completes a task with a result through a single PATCH', async () => {
    let body: unknown;
    nock(HOST)
      .patch('/api/v4/tasks/4747929', (b) => ((body = b), true))
      .reply(200, { id: 4747929, updated_at: 1717430400, request_id: '0', _links: {} }, json);
    const ref = await new Tasks(testClient()).complete(4747929, 'Reached the client');
    expect(body).toEqual({ is_completed: true, result: { text: 'Reached the client' } });
    expect(ref).toMatchObject({ id: 4747929, updated_at: 1717430400 });
  });

  it('refuses entity_id without entity_type and a create without complete_till', async () => {
    const tasks = new Tasks(testClient());
    await expect(
      tasks.create({ text: 'x', complete_till: 1, entity_id: 5 }),
    ).rejects.toBeInstanceOf(RequestValidationError);
    await expect(tasks.create({ text: 'x' } as never)).rejects.toBeInstanceOf(
      RequestValidationError,
    );
  });

  it('reads task types from the account', async () => {
    nock(HOST)
      .get('/api/v4/account')
      .query({ with: 'task_types' })
      .reply(200, fixture('account_with_all.json'), json);
    const types = await new Tasks(testClient()).types();
    expect(types.map((t) => t.id)).toContain(1);
  });
});

describe('tags', () => {
  it('adds tags with tags_to_add so other tags stay', async () => {
    let body: unknown;
    nock(HOST)
      .patch('/api/v4/leads/42', (b) => ((body = b), true))
      .reply(200, { _embedded: { leads: [{ id: 42, updated_at: 5 }] } }, json);
    await new Tags(testClient()).add('leads', 42, ['vip', { id: 2707 }]);
    expect(body).toEqual({ tags_to_add: [{ name: 'vip' }, { id: 2707 }] });
  });

  it('removes with tags_to_delete and batches changes per entity', async () => {
    const bodies: unknown[] = [];
    nock(HOST)
      .patch('/api/v4/contacts/7', (b) => (bodies.push(b), true))
      .reply(200, { id: 7, updated_at: 5 }, json)
      .patch('/api/v4/contacts', (b) => (bodies.push(b), true))
      .reply(
        200,
        {
          _embedded: {
            contacts: [
              { id: 7, request_id: '0' },
              { id: 8, request_id: '1' },
            ],
          },
        },
        json,
      );
    const tags = new Tags(testClient());
    await tags.remove('contacts', 7, ['old']);
    const refs = await tags.changeMany('contacts', [
      { id: 7, add: ['a'] },
      { id: 8, remove: [{ id: 3 }] },
    ]);
    expect(bodies).toEqual([
      { tags_to_delete: [{ name: 'old' }] },
      [
        { id: 7, tags_to_add: [{ name: 'a' }], request_id: '0' },
        { id: 8, tags_to_delete: [{ id: 3 }], request_id: '1' },
      ],
    ]);
    expect(refs.map((r) => r.id)).toEqual([7, 8]);
  });

  it('refuses a color on a contact tag without sending', async () => {
    await expect(
      new Tags(testClient()).create('contacts', { name: 'vip', color: 'EBEBEB' }),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });
});

describe('links', () => {
  it("lists one entity's links: no entity_id, null metadata, fractional quantity", async () => {
    nock(HOST)
      .get('/api/v4/leads/7593303/links')
      .query({ page: '1', limit: '250' })
      .reply(200, fixture('links_list.json'), json);
    const links = await new Links(testClient()).list('leads', 7593303).toArray({ max: 10 });
    expect(links).toHaveLength(4);
    expect(links[0]).toMatchObject({
      to_entity_type: 'catalog_elements',
      metadata: { quantity: 1.5 },
    });
    expect(links[3]?.metadata).toBeNull();
    expect(links[0]?.entity_id).toBeUndefined();
  });

  it('links many entities in one request without request_id, matched by position', async () => {
    let body: unknown;
    const stored = [
      {
        entity_id: 1,
        entity_type: 'leads',
        to_entity_id: 10,
        to_entity_type: 'contacts',
        metadata: { main_contact: true },
      },
      {
        entity_id: 2,
        entity_type: 'leads',
        to_entity_id: 20,
        to_entity_type: 'companies',
        metadata: null,
      },
    ];
    nock(HOST)
      .post('/api/v4/leads/link', (b) => ((body = b), true))
      .reply(200, { _embedded: { links: stored } }, json);
    const result = await new Links(testClient()).linkMany('leads', [
      { entity_id: 1, to_entity_id: 10, to_entity_type: 'contacts', metadata: { is_main: true } },
      { entity_id: 2, to_entity_id: 20, to_entity_type: 'companies' },
    ]);
    expect(body).toEqual([
      { entity_id: 1, to_entity_id: 10, to_entity_type: 'contacts', metadata: { is_main: true } },
      { entity_id: 2, to_entity_id: 20, to_entity_type: 'companies' },
    ]);
    expect(result.map((l) => l.to_entity_id)).toEqual([10, 20]);
  });
});

describe('events', () => {
  it('sends filters in [] form and value filters as comma lists, keeping unknown event types', async () => {
    let uri = '';
    nock(HOST)
      .get('/api/v4/events')
      .query(true)
      .reply(function (u) {
        uri = u;
        return [200, fixture('events_list.json'), json];
      });
    const page = await new Events(testClient()).list({
      with: ['lead_name'],
      filter: {
        type: ['entity_responsible_changed'],
        entity: ['lead'],
        entity_id: [26060763],
        value_after: { responsible_user_id: [504329, 37268] },
        created_at: { from: 1735843000 },
      },
    });
    expect(queryPairs(uri)).toEqual([
      ['with', 'lead_name'],
      ['filter[created_at][from]', '1735843000'],
      ['filter[entity][]', 'lead'],
      ['filter[entity_id][]', '26060763'],
      ['filter[type][]', 'entity_responsible_changed'],
      ['filter[value_after][responsible_user_id]', '504329,37268'],
      ['page', '1'],
      ['limit', '100'],
    ]);
    expect(page.items.at(-1)).toMatchObject({
      type: 'some_future_event_type',
      value_after: [{ something_new: { id: 1, extra: [1, 2, 3] } }],
    });
    expect(page.items[3]?.value_after?.[0]).toMatchObject({
      custom_field_value: { field_type: 8 },
    });
  });

  it('refuses entity_id with two entities without sending', async () => {
    await expect(
      new Events(testClient()).list({ filter: { entity: ['lead', 'contact'], entity_id: [1] } }),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });

  it('follows from a cursor: walks every page first, skips seen ids, yields oldest first', async () => {
    const ev = (id: string, at: number) => ({
      id,
      type: 'lead_added',
      created_at: at,
      entity_id: 1,
    });
    const queries: Array<Array<[string, string]>> = [];
    nock(HOST)
      .get('/api/v4/events')
      .query(true)
      .times(2)
      .reply(function (u) {
        const q = queryPairs(u);
        queries.push(q);
        const page = q.find(([k]) => k === 'page')?.[1];
        // Page 1 newest first and full (limit 2); page 2, the last, holds the boundary second.
        return page === '1'
          ? [200, hal('events', [ev('c', 1030), ev('b', 1020)]), json]
          : [
              200,
              {
                _links: { self: { href: 'x' } },
                _embedded: { events: [ev('a', 1000), ev('old', 1000)] },
              },
              json,
            ];
      });
    const follower = new Events(testClient()).follow(
      { cursor: { lastTs: 1000, seenIds: ['old'] }, limit: 2, once: true, settleSec: 5 },
      { now: () => 2_000_000 },
    );
    const seen: string[] = [];
    const cursors: unknown[] = [];
    for await (const event of follower) {
      seen.push(event.id);
      cursors.push(follower.cursor);
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(cursors).toEqual([
      { lastTs: 1000, seenIds: ['old', 'a'] },
      { lastTs: 1020, seenIds: ['b'] },
      { lastTs: 1030, seenIds: ['c'] },
    ]);
    expect(queries[0]).toContainEqual(['filter[created_at][from]', '1000']);
    expect(queries[0]).toContainEqual(['filter[created_at][to]', '1995']);
    expect(follower.polls).toBe(1);
  });

  it('reads event types in a language and gets one event by its string id', async () => {
    nock(HOST)
      .get('/api/v4/events/types')
      .query({ language_code: 'en' })
      .reply(
        200,
        {
          _total_items: 1,
          _embedded: { events_types: [{ key: 'lead_added', type: 1, lang: 'New lead' }] },
        },
        json,
      )
      .get('/api/v4/events/01pz58t6p04ymgsgfbmfyfy1mf')
      .reply(204);
    const events = new Events(testClient());
    expect(await events.types({ language_code: 'en' })).toEqual([
      { key: 'lead_added', type: 1, lang: 'New lead' },
    ]);
    await expect(events.get('01pz58t6p04ymgsgfbmfyfy1mf')).rejects.toBeInstanceOf(NotFoundError);
    await expect(events.get('../leads')).rejects.toBeInstanceOf(RequestValidationError);
  });
});

describe('unsorted, loss reasons, sources, catalogs', () => {
  it('creates a form as a bare array and declines with a DELETE body', async () => {
    const bodies: unknown[] = [];
    nock(HOST)
      .post('/api/v4/leads/unsorted/forms', (b) => (bodies.push(b), true))
      .reply(
        200,
        {
          _total_items: 1,
          _embedded: {
            unsorted: [{ uid: 'abc123', request_id: 'f1', _embedded: { leads: [{ id: 5 }] } }],
          },
        },
        json,
      )
      .delete('/api/v4/leads/unsorted/abc123/decline', (b) => (bodies.push(b), true))
      .reply(200, { uid: 'abc123', _embedded: { leads: [{ id: 5 }], contacts: [] } }, json);
    const unsorted = new UnsortedResource(testClient());
    const form = {
      source_uid: 'landing-42',
      source_name: 'Website form',
      metadata: {
        form_id: 'contact-us',
        form_name: 'Contact us',
        form_page: 'https://example.com',
        form_sent_at: 1717430400,
      },
      _embedded: { leads: [{ name: 'Request from site' }] },
      request_id: 'f1',
    };
    const [ref] = await unsorted.createForms([form]);
    expect(ref).toMatchObject({ uid: 'abc123', _embedded: { leads: [{ id: 5 }] } });
    const result = await unsorted.decline('abc123', { user_id: 7 });
    expect(embeddedIds(result._embedded?.leads)).toEqual([5]);
    expect(bodies).toEqual([[form], { user_id: 7 }]);
    await expect(
      unsorted.createForms([{ ...form, _embedded: { leads: [] } }]),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });

  it('updates a loss reason answered at the top level and deletes one', async () => {
    nock(HOST)
      .patch('/api/v4/leads/loss_reasons/7323', { name: 'Price' })
      .reply(200, { id: 7323, name: 'Price', sort: 1 }, json)
      .delete('/api/v4/leads/loss_reasons/7323')
      .reply(204);
    const reasons = new LossReasons(testClient());
    expect(await reasons.update(7323, { name: 'Price' })).toMatchObject({
      id: 7323,
      name: 'Price',
    });
    await reasons.delete(7323);
  });

  it('deletes several sources with an id body and refuses a long external_id', async () => {
    nock(HOST)
      .delete('/api/v4/sources', [{ id: 1 }, { id: 2 }])
      .reply(204);
    const sources = new Sources(testClient());
    await sources.deleteMany([1, 2]);
    await expect(sources.create({ name: 'x', external_id: 'x'.repeat(37) })).rejects.toBeInstanceOf(
      RequestValidationError,
    );
  });

  it('creates catalog elements and reads back a numeric request_id', async () => {
    nock(HOST)
      .post('/api/v4/catalogs/4521/elements', [{ name: 'Phone X', request_id: '0' }])
      .reply(
        200,
        {
          _embedded: {
            elements: [
              { id: 597393, catalog_id: 4521, name: 'Phone X', request_id: 0, is_deleted: null },
            ],
          },
        },
        json,
      );
    const [element] = await new Catalogs(testClient()).elements.createMany(4521, [
      { name: 'Phone X' },
    ]);
    expect(element).toMatchObject({ id: 597393, request_id: 0, is_deleted: null });
  });
});
