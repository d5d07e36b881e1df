/**
 * Scenario: import many leads at once (a CSV, a migration). Writes go in chunks through
 * `leads.createMany`, paced by the client's rate limiter; the report says what was created,
 * what Kommo refused and what is unknown (a chunk whose answer was lost: re-read before
 * sending it again).
 *
 * Run: `npx tsx examples/bulk-import.ts [--count 10000] [--chunk-size 250]` (a real account
 * needs `--yes`: these are real leads). A live progress bar on a terminal, plain lines otherwise
 * (CI, pipes).
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BatchError, type Kommo, type LeadCreateParams } from 'kommo-sdk';
import { connectOrSandbox } from 'kommo-sdk/sandbox';

/** The outcome of an import. */
export interface BulkImportReport {
  requested: number;
  created: number;
  /** Refused by Kommo (validation) or never sent after an earlier failure. */
  failed: number;
  /** Possibly written: the answer was lost (5xx, timeout). Check before re-sending. */
  unknown: number;
  /** Ids of the created leads, in input order. */
  createdIds: number[];
  durationMs: number;
}

/** Options of {@link bulkImport}. */
export interface BulkImportOptions {
  count: number;
  /** Leads per request (Kommo allows 250; lower it if you see 504s). @defaultValue 250 */
  chunkSize?: number;
  /** Called after every slice with the leads done so far. */
  onProgress?: (done: number, total: number) => void;
  /** Prefix of the generated lead names. @defaultValue `'Imported lead'` */
  namePrefix?: string;
}

function row(i: number, prefix: string): LeadCreateParams {
  return {
    name: `${prefix} #${i + 1}`,
    price: 100 + ((i * 37) % 900),
    tags_to_add: [{ name: 'import' }],
  };
}

/** Imports `count` generated leads and reports what happened to each. */
export async function bulkImport(
  kommo: Kommo,
  options: BulkImportOptions,
): Promise<BulkImportReport> {
  const started = Date.now();
  const chunkSize = options.chunkSize ?? 250;
  const prefix = options.namePrefix ?? 'Imported lead';
  // Slices of a few chunks: createMany runs them concurrently, and progress moves per slice.
  const slice = chunkSize * 3;
  const report: BulkImportReport = {
    requested: options.count,
    created: 0,
    failed: 0,
    unknown: 0,
    createdIds: [],
    durationMs: 0,
  };
  for (let from = 0; from < options.count; from += slice) {
    const rows = Array.from({ length: Math.min(slice, options.count - from) }, (_, i) =>
      row(from + i, prefix),
    );
    try {
      const refs = await kommo.leads.createMany(rows, { chunkSize, concurrency: 3 });
      report.created += refs.length;
      report.createdIds.push(...refs.map((r) => r.id));
    } catch (error) {
      if (!(error instanceof BatchError)) throw error;
      for (const result of error.results) {
        if (result.status === 'applied' && result.ref) {
          report.created++;
          report.createdIds.push((result.ref as { id: number }).id);
        } else if (result.status === 'unknown') report.unknown++;
        else report.failed++;
      }
    }
    options.onProgress?.(Math.min(from + slice, options.count), options.count);
  }
  report.durationMs = Date.now() - started;
  return report;
}

/** A progress printer: a redrawn bar on a terminal, a line per 10 % elsewhere. */
export function progressPrinter(stream: NodeJS.WriteStream = process.stdout): {
  update: (done: number, total: number) => void;
  finish: () => void;
} {
  const started = Date.now();
  let lastTenth = -1;
  return {
    update(done, total) {
      const share = total === 0 ? 1 : done / total;
      const rate = Math.round(done / Math.max(0.001, (Date.now() - started) / 1000));
      if (stream.isTTY) {
        const width = 30;
        const filled = Math.round(share * width);
        stream.write(
          `\r  [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${Math.round(share * 100)}% ${rate} leads/s`,
        );
        return;
      }
      const tenth = Math.floor(share * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        stream.write(`  ${done}/${total} leads (${Math.round(share * 100)}%), ${rate} leads/s\n`);
      }
    },
    finish() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}

/** Prints the final report. */
export function printReport(report: BulkImportReport, log: (line: string) => void): void {
  const seconds = (report.durationMs / 1000).toFixed(1);
  log(
    `created ${report.created}, failed ${report.failed}, unknown ${report.unknown} of ${report.requested} in ${seconds} s`,
  );
  if (report.unknown > 0)
    log('unknown: their chunk may have been written; search before re-sending');
}

const USAGE = `Usage: npx tsx examples/bulk-import.ts [--count <n>] [--chunk-size <n>] [--yes]

Imports generated leads in batches (leads.createMany), paced by the client, and reports what
was created, refused or unknown.

Connects to the account of the KOMMO_* variables (set, or in ./.env; see .env.example),
or starts a local Kommo sandbox when none is set.

Options:
  --count <n>       leads to import (default 10000)
  --chunk-size <n>  leads per request, 1-250 (default 250)
  --yes             write to a real account (required there: these are real leads)
  -h, --help        show this help
`;

async function main(flags: {
  yes?: boolean | undefined;
  count?: string | undefined;
  'chunk-size'?: string | undefined;
}): Promise<void> {
  const count = Number(flags.count ?? 10_000);
  const chunkSize = Number(flags['chunk-size'] ?? 250);
  if (
    !Number.isInteger(count) ||
    count < 1 ||
    !Number.isInteger(chunkSize) ||
    chunkSize < 1 ||
    chunkSize > 250
  ) {
    process.stderr.write(`--count must be a positive integer and --chunk-size 1-250\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  // ./.env when there is one (Node ≥ 20.12); variables already set win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const conn = await connectOrSandbox();
  if (conn.mode === 'account' && flags.yes !== true) {
    console.error(
      `✗ bulk-import creates ${count} leads in ${conn.target}: run again with --yes to go ahead`,
    );
    process.exitCode = 1;
    return;
  }
  console.log(`bulk-import of ${count} leads → ${conn.target}`);
  const progress = progressPrinter();
  try {
    const report = await bulkImport(conn.kommo, {
      count,
      chunkSize,
      onProgress: progress.update,
    });
    progress.finish();
    printReport(report, (line) => console.log(`  ${line}`));
    if (report.failed + report.unknown > 0) process.exitCode = 1;
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
        count: { type: 'string' },
        'chunk-size': { type: 'string' },
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
