/**
 * Scenario: new leads get a responsible manager automatically — round robin over the active
 * managers (the rotation kept in a file, so it continues after a restart), then least loaded.
 *
 * Run: `npx tsx examples/auto-assign.ts` (sandbox), or with `KOMMO_*` set. The state file is
 * `KOMMO_ASSIGNER_FILE` (default: a temporary directory).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAssigner, FileAssignerStore, type Kommo } from '../src/index.js';
import { connect, isMain, runMain } from './_shared/connect.js';

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

if (isMain(import.meta.url)) {
  runMain(async () => {
    const conn = await connect();
    console.log(`auto-assign → ${conn.target}`);
    try {
      const stateFile = process.env['KOMMO_ASSIGNER_FILE'];
      await autoAssign(conn.kommo, (line) => console.log(`  ${line}`), {
        ...(stateFile ? { stateFile } : {}),
      });
    } finally {
      await conn.close();
    }
  });
}
