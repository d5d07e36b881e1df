import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../../src/index.js';
import { Tasks } from '../../src/resources/tasks.js';
import { HOST, testClient } from '../support/client.js';
import { fixture } from './support.js';

const json = { 'content-type': 'application/hal+json' };

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
