import { describe, expect, it } from 'vitest';
import { SEED_IDS, type Sandbox } from '../../../src/sandbox/index.js';
import { call, useSandbox } from '../helpers.js';

let sandbox: Sandbox;
useSandbox((s) => (sandbox = s));

describe('events', () => {
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
});
