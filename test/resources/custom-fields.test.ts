import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { NotFoundError, RequestValidationError } from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { fixture } from './support.js';

const json = { 'content-type': 'application/hal+json' };

describe('customFields', () => {
  it('lists lead field definitions with enums, groups, statuses and chained lists', async () => {
    nock(HOST)
      .get('/api/v4/leads/custom_fields')
      .query({ 'filter[type][]': 'select', 'order[sort]': 'asc', page: '1', limit: '250' })
      .reply(200, fixture('custom_fields_leads_definitions.json'), json);
    const page = await testClient().customFields.list('leads', {
      filter: { type: ['select'] },
      order: { sort: 'asc' },
    });
    expect(page.items).toHaveLength(20);
    expect(page.totalItems).toBe(20);
    expect(page.hasNextPage()).toBe(false);
    const byName = new Map(page.items.map((f) => [f.name, f]));
    expect(byName.get('Entry channel')?.enums?.map((e) => e.code)).toEqual([
      undefined,
      null,
      'SITE',
    ]);
    expect(byName.get('Funnel')?.group_id).toBe('leads_29741591099841');
    expect(byName.get('Comment')?.required_statuses).toEqual([
      { status_id: 142, pipeline_id: 3177727 },
    ]);
    expect(byName.get('Margin (computed)')?.is_computed).toBe(true);
    expect(byName.get('Date of birth')?.remind).toBe('day');
    expect(byName.get('Budget (USD)')?.currency).toBe('USD');
    expect(byName.get('Products')?.chained_lists?.[1]).toEqual({
      title: null,
      catalog_id: 1007,
      parent_catalog_id: 1001,
    });
    expect(byName.get('referrer')?.tracking_callback).toBe('function(){return document.referrer;}');
  });

  it('reads contacts, companies, customers, segments and catalog fields on their own paths', async () => {
    nock(HOST)
      .get('/api/v4/contacts/custom_fields/178382')
      .reply(
        200,
        {
          id: 178382,
          type: 'multitext',
          code: 'PHONE',
          enums: [{ id: 126290, value: 'WORK', sort: 2 }],
        },
        json,
      )
      .get('/api/v4/customers/segments/custom_fields/1')
      .reply(200, { id: 1, type: 'text' }, json)
      .get('/api/v4/catalogs/4521/custom_fields/2')
      .reply(204);
    const client = testClient();
    await expect(client.customFields.get('contacts', 178382)).resolves.toMatchObject({
      code: 'PHONE',
    });
    await expect(client.customFields.get('customers/segments', 1)).resolves.toMatchObject({
      type: 'text',
    });
    await expect(client.customFields.get('catalogs/4521', 2)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses an entity type that would change the route', async () => {
    await expect(
      testClient().customFields.get('leads/../users' as never, 1),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });

  it('creates a select field with its enums and updates and deletes fields', async () => {
    const field = {
      type: 'select',
      name: 'Channel',
      enums: [
        { value: 'Web', sort: 1 },
        { value: 'Shop', sort: 2, code: 'SHOP' },
      ],
    };
    nock(HOST)
      .post('/api/v4/leads/custom_fields', [field])
      .reply(
        201,
        { _embedded: { custom_fields: [{ id: 50, request_id: '0', name: 'Channel', enums: [] }] } },
        json,
      )
      .patch('/api/v4/leads/custom_fields/50', { name: 'Entry channel' })
      .reply(200, { id: 50, name: 'Entry channel' }, json)
      .patch('/api/v4/leads/custom_fields', [{ id: 50, sort: 3, request_id: '0' }])
      .reply(200, { _embedded: { custom_fields: [{ id: 50, request_id: '0' }] } }, json)
      .post('/api/v4/leads/custom_fields', [{ type: 'text', name: 'A', request_id: '0' }])
      .reply(201, { _embedded: { custom_fields: [{ id: 51, request_id: '0' }] } }, json)
      .delete('/api/v4/leads/custom_fields/50')
      .reply(204);
    const client = testClient();
    await expect(client.customFields.create('leads', field)).resolves.toMatchObject({ id: 50 });
    await expect(
      client.customFields.update('leads', 50, { name: 'Entry channel' }),
    ).resolves.toMatchObject({ name: 'Entry channel' });
    await expect(
      client.customFields.updateMany('leads', [{ id: 50, sort: 3 }]),
    ).resolves.toHaveLength(1);
    await expect(
      client.customFields.createMany('leads', [{ type: 'text', name: 'A' }]),
    ).resolves.toMatchObject([{ id: 51 }]);
    await client.customFields.delete('leads', 50);
  });

  it('refuses a field without a name', async () => {
    await expect(
      testClient().customFields.create('leads', { type: 'text' } as never),
    ).rejects.toMatchObject({ issues: [{ path: ['name'] }] });
  });
});

describe('customFields.groups', () => {
  it('lists groups with string ids', async () => {
    nock(HOST)
      .get('/api/v4/leads/custom_fields/groups')
      .query({ page: '1', limit: '250' })
      .reply(200, fixture('custom_field_groups.json'), json);
    const groups = await testClient().customFields.groups.list('leads').toArray({ max: 50 });
    expect(groups.map((g) => g.id)).toEqual(['leads_29741591099841', 'leads_statistic']);
  });

  it('gets, creates, updates and deletes a group by its string id', async () => {
    nock(HOST)
      .get('/api/v4/leads/custom_fields/groups/leads_29741591099841')
      .reply(200, fixture('custom_field_groups.json')._embedded.custom_field_groups[0], json)
      .post('/api/v4/leads/custom_fields/groups', [{ name: 'Delivery', sort: 3 }])
      .reply(
        200,
        { _embedded: { custom_field_groups: [{ id: 'leads_1', request_id: '0' }] } },
        json,
      )
      .patch('/api/v4/leads/custom_fields/groups/leads_1', { name: 'Shipping' })
      .reply(200, { id: 'leads_1', name: 'Shipping' }, json)
      .delete('/api/v4/leads/custom_fields/groups/leads_1')
      .reply(204);
    const client = testClient();
    await expect(
      client.customFields.groups.get('leads', 'leads_29741591099841'),
    ).resolves.toMatchObject({ name: 'Delivery', is_predefined: false });
    await expect(
      client.customFields.groups.create('leads', { name: 'Delivery', sort: 3 }),
    ).resolves.toMatchObject({ id: 'leads_1' });
    await expect(
      client.customFields.groups.update('leads', 'leads_1', { name: 'Shipping' }),
    ).resolves.toMatchObject({ name: 'Shipping' });
    await client.customFields.groups.delete('leads', 'leads_1');
  });

  it('refuses a group id with a slash', async () => {
    await expect(testClient().customFields.groups.get('leads', 'a/b')).rejects.toBeInstanceOf(
      RequestValidationError,
    );
  });
});

describe('customFields.list paging', () => {
  it('follows _page_count when Kommo caps a page below the limit asked for', async () => {
    const fields = (from: number) =>
      Array.from({ length: 50 }, (_, i) => ({ id: from + i, type: 'text' }));
    nock(HOST)
      .get('/api/v4/contacts/custom_fields')
      .query({ page: '1', limit: '250' })
      .reply(200, { _page: 1, _page_count: 2, _embedded: { custom_fields: fields(1) } }, json)
      .get('/api/v4/contacts/custom_fields')
      .query({ page: '2', limit: '250' })
      .reply(200, { _page: 2, _page_count: 2, _embedded: { custom_fields: fields(51) } }, json);
    const all = await testClient()
      .customFields.list('contacts', undefined, { readAhead: 0 })
      .toArray({ max: 1000 });
    expect(all).toHaveLength(100);
    expect(all.at(-1)?.id).toBe(100);
  });
});
