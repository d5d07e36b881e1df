import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/sandbox/index.js';
import { call, useSandbox } from '../helpers.js';

let sandbox: Sandbox;
useSandbox((s) => (sandbox = s));

describe('salesbot', () => {
  it('runs a known bot on a lead with the v2 codes and refuses unknown bots, types and > 100 tasks', async () => {
    const { id } = sandbox.salesbot.addBot();
    const lead = [...sandbox.state.leads.values()][0]!.id;
    const ok = await call(sandbox, 'POST', '/api/v2/salesbot/run', [
      { bot_id: id, entity_id: lead, entity_type: 2 },
    ]);
    expect(ok.status).toBe(202);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sandbox.salesbot.runs.map((r) => [r.botId, r.entityType, r.status])).toEqual([
      [id, 'leads', 'finished'],
    ]);
    const bad = await call(sandbox, 'POST', '/api/v2/salesbot/run', [
      { bot_id: id + 1, entity_id: lead, entity_type: 3 },
    ]);
    expect(bad.status).toBe(400);
    const many = Array.from({ length: 101 }, () => ({
      bot_id: id,
      entity_id: lead,
      entity_type: 2,
    }));
    expect((await call(sandbox, 'POST', '/api/v2/salesbot/run', many)).status).not.toBe(202);
  });

  it('answers 404 to a continue no bot waits on, and 400 to handlers over Kommo’s limits', async () => {
    const missing = await call(sandbox, 'POST', '/api/v4/salesbot/1/continue/2', {
      execute_handlers: [],
    });
    expect(missing.status).toBe(404);
    const tooLong = await call(sandbox, 'POST', '/api/v4/salesbot/1/continue/2', {
      execute_handlers: [{ handler: 'show', params: { type: 'text', value: 'x'.repeat(81) } }],
    });
    expect(tooLong.status).toBe(400);
  });
});
