import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { NotFoundError, RequestValidationError, WON_STATUS_ID } from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { fixture } from './support.js';

const json = { 'content-type': 'application/hal+json' };

describe('pipelines', () => {
  it('lists pipelines with their statuses in one request without page or limit', async () => {
    nock(HOST).get('/api/v4/leads/pipelines').reply(200, fixture('pipelines_list.json'), json);
    const page = await testClient().pipelines.list();
    expect(page.totalItems).toBe(2);
    expect(page.hasNextPage()).toBe(false);
    const [sales, archived] = page.items;
    expect(sales).toMatchObject({ id: 3177727, is_main: true, is_unsorted_on: true });
    expect(sales!._embedded?.statuses?.map((s) => s.id)).toEqual([
      32392156, 32392159, 32392165, 142, 143,
    ]);
    expect(sales!._embedded?.statuses?.[0]).toMatchObject({
      type: 1,
      is_editable: false,
      color: '#c1c1c1',
    });
    expect(archived!._embedded?.statuses?.find((s) => s.id === WON_STATUS_ID)?.name).toBe(
      'Успешно реализовано',
    );
  });

  it('walks every pipeline with for await in a single request', async () => {
    nock(HOST).get('/api/v4/leads/pipelines').reply(200, fixture('pipelines_list.json'), json);
    const ids: number[] = [];
    for await (const p of testClient().pipelines.list()) ids.push(p.id);
    expect(ids).toEqual([3177727, 8933063]);
  });

  it('gets one pipeline and maps a 204 to NotFoundError', async () => {
    const list = fixture('pipelines_list.json');
    nock(HOST)
      .get('/api/v4/leads/pipelines/3177727')
      .reply(200, list._embedded.pipelines[0], json)
      .get('/api/v4/leads/pipelines/1')
      .reply(204);
    const client = testClient();
    await expect(client.pipelines.get(3177727)).resolves.toMatchObject({ name: 'Sales' });
    await expect(client.pipelines.get(1)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('creates a pipeline with renamed closing statuses', async () => {
    const body = {
      name: 'Partners',
      sort: 3,
      is_main: false,
      is_unsorted_on: false,
      _embedded: {
        statuses: [
          { name: 'New', sort: 10, color: '#fffeb2' as const },
          { id: 142 as const, name: 'Signed' },
        ],
      },
    };
    nock(HOST)
      .post('/api/v4/leads/pipelines', [body])
      .reply(
        200,
        {
          _embedded: {
            pipelines: [
              { id: 9000, name: 'Partners', request_id: '0', _embedded: { statuses: [] } },
            ],
          },
        },
        json,
      );
    const ref = await testClient().pipelines.create(body);
    expect(ref).toMatchObject({ id: 9000, name: 'Partners' });
  });

  it('requires the fields Kommo requires to create a pipeline', async () => {
    const error = await testClient()
      .pipelines.create({ name: 'x' } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).issues.map((i) => i.path[0])).toEqual([
      'sort',
      'is_main',
      'is_unsorted_on',
    ]);
  });

  it('updates a pipeline with exactly the fields given and answers the object itself', async () => {
    nock(HOST)
      .patch('/api/v4/leads/pipelines/9000', { name: 'Partners 2' })
      .reply(200, { id: 9000, name: 'Partners 2', request_id: '0' }, json);
    await expect(
      testClient().pipelines.update(9000, { name: 'Partners 2' }),
    ).resolves.toMatchObject({ id: 9000 });
  });

  it('refuses an empty update', async () => {
    await expect(testClient().pipelines.update(9000, {})).rejects.toBeInstanceOf(
      RequestValidationError,
    );
  });

  it('deletes a pipeline', async () => {
    nock(HOST).delete('/api/v4/leads/pipelines/9000').reply(204);
    await expect(testClient().pipelines.delete(9000)).resolves.toBeUndefined();
  });

  it('creates several pipelines', async () => {
    const item = { name: 'A', sort: 1, is_main: false, is_unsorted_on: false };
    nock(HOST)
      .post('/api/v4/leads/pipelines', [
        { ...item, request_id: '0' },
        { ...item, name: 'B', request_id: '1' },
      ])
      .reply(
        200,
        {
          _embedded: {
            pipelines: [
              { id: 2, request_id: '1' },
              { id: 1, request_id: '0' },
            ],
          },
        },
        json,
      );
    const refs = await testClient().pipelines.createMany([item, { ...item, name: 'B' }]);
    expect(refs.map((r) => r.id)).toEqual([1, 2]);
  });
});

describe('pipelines.statuses', () => {
  it('lists the statuses of a pipeline with descriptions', async () => {
    nock(HOST)
      .get('/api/v4/leads/pipelines/3177727/statuses')
      .query({ with: 'descriptions' })
      .reply(
        200,
        {
          _total_items: 1,
          _embedded: { statuses: [fixture('pipeline_status_with_descriptions.json')] },
        },
        json,
      );
    const statuses = await testClient()
      .pipelines.statuses.list(3177727, { with: ['descriptions'] })
      .toArray({ max: 100 });
    expect(statuses).toHaveLength(1);
    expect(statuses[0]!.descriptions?.[1]).toMatchObject({
      level: 'candidate',
      updated_by: 12345,
      created_at: '2023-05-05 09:38:00',
    });
  });

  it('gets one status with date-string descriptions and a null updated_by', async () => {
    nock(HOST)
      .get('/api/v4/leads/pipelines/3177727/statuses/32392159')
      .query({ with: 'descriptions' })
      .reply(200, fixture('pipeline_status_with_descriptions.json'), json);
    const status = await testClient().pipelines.statuses.get(3177727, 32392159, {
      with: ['descriptions'],
    });
    expect(status.descriptions?.[0]).toMatchObject({ level: 'newbie', updated_by: null });
  });

  it('creates, updates and deletes a status', async () => {
    nock(HOST)
      .post('/api/v4/leads/pipelines/3177727/statuses', [
        {
          name: 'Qualified',
          sort: 25,
          color: '#98cbff',
          descriptions: [{ level: 'newbie', description: 'Call within 1h' }],
        },
      ])
      .reply(
        200,
        { _embedded: { statuses: [{ id: 555, request_id: '0', name: 'Qualified' }] } },
        json,
      )
      .patch('/api/v4/leads/pipelines/3177727/statuses/555', { color: '#87f2c0' })
      .reply(200, { id: 555, name: 'Qualified', color: '#87f2c0' }, json)
      .delete('/api/v4/leads/pipelines/3177727/statuses/555')
      .reply(204);
    const client = testClient();
    const created = await client.pipelines.statuses.create(3177727, {
      name: 'Qualified',
      sort: 25,
      color: '#98cbff',
      descriptions: [{ level: 'newbie', description: 'Call within 1h' }],
    });
    expect(created.id).toBe(555);
    await expect(
      client.pipelines.statuses.update(3177727, 555, { color: '#87f2c0' }),
    ).resolves.toMatchObject({ color: '#87f2c0' });
    await client.pipelines.statuses.delete(3177727, 555);
  });

  it('creates several statuses in one request', async () => {
    nock(HOST)
      .post('/api/v4/leads/pipelines/3177727/statuses', [
        { name: 'A', sort: 1, request_id: '0' },
        { name: 'B', sort: 2, request_id: '1' },
      ])
      .reply(
        200,
        {
          _embedded: {
            statuses: [
              { id: 1, request_id: '0' },
              { id: 2, request_id: '1' },
            ],
          },
        },
        json,
      );
    const refs = await testClient().pipelines.statuses.createMany(3177727, [
      { name: 'A', sort: 1 },
      { name: 'B', sort: 2 },
    ]);
    expect(refs.map((r) => r.id)).toEqual([1, 2]);
  });

  it('refuses a colour outside Kommo’s palette', async () => {
    await expect(
      testClient().pipelines.statuses.create(1, { name: 'x', sort: 1, color: '#000000' as never }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      issues: [{ path: ['color'] }],
    });
  });
});
