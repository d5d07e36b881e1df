/**
 * Scenario: a lead moves through the stages of its pipeline and is qualified (won, 142) or
 * disqualified (lost, 143, with a loss reason).
 *
 * Run: `npx tsx examples/qualify-lead.ts` (sandbox), or with `KOMMO_*` set. On a real account
 * pass `--yes`, and `--loss-reason <id>` (or `KOMMO_LOSS_REASON_ID`) with one of your loss
 * reasons, or the lost lead gets none.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { advanceLead, cacheFor, moveLeadTo, nextStatus, qualifyLead, type Kommo } from 'kommo-sdk';
import { connectOrSandbox } from 'kommo-sdk/sandbox';

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

const USAGE = `Usage: npx tsx examples/qualify-lead.ts [--loss-reason <id>] [--yes]

Creates two leads, moves one through the stages (next, then by name) and wins it (142); loses
the other (143) with a loss reason.

Connects to the account of the KOMMO_* variables (set, or in ./.env; see .env.example),
or starts a local Kommo sandbox when none is set.

Options:
  --loss-reason <id>  the lost lead's loss reason (default: KOMMO_LOSS_REASON_ID; the
                      sandbox's "Too expensive" there)
  --yes               write to a real account (required there)
  -h, --help          show this help
`;

async function main(flags: {
  yes?: boolean | undefined;
  'loss-reason'?: string | undefined;
}): Promise<void> {
  // ./.env when there is one (Node ≥ 20.12); variables already set win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const reason = flags['loss-reason'] ?? process.env['KOMMO_LOSS_REASON_ID'];
  if (reason !== undefined && !/^[1-9]\d*$/.test(reason)) {
    console.error(`✗ --loss-reason must be a loss reason id, got "${reason}"`);
    process.exitCode = 2;
    return;
  }
  const conn = await connectOrSandbox();
  if (conn.mode === 'account' && flags.yes !== true) {
    console.error(
      `✗ qualify-lead creates and closes two leads in ${conn.target}: run again with --yes to go ahead`,
    );
    process.exitCode = 1;
    return;
  }
  console.log(`qualify-lead → ${conn.target}`);
  try {
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
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let flags;
  try {
    ({ values: flags } = parseArgs({
      options: {
        yes: { type: 'boolean' },
        'loss-reason': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // An unknown flag or a missing value: say so, show the usage, exit 2.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (flags.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  main(flags).catch((error: unknown) => {
    // SDK errors never carry a token: one line is enough.
    console.error(
      `✗ ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    process.exitCode = 1;
  });
}
