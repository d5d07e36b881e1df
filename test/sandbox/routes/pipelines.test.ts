import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/sandbox/index.js';
import { call, useSandbox } from '../helpers.js';

let sandbox: Sandbox;
useSandbox((s) => (sandbox = s));

describe('pipelines', () => {
  it('lists pipelines with 142 and 143 in every pipeline and an incoming-leads stage', async () => {
    const res = await call(sandbox, 'GET', '/api/v4/leads/pipelines');
    expect(res.body._total_items).toBe(2);
    for (const p of res.body._embedded.pipelines) {
      const ids = p._embedded.statuses.map((s: any) => s.id);
      expect(ids).toEqual(expect.arrayContaining([142, 143]));
      expect(p._embedded.statuses[0].type).toBe(1);
    }
  });

  it('creates a pipeline with renamed system stages, adds and deletes a stage', async () => {
    const res = await call(sandbox, 'POST', '/api/v4/leads/pipelines', [
      {
        name: 'Support',
        sort: 30,
        is_main: false,
        is_unsorted_on: false,
        _embedded: {
          statuses: [
            { name: 'Open', sort: 10, color: '#fffeb2' },
            { id: 142, name: 'Solved' },
          ],
        },
      },
    ]);
    const p = res.body._embedded.pipelines[0];
    expect(p.request_id).toBe('0');
    expect(
      p._embedded.statuses.map((s: any) => [s.name, s.id === 142 || s.id === 143 ? s.id : 'new']),
    ).toEqual([
      ['Open', 'new'],
      ['Solved', 142],
      ['Closed - lost', 143],
    ]);
    const added = await call(sandbox, 'POST', `/api/v4/leads/pipelines/${String(p.id)}/statuses`, [
      { name: 'Waiting', sort: 20 },
    ]);
    const statusId = added.body._embedded.statuses[0].id;
    const lead = await call(sandbox, 'POST', '/api/v4/leads', [
      { name: 'in waiting', pipeline_id: p.id, status_id: statusId },
    ]);
    expect(
      (
        await call(
          sandbox,
          'DELETE',
          `/api/v4/leads/pipelines/${String(p.id)}/statuses/${String(statusId)}`,
        )
      ).status,
    ).toBe(204);
    const moved = sandbox.state.leads.get(lead.body._embedded.leads[0].id)!;
    expect(moved.status_id).toBe(p._embedded.statuses[0].id);
    expect(
      (await call(sandbox, 'DELETE', `/api/v4/leads/pipelines/${String(p.id)}/statuses/142`))
        .status,
    ).toBe(400);
    expect((await call(sandbox, 'GET', '/api/v4/leads/pipelines/123')).status).toBe(404);
  });
});
