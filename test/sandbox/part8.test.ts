import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_IDS, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { call } from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: false });
});
beforeEach(() => sandbox.reset());
afterAll(() => sandbox.close());

describe('sandbox part-8 routes over HTTP', () => {
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

  it('records a lead status change as lead_status_changed and answers 422 above 100 events a page', async () => {
    const created = await call(sandbox, 'POST', '/api/v4/leads', [{ name: 'Audit me' }]);
    const id = created.body._embedded.leads[0].id as number;
    await call(sandbox, 'PATCH', `/api/v4/leads/${String(id)}`, {
      status_id: SEED_IDS.wonStatusId,
      pipeline_id: SEED_IDS.mainPipelineId,
    });
    const res = await call(
      sandbox,
      'GET',
      `/api/v4/events?filter[type][]=lead_status_changed&filter[entity][]=lead&filter[entity_id][]=${String(id)}`,
    );
    expect(res.body._embedded.events[0]).toMatchObject({
      entity_id: id,
      value_after: [{ lead_status: { id: 142 } }],
    });
    expect(typeof res.body._embedded.events[0].id).toBe('string');
    expect((await call(sandbox, 'GET', '/api/v4/events?limit=101')).status).toBe(422);
    const types = await call(sandbox, 'GET', '/api/v4/events/types?language_code=en');
    expect(types.body._embedded.events_types).toContainEqual({
      key: 'lead_added',
      type: 1,
      lang: 'New lead',
    });
  });

  it('creates a form in unsorted, hides it after accept, and counts it in the summary', async () => {
    const created = await call(sandbox, 'POST', '/api/v4/leads/unsorted/forms', [
      {
        source_uid: 'landing-42',
        source_name: 'Website form',
        metadata: {
          form_id: 'f',
          form_name: 'Contact',
          form_page: 'https://example.com',
          form_sent_at: 1,
        },
        _embedded: { leads: [{ name: 'From site' }], contacts: [{ first_name: 'Ann' }] },
      },
    ]);
    const uid = created.body._embedded.unsorted[0].uid as string;
    expect(
      (await call(sandbox, 'GET', '/api/v4/leads/unsorted')).body._embedded.unsorted,
    ).toHaveLength(1);
    const accepted = await call(sandbox, 'POST', `/api/v4/leads/unsorted/${uid}/accept`, {});
    expect(accepted.body._embedded.contacts).toHaveLength(1);
    expect((await call(sandbox, 'GET', '/api/v4/leads/unsorted')).status).toBe(204);
    expect((await call(sandbox, 'POST', `/api/v4/leads/unsorted/${uid}/accept`, {})).status).toBe(
      404,
    );
    expect((await call(sandbox, 'GET', '/api/v4/leads/unsorted/summary')).body).toMatchObject({
      total: 1,
      accepted: 1,
    });
  });

  it('serves sources (204 when none), catalogs with elements, and loss-reason writes', async () => {
    expect((await call(sandbox, 'GET', '/api/v4/sources')).status).toBe(204);
    const src = await call(sandbox, 'POST', '/api/v4/sources', [
      { name: 'WA', external_id: 'wa-1' },
    ]);
    expect(src.body._embedded.sources[0]).toMatchObject({ name: 'WA', external_id: 'wa-1' });
    const bad = await call(sandbox, 'DELETE', '/api/v4/sources', [{ id: 999 }]);
    expect(bad.body.errors[0].errors.code).toBe('EntityNotFound');
    const catalogs = await call(sandbox, 'GET', '/api/v4/catalogs');
    const catalogId = catalogs.body._embedded.catalogs[0].id as number;
    const el = await call(sandbox, 'POST', `/api/v4/catalogs/${String(catalogId)}/elements`, [
      { name: 'Case' },
    ]);
    expect(el.body._embedded.elements[0]).toMatchObject({ name: 'Case', catalog_id: catalogId });
    const reason = await call(sandbox, 'POST', '/api/v4/leads/loss_reasons', [{ name: 'Timing' }]);
    const rid = reason.body._embedded.loss_reasons[0].id as number;
    expect(
      (await call(sandbox, 'DELETE', `/api/v4/leads/loss_reasons/${String(rid)}`)).status,
    ).toBe(204);
  });
});
