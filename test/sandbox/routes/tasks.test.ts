import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/sandbox/index.js';
import { call, useSandbox } from '../helpers.js';

let sandbox: Sandbox;
useSandbox((s) => (sandbox = s));

describe('tasks', () => {
  it('creates a task, completes it with a single PATCH answered bare, and logs both events', async () => {
    const leads = await call(sandbox, 'GET', '/api/v4/leads?limit=1');
    const leadId = leads.body._embedded.leads[0].id as number;
    const created = await call(sandbox, 'POST', '/api/v4/tasks', [
      {
        text: 'Call back',
        complete_till: 2_000_000_000,
        entity_type: 'leads',
        entity_id: leadId,
        request_id: 't1',
      },
    ]);
    expect(created.status).toBe(200);
    const ref = created.body._embedded.tasks[0];
    expect(ref.request_id).toBe('t1');
    const done = await call(sandbox, 'PATCH', `/api/v4/tasks/${String(ref.id)}`, {
      is_completed: true,
      result: { text: 'Done' },
    });
    expect(done.body).toMatchObject({ id: ref.id, request_id: '0' });
    const task = await call(sandbox, 'GET', `/api/v4/tasks/${String(ref.id)}`);
    expect(task.body).toMatchObject({ is_completed: true, result: { text: 'Done' } });
    const events = await call(
      sandbox,
      'GET',
      `/api/v4/events?filter[entity][]=task&filter[entity_id][]=${String(ref.id)}`,
    );
    expect(events.body._embedded.events.map((e: { type: string }) => e.type).sort()).toEqual([
      'task_added',
      'task_completed',
      'task_result_added',
    ]);
  });

  it('refuses a task without complete_till with a FieldMissing validation error', async () => {
    const res = await call(sandbox, 'POST', '/api/v4/tasks', [{ text: 'x' }]);
    expect(res.status).toBe(400);
    expect(res.body['validation-errors'][0].errors[0]).toMatchObject({
      code: 'FieldMissing',
      path: 'complete_till',
    });
  });
});
