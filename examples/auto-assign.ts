/**
 * Scenario: new leads get a responsible manager automatically — round robin over the active
 * managers (the rotation kept in a file, so it continues after a restart), then least loaded.
 *
 * Run: `npx tsx examples/auto-assign.ts` (sandbox), or with `KOMMO_*` set and `--yes`. The
 * rotation is kept in `--state <file>` (or `KOMMO_ASSIGNER_FILE`; default
 * `.kommo/assigner.json`, a folder `.gitignore` covers).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createAssigner, FileAssignerStore, type Kommo } from 'kommo-sdk';
import { connectOrSandbox } from 'kommo-sdk/sandbox';

/** One assignment. */
export interface Assignment {
  leadId: number;
  userId: number;
  strategy: 'round-robin' | 'least-loaded';
}

/** What the scenario did, for the demo's checks. */
export interface AutoAssignResult {
  assignments: Assignment[];
  /** Active users taking part, by id. */
  candidates: number[];
  /** Open leads per user before the least-loaded round. */
  loadsBefore: Record<number, number>;
}

/** Options of {@link autoAssign}. */
export interface AutoAssignOptions {
  /** The rotation state file. @defaultValue a file in a fresh temporary directory */
  stateFile?: string;
}

/** Runs the scenario; `log` prints one line of readable output. */
export async function autoAssign(
  kommo: Kommo,
  log: (line: string) => void,
  options: AutoAssignOptions = {},
): Promise<AutoAssignResult> {
  const dir = options.stateFile ? undefined : await mkdtemp(join(tmpdir(), 'kommo-assign-'));
  const stateFile = options.stateFile ?? join(dir ?? '.', 'assigner.json');
  try {
    const names = new Map<number, string>();
    const assignments: Assignment[] = [];
    const refs = await kommo.leads.createMany(
      Array.from({ length: 7 }, (_, i) => ({ name: `Auto-assign demo lead ${i + 1}` })),
    );
    const ids = refs.map((r) => r.id);

    // Round robin, with a "restart" after three leads: a new assigner over the same file.
    let assigner = createAssigner(kommo, {
      strategy: 'round-robin',
      store: new FileAssignerStore(stateFile),
    });
    const candidates = await assigner.candidates();
    for (const user of candidates) names.set(user.id, user.name ?? String(user.id));
    log(`active managers: ${candidates.map((u) => `${u.name ?? ''} (${u.id})`).join(', ')}`);
    for (const [i, leadId] of ids.slice(0, 4).entries()) {
      if (i === 2) {
        assigner = createAssigner(kommo, {
          strategy: 'round-robin',
          store: new FileAssignerStore(stateFile),
        });
        log('  (restart: a new assigner reads the rotation from the state file)');
      }
      const userId = await assigner.assign(leadId);
      assignments.push({ leadId, userId, strategy: 'round-robin' });
      log(`lead ${leadId} → ${names.get(userId) ?? userId} (round robin)`);
    }

    const leastLoaded = createAssigner(kommo, { strategy: 'least-loaded' });
    const loads = await leastLoaded.loads();
    log(
      `open leads per manager: ${[...loads].map(([id, n]) => `${names.get(id) ?? id}=${n}`).join(', ')}`,
    );
    for (const leadId of ids.slice(4)) {
      const userId = await leastLoaded.assign(leadId);
      assignments.push({ leadId, userId, strategy: 'least-loaded' });
      log(`lead ${leadId} → ${names.get(userId) ?? userId} (least loaded)`);
    }
    return {
      assignments,
      candidates: candidates.map((u) => u.id),
      loadsBefore: Object.fromEntries(loads),
    };
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

const USAGE = `Usage: npx tsx examples/auto-assign.ts [--state <file>] [--yes]

Creates 7 leads and gives each a responsible manager: round robin over the active users (the
rotation kept in a file, across a simulated restart), then least loaded.

Connects to the account of the KOMMO_* variables (set, or in ./.env; see .env.example),
or starts a local Kommo sandbox when none is set.

Options:
  --state <file>  where the rotation is kept (default: KOMMO_ASSIGNER_FILE, else
                  .kommo/assigner.json)
  --yes           write to a real account (required there)
  -h, --help      show this help
`;

async function main(flags: {
  yes?: boolean | undefined;
  state?: string | undefined;
}): Promise<void> {
  // ./.env when there is one (Node ≥ 20.12); variables already set win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const conn = await connectOrSandbox();
  if (conn.mode === 'account' && flags.yes !== true) {
    console.error(
      `✗ auto-assign creates 7 leads and assigns them in ${conn.target}: run again with --yes to go ahead`,
    );
    process.exitCode = 1;
    return;
  }
  console.log(`auto-assign → ${conn.target}`);
  try {
    const stateFile = flags.state ?? process.env['KOMMO_ASSIGNER_FILE'] ?? '.kommo/assigner.json';
    await mkdir(dirname(stateFile), { recursive: true });
    await autoAssign(conn.kommo, (line) => console.log(`  ${line}`), { stateFile });
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
        state: { type: 'string' },
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
