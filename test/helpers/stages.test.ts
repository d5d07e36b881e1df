import { afterEach, describe, expect, it } from 'vitest';
import {
  advanceLead,
  cacheFor,
  moveLeadTo,
  nextStatus,
  qualifyLead,
  statusByName,
} from '../../src/index.js';
import { SEED_IDS, type Sandbox } from '../../src/sandbox/index.js';
import { sandboxClient } from './support.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const QUALIFIED = 32_392_162;
const NEGOTIATION = 32_392_168;

describe('nextStatus and statusByName', () => {
  it('walks the open stages in board order and never steps into won or lost', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const main = await cacheFor(kommo).pipeline(SEED_IDS.mainPipelineId);
    expect(nextStatus(main, SEED_IDS.unsortedStatusId)?.id).toBe(SEED_IDS.firstStatusId);
    expect(nextStatus(main, SEED_IDS.firstStatusId)?.id).toBe(QUALIFIED);
    expect(nextStatus(main, NEGOTIATION)).toBeUndefined();
    expect(nextStatus(main, 142)).toBeUndefined();
    expect(() => nextStatus(main, 1)).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });

  it('finds a stage by name whatever its case and surrounding spaces', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const main = await cacheFor(kommo).pipeline();
    expect(statusByName(main, '  qualified ')?.id).toBe(QUALIFIED);
    expect(statusByName(main, 'Closed - won')?.id).toBe(142);
    expect(statusByName(main, 'Nope')).toBeUndefined();
  });
});

describe('advanceLead, moveLeadTo and qualifyLead', () => {
  it('moves a lead to the next stage and says where it went', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const { id } = await kommo.leads.create({ name: 'Advance me' });
    const move = await advanceLead(kommo, id);
    expect(move).toEqual({
      leadId: id,
      pipelineId: SEED_IDS.mainPipelineId,
      fromStatusId: SEED_IDS.firstStatusId,
      toStatusId: QUALIFIED,
      toStatusName: 'Qualified',
    });
    expect(sandbox.state.leads.get(id)?.status_id).toBe(QUALIFIED);
  });

  it('refuses to advance a lead from the last open stage and leaves it there', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const { id } = await kommo.leads.create({ name: 'Last', status_id: NEGOTIATION });
    await expect(advanceLead(kommo, id)).rejects.toMatchObject({ code: 'invalid_request' });
    expect(sandbox.state.leads.get(id)?.status_id).toBe(NEGOTIATION);
  });

  it('moves a lead to a stage by name, also into another pipeline', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const { id } = await kommo.leads.create({ name: 'Move me' });
    await moveLeadTo(kommo, id, 'negotiation');
    expect(sandbox.state.leads.get(id)?.status_id).toBe(NEGOTIATION);
    await moveLeadTo(kommo, id, 'In talks', { pipelineId: SEED_IDS.secondPipelineId });
    expect(sandbox.state.leads.get(id)).toMatchObject({
      pipeline_id: SEED_IDS.secondPipelineId,
      status_id: 32_392_177,
    });
    await expect(moveLeadTo(kommo, id, 'Qualified')).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  it('closes leads as won (142) or lost (143) with the loss reason', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const [a, b] = await kommo.leads.createMany([{ name: 'Win' }, { name: 'Lose' }]);
    await qualifyLead(kommo, a!.id, true);
    await qualifyLead(kommo, b!.id, false, { lossReasonId: 4_203_751 });
    expect(sandbox.state.leads.get(a!.id)?.status_id).toBe(142);
    expect(sandbox.state.leads.get(b!.id)).toMatchObject({
      status_id: 143,
      loss_reason_id: 4_203_751,
    });
  });

  it('reads the pipelines once for many moves, through the shared cache', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const refs = await kommo.leads.createMany([{ name: '1' }, { name: '2' }, { name: '3' }]);
    for (const ref of refs) await advanceLead(kommo, ref.id);
    const pipelineReads = sandbox.requests.filter((r) => r.path === '/api/v4/leads/pipelines');
    expect(pipelineReads).toHaveLength(1);
    cacheFor(kommo).invalidate('pipelines');
    await advanceLead(kommo, refs[0]!.id);
    expect(sandbox.requests.filter((r) => r.path === '/api/v4/leads/pipelines')).toHaveLength(2);
  });
});
