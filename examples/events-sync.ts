/**
 * Catch up on Kommo's event log from a cron job or a worker, and resume where the last run
 * stopped: the follower's cursor (`{ lastTs, seenIds }`) is written to a file after every
 * handled event, so a restart delivers nothing twice and skips nothing.
 *
 * ```bash
 * npx tsx examples/events-sync.ts                    # one catch-up pass, against a sandbox
 * npx tsx examples/events-sync.ts --watch            # keep polling every 30 s (Ctrl-C stops)
 * npx tsx examples/events-sync.ts --cursor ./my.json # where the cursor lives
 *                                                    # (default .kommo/events-cursor.json)
 * ```
 *
 * Events are the polling alternative to webhooks: use them to fill gaps (a webhook endpoint
 * that was down) or where webhooks cannot reach you.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Events, EventCursor, KommoEvent as Event } from 'kommo-sdk';
import { connectOrSandbox } from 'kommo-sdk/sandbox';

/** Reads the stored cursor, or `undefined` on the first run. */
async function loadCursor(file: string): Promise<EventCursor | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as EventCursor;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes the cursor atomically (write then rename), so a crash never leaves half a file. */
async function saveCursor(file: string, cursor: EventCursor): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(cursor));
  await rename(`${file}.tmp`, file);
}

/** What this integration does with an event; here, print it. */
function handle(event: Event): void {
  const name = event._embedded?.entity?.name;
  console.log(
    `${new Date(event.created_at * 1000).toISOString()} ${event.type} ${event.entity_type ?? '?'} #${String(event.entity_id)}${name ? ` "${name}"` : ''}`,
  );
}

/** Runs one catch-up pass (or keeps following with `watch`) and returns how many events it handled. */
export async function eventsSync(options: {
  events: Events;
  cursorFile: string;
  watch?: boolean;
  signal?: AbortSignal;
}): Promise<number> {
  // First run: start an hour back. Later runs: exactly where the last one stopped.
  const cursor = (await loadCursor(options.cursorFile)) ?? {
    lastTs: Math.floor(Date.now() / 1000) - 3600,
    seenIds: [],
  };
  const follower = options.events.follow(
    {
      cursor,
      filter: { type: ['lead_added', 'lead_status_changed', 'task_completed'] },
      with: ['lead_name'],
      once: options.watch !== true,
      intervalMs: 30_000,
      // The sandbox writes events with the current second; give them a moment on a real account.
      settleSec: 0,
    },
    options.signal ? { signal: options.signal } : {},
  );
  let handled = 0;
  for await (const event of follower) {
    handle(event);
    handled++;
    await saveCursor(options.cursorFile, follower.cursor);
  }
  return handled;
}

const USAGE = `Usage: npx tsx examples/events-sync.ts [--cursor <file>] [--watch]

Catches up on the account's event log (new leads, stage changes, completed tasks) and resumes
where the last run stopped: the cursor is saved after every handled event. Reads only (against
a sandbox it first creates a lead to have something to show).

Connects to the account of the KOMMO_* variables (set, or in ./.env; see .env.example),
or starts a local Kommo sandbox when none is set.

Options:
  --cursor <file>  where the cursor is kept (default .kommo/events-cursor.json)
  --watch          keep polling every 30 s (Ctrl-C stops)
  -h, --help       show this help
`;

async function main(flags: {
  cursor?: string | undefined;
  watch?: boolean | undefined;
}): Promise<void> {
  // ./.env when there is one (Node ≥ 20.12); variables already set win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const conn = await connectOrSandbox();
  const cursorFile = flags.cursor ?? '.kommo/events-cursor.json';
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  try {
    console.log(`events-sync against ${conn.target}, cursor in ${cursorFile}`);
    if (conn.mode === 'sandbox') {
      // Something to see: a new lead and a stage move, both logged as events.
      const lead = await conn.kommo.leads.create({ name: 'Order from events-sync' });
      await conn.kommo.leads.update(lead.id, { status_id: 142 });
    }
    const events = conn.kommo.events;
    const handled = await eventsSync({
      events,
      cursorFile,
      watch: flags.watch === true,
      signal: controller.signal,
    });
    console.log(`handled ${String(handled)} event(s); run again to resume from the saved cursor`);
  } finally {
    await conn.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let flags;
  try {
    ({ values: flags } = parseArgs({
      options: {
        cursor: { type: 'string' },
        watch: { type: 'boolean' },
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
