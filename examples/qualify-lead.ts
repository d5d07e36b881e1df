/**
 * Scenario: a lead moves through the stages of its pipeline and is qualified (won, 142) or
 * disqualified (lost, 143, with a loss reason).
 *
 * Run: `npx tsx examples/qualify-lead.ts` (sandbox), or with `KOMMO_*` set. On a real account
 * set `KOMMO_LOSS_REASON_ID` to one of your loss reasons, or the lost lead gets none.
 */
import {
  advanceLead,
  cacheFor,
  moveLeadTo,
  nextStatus,
  qualifyLead,
  type Kommo,
} from '../src/index.js';
import { connect, isMain, runMain } from './_shared/connect.js';

/** What the scenario did, for the demo's checks. */
export interface QualifyLeadResult {
  wonLeadId: number;
  lostLeadId: number;
  /** The stages the won lead went through before closing, by name. */
  path: string[];
}

/** Options of {@link qualifyLeads}. */
export interface QualifyLeadsOptions {
  /** Leads to use; created in the main pipeline when absent. */
  leadIds?: readonly [number, number];
  /** The loss reason of the lost lead. */
  lossReasonId?: number;
}

/** Runs the scenario; `log` prints one line of readable output. */
export async function qualifyLeads(
  kommo: Kommo,
  log: (line: string) => void,
  options: QualifyLeadsOptions = {},
): Promise<QualifyLeadResult> {
  const [wonLeadId, lostLeadId] =
    options.leadIds ??
    ((
      await kommo.leads.createMany([
        { name: 'Qualify me: office chairs' },
        { name: 'Qualify me: stage' },
      ])
    ).map((r) => r.id) as [number, number]);

  const path: string[] = [];
  const first = await advanceLead(kommo, wonLeadId);
  path.push(first.toStatusName);
  log(`lead ${wonLeadId}: advanced to "${first.toStatusName}"`);
  // The stage after that, picked by name, as a rule engine given "Proposal sent" would do.
  const pipeline = await cacheFor(kommo).pipeline(first.pipelineId);
  const after = nextStatus(pipeline, first.toStatusId);
  if (after?.name) {
    const moved = await moveLeadTo(kommo, wonLeadId, after.name);
    path.push(moved.toStatusName);
    log(`lead ${wonLeadId}: moved by name to "${moved.toStatusName}"`);
  }
  await qualifyLead(kommo, wonLeadId, true);
  log(`lead ${wonLeadId}: qualified → won (142)`);
  await qualifyLead(kommo, lostLeadId, false, {
    ...(options.lossReasonId !== undefined ? { lossReasonId: options.lossReasonId } : {}),
  });
  log(
    `lead ${lostLeadId}: disqualified → lost (143)${options.lossReasonId !== undefined ? `, loss reason ${options.lossReasonId}` : ''}`,
  );
  return { wonLeadId, lostLeadId, path };
}

/** "Too expensive" in the sandbox's seed. */
export const SANDBOX_LOSS_REASON_ID = 4_203_748;

if (isMain(import.meta.url)) {
  runMain(async () => {
    const conn = await connect();
    console.log(`qualify-lead → ${conn.target}`);
    try {
      const reason = process.env['KOMMO_LOSS_REASON_ID'];
      const lossReasonId =
        reason !== undefined
          ? Number(reason)
          : conn.mode === 'sandbox'
            ? SANDBOX_LOSS_REASON_ID
            : undefined;
      await qualifyLeads(conn.kommo, (line) => console.log(`  ${line}`), {
        ...(lossReasonId !== undefined ? { lossReasonId } : {}),
      });
    } finally {
      await conn.close();
    }
  });
}
