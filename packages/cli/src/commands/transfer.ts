/**
 * `kommo export <entity>` and `kommo import <entity> <file>`: resumable jobs on the SDK's
 * pacing and batches, with progress, a checkpoint, and a report of the rows that failed.
 *
 * Import checks every row (and the SDK's own validation of every body) before sending
 * anything, so a bad file writes nothing. It then drives the chunks itself: each chunk is
 * journalled as sent before it goes and as settled (per-row outcomes from `createMany` or its
 * `BatchError`) when it comes back. A resumed job looks up the rows of unknown outcome by
 * their key (see ../jobs/reconcile.ts) and resends only the absent ones.
 *
 * @module
 */

import { createHash } from 'node:crypto';
import {
  open,
  readFile,
  rename,
  rm,
  stat,
  truncate,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import {
  BatchError,
  isKommoError,
  KommoApiError,
  RequestValidationError,
  type BatchOptions,
  type Kommo,
  type KommoError,
} from 'kommo-sdk';
import { CliError, EXIT, palette, printJson, UsageError, type Io } from '../io.js';
import { Journal, type JobHeader, type RowOutcome } from '../jobs/journal.js';
import { progressView, type JobProgress } from '../jobs/progress.js';
import { keyFieldReconciler, type Reconcile, type ReconcileStats } from '../jobs/reconcile.js';
import {
  bodyFromCsv,
  bodyFromJson,
  checkHeader,
  csvHeader,
  FieldIndex,
  keyOf,
  RowError,
  toCsvRecord,
  transferEntity,
  type FieldDef,
  type RowBody,
  type RowContext,
  type TransferEntity,
} from '../jobs/rows.js';
import {
  addAccountOptions,
  collect,
  positiveInt,
  type CommandContext,
  type Wrap,
} from '../program.js';
import { numbersDeep, parsePairs } from '../query.js';

type Format = 'csv' | 'ndjson';

function formatOf(
  explicit: string | undefined,
  path: string | undefined,
  fallback: Format | undefined,
): Format {
  if (explicit !== undefined) {
    if (explicit !== 'csv' && explicit !== 'ndjson')
      throw new UsageError(`--format must be csv or ndjson, got ${JSON.stringify(explicit)}`);
    return explicit;
  }
  const ext = path ? extname(path).toLowerCase() : '';
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  if (fallback) return fallback;
  throw new UsageError(
    `cannot tell the format of ${path ?? 'the input'} from its extension: give --format csv or --format ndjson`,
  );
}

async function fieldsOf(kommo: Kommo, entity: TransferEntity): Promise<FieldIndex> {
  return new FieldIndex(await kommo.customFields.list(entity).toArray({ max: 10_000 }));
}

// ---------------------------------------------------------------------------------------------
// Export.

interface ExportCheckpoint {
  entity: string;
  format: Format;
  filter: string;
  /** The last page written. */
  page: number;
  /** The highest id written (pages are read in id order). */
  lastId: number;
  /** Bytes of the output file after that page. */
  bytes: number;
  rows: number;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read the checkpoint ${path}: delete it to start over`);
  }
}

async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, `${JSON.stringify(value)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

const PAGE_LIMIT = 250;

async function runExport(
  ctx: CommandContext,
  entityArg: string,
  options: { filter?: string[]; format?: string; out?: string },
): Promise<number> {
  const entity = transferEntity(entityArg);
  const format = formatOf(options.format, options.out, 'ndjson');
  const filter = options.filter ? numbersDeep(parsePairs(options.filter, '--filter')) : undefined;
  const filterKey = JSON.stringify(filter ?? null);
  const out = options.out === undefined || options.out === '-' ? undefined : resolve(options.out);
  const checkpointPath = out ? `${out}.checkpoint.json` : undefined;

  const conn = await ctx.connect();
  try {
    const fields = format === 'csv' ? await fieldsOf(conn.kommo, entity) : new FieldIndex([]);
    let checkpoint = checkpointPath ? await readJson<ExportCheckpoint>(checkpointPath) : undefined;
    if (
      checkpoint &&
      (checkpoint.entity !== entity ||
        checkpoint.format !== format ||
        checkpoint.filter !== filterKey)
    ) {
      throw new CliError(
        `the checkpoint ${checkpointPath ?? ''} belongs to another export: delete it to start over`,
      );
    }
    let handle: FileHandle | undefined;
    if (out) {
      if (checkpoint) {
        const size = (await stat(out).catch(() => undefined))?.size;
        if (size === undefined || size < checkpoint.bytes) {
          throw new CliError(
            `${out} is shorter than its checkpoint says: delete ${checkpointPath ?? ''} to start over`,
          );
        }
        // Whatever was written after the last checkpointed page is written again.
        await truncate(out, checkpoint.bytes);
        ctx.note(
          `resuming the export after page ${String(checkpoint.page)} (${String(checkpoint.rows)} rows)`,
        );
      }
      handle = await open(out, checkpoint ? 'a' : 'w');
    }
    const write = async (text: string): Promise<number> => {
      if (handle) return (await handle.write(text)).bytesWritten;
      await writeStdout(ctx.io, text);
      return Buffer.byteLength(text);
    };
    let bytes = checkpoint?.bytes ?? 0;
    let rows = checkpoint?.rows ?? 0;
    let lastId = checkpoint?.lastId ?? 0;
    if (!checkpoint && format === 'csv')
      bytes += await write(stringifyCsv([csvHeader(entity, fields)]));

    const view = progressView(ctx.io, `export ${entity}`, 'rows');
    const params = {
      ...(filter ? { filter } : {}),
      order: { id: 'asc' },
      limit: PAGE_LIMIT,
      page: (checkpoint?.page ?? 0) + 1,
    };
    try {
      const list = conn.kommo[entity].list(params as never) as unknown as {
        pages(): AsyncIterable<{ items: Array<Record<string, unknown>>; page: number }>;
      };
      for await (const page of list.pages()) {
        const fresh = page.items.filter(
          (item) => typeof item['id'] === 'number' && item['id'] > lastId,
        );
        if (fresh.length > 0) {
          const text =
            format === 'csv'
              ? stringifyCsv(fresh.map((item) => toCsvRecord(entity, item, fields)))
              : fresh.map((item) => `${JSON.stringify(item)}\n`).join('');
          bytes += await write(text);
          rows += fresh.length;
          lastId = Math.max(lastId, ...fresh.map((item) => item['id'] as number));
        }
        if (checkpointPath && handle) {
          await handle.datasync();
          checkpoint = { entity, format, filter: filterKey, page: page.page, lastId, bytes, rows };
          await writeJsonAtomic(checkpointPath, checkpoint);
        }
        view.update({
          total: undefined,
          done: rows,
          applied: rows,
          failed: 0,
          notSent: 0,
          unknown: 0,
        });
      }
    } finally {
      view.stop();
      await handle?.close();
    }
    if (checkpointPath) await rm(checkpointPath, { force: true });
    ctx.note(`exported ${String(rows)} ${entity}${out ? ` to ${options.out ?? ''}` : ''}`);
    return EXIT.ok;
  } finally {
    await conn.close();
  }
}

async function writeStdout(io: Io, text: string): Promise<void> {
  const stream = io.stdout as NodeJS.WritableStream & { write(s: string): boolean };
  if (!stream.write(text) && typeof stream.once === 'function')
    await new Promise<void>((done) => stream.once('drain', () => done()));
}

/** Registers `kommo export`. */
export function registerExport(program: Command, wrap: Wrap): void {
  const command = program
    .command('export')
    .description(
      'Export leads, contacts or companies as NDJSON (every field, as Kommo returns it) or CSV (one column per field)',
    )
    .argument('<entity>', 'leads, contacts or companies')
    .option(
      '-f, --filter <key=value>',
      "Kommo's list filter, bracket style: pipeline_id=3177727, 'updated_at[from]=1735689600'; repeatable",
      collect,
    )
    .option('--format <format>', 'ndjson or csv (default: from --out, else ndjson)')
    .option(
      '-o, --out <file>',
      'write here (resumable: a checkpoint sits beside it until done) instead of stdout',
    )
    .addHelpText(
      'after',
      `
CSV columns: the entity's own (id, name, price, status_id, …, tags) then cf.<field id> per
custom field (enum fields by label, lists and multitext as JSON). Rows come in id order.

Examples:
  kommo export leads --out leads.ndjson --sandbox
  kommo export leads --filter pipeline_id=3177727 --format csv > leads.csv`,
    );
  addAccountOptions(command);
  command.action(
    wrap((ctx, entity, opts) =>
      runExport(ctx, String(entity), opts as { filter?: string[]; format?: string; out?: string }),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Import.

interface InputRow {
  /** 1-based data row. */
  row: number;
  /** 1-based line of the file where the row starts. */
  line: number;
  /** A CSV record (header → cell) or a parsed NDJSON value. */
  record: unknown;
}

function readRows(
  text: string,
  format: Format,
  file: string,
): { rows: InputRow[]; header?: string[] } {
  if (format === 'ndjson') {
    const rows: InputRow[] = [];
    text.split('\n').forEach((raw, i) => {
      if (raw.trim() === '') return;
      let record: unknown;
      try {
        record = JSON.parse(raw);
      } catch (error) {
        throw new RowError(
          `${file}: row ${String(rows.length + 1)} (line ${String(i + 1)}): not JSON: ${(error as Error).message}`,
        );
      }
      rows.push({ row: rows.length + 1, line: i + 1, record });
    });
    return { rows };
  }
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parseCsv(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
    }) as unknown as Array<{
      record: string[];
      info: { lines: number };
    }>;
  } catch (error) {
    const e = error as { lines?: number; message: string };
    const line = typeof e.lines === 'number' ? e.lines : undefined;
    throw new RowError(
      `${file}: ${line !== undefined ? `row ${String(Math.max(line - 1, 1))} (line ${String(line)})` : 'the CSV'} is malformed: ${e.message}`,
    );
  }
  const head = records[0];
  if (!head) return { rows: [], header: [] };
  const header = head.record.map((h) => h.trim());
  const rows = records.slice(1).map((r, i) => {
    const record: Record<string, string> = Object.create(null) as Record<string, string>;
    header.forEach((column, c) => {
      record[column] = r.record[c] ?? '';
    });
    // csv-parse counts the line where a record ends; a quoted newline spans more.
    return { row: i + 1, line: r.info.lines, record };
  });
  return { rows, header };
}

interface ImportOptions {
  format?: string;
  keyField?: string;
  keyColumn: string;
  chunkSize: number;
  concurrency: number;
  checkpoint?: string;
  report?: string;
  json?: boolean;
  dryRun?: boolean;
}

const TEXT_KEY_TYPES = new Set(['text', 'textarea']);

/** Where a failed row goes in the report. */
interface ReportLine {
  row: number;
  line: number;
  key: string | null;
  status: 'failed' | 'unknown' | 'not_sent';
  message: string;
  errors: Array<{ path: string; code: string; detail: string }>;
}

function outcomeOfResult(result: {
  status: string;
  ref?: unknown;
  errors?: unknown;
  error?: KommoError;
}): RowOutcome {
  const message = result.error?.message ?? '';
  switch (result.status) {
    case 'applied':
      return { status: 'applied', id: (result.ref as { id: number }).id };
    case 'failed':
      return {
        status: 'failed',
        errors:
          (result.errors as Array<{ path: string; code: string; detail: string }> | undefined) ??
          [],
        message,
      };
    case 'not_sent':
      return { status: 'not_sent', message };
    default:
      return { status: 'unknown', message };
  }
}

/** Whether a not-sent chunk means "stop sending" (auth, payment, block), not "other rows failed". */
function stopsTheJob(error: KommoError | undefined): boolean {
  if (error === undefined) return false;
  if (error instanceof KommoApiError) return error.status !== 400 && error.status !== 422;
  return true;
}

async function runImport(
  ctx: CommandContext,
  entityArg: string,
  fileArg: string,
  options: ImportOptions,
): Promise<number> {
  const entity = transferEntity(entityArg);
  const file = resolve(fileArg);
  const format = formatOf(options.format, fileArg, undefined);
  let buffer: Buffer;
  try {
    buffer = await readFile(file);
  } catch (error) {
    throw new UsageError(
      `cannot read ${fileArg} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const fileHash = createHash('sha256').update(buffer).digest('hex');
  let parsed: { rows: InputRow[]; header?: string[] };
  try {
    parsed = readRows(buffer.toString('utf8'), format, fileArg);
  } catch (error) {
    if (error instanceof RowError) throw new CliError(`${error.message}\nnothing was imported`);
    throw error;
  }
  const { rows } = parsed;

  const conn = await ctx.connect();
  try {
    const fields = await fieldsOf(conn.kommo, entity);
    let keyField: FieldDef | undefined;
    if (options.keyField !== undefined) {
      keyField = fields.find(options.keyField);
      if (!keyField)
        throw new UsageError(
          `--key-field ${JSON.stringify(options.keyField)}: no custom field of ${entity} has this id or code`,
        );
      if (!TEXT_KEY_TYPES.has(keyField.type ?? ''))
        throw new UsageError(
          `--key-field ${JSON.stringify(options.keyField)} is a ${keyField.type ?? '?'} field: keys need a text field`,
        );
    }
    const rowCtx: RowContext = { entity, fields, keyField, keyColumn: options.keyColumn };

    // 1. Every row, before anything is sent.
    const bodies: RowBody[] = [];
    const problems: string[] = [];
    try {
      if (parsed.header) checkHeader(rowCtx, parsed.header);
    } catch (error) {
      if (error instanceof RowError)
        throw new CliError(`${fileArg}: ${error.message}\nnothing was imported`);
      throw error;
    }
    for (const r of rows) {
      try {
        bodies.push(
          format === 'csv'
            ? bodyFromCsv(rowCtx, r.record as Record<string, string>)
            : bodyFromJson(rowCtx, r.record),
        );
      } catch (error) {
        if (!(error instanceof RowError)) throw error;
        problems.push(`row ${String(r.row)} (line ${String(r.line)}): ${error.message}`);
        bodies.push({ body: {}, key: undefined });
      }
    }
    if (problems.length === 0)
      problems.push(...(await sdkValidation(conn.kommo, entity, bodies, rows)));
    if (keyField) {
      const seen = new Map<string, number>();
      bodies.forEach((b, i) => {
        if (b.key === undefined) return;
        const first = seen.get(b.key);
        if (first !== undefined)
          problems.push(
            `row ${String(rows[i]?.row)} (line ${String(rows[i]?.line)}): the key ${JSON.stringify(b.key)} repeats row ${String(first)}`,
          );
        else seen.set(b.key, rows[i]?.row ?? i + 1);
      });
    }
    if (problems.length > 0) {
      const shown = problems.slice(0, 20);
      if (problems.length > shown.length)
        shown.push(`… and ${String(problems.length - shown.length)} more`);
      throw new CliError(
        `${fileArg}: ${String(problems.length)} row(s) cannot be imported:\n  ${shown.join('\n  ')}\nnothing was imported`,
      );
    }
    if (options.dryRun) {
      ctx.io.stdout.write(
        `${String(rows.length)} rows of ${fileArg} can be imported into ${entity} (dry run: nothing sent)\n`,
      );
      return EXIT.ok;
    }

    // 2. The job, from its checkpoint.
    const checkpointPath = resolve(options.checkpoint ?? `${file}.checkpoint`);
    const header: JobHeader = {
      type: 'job',
      version: 1,
      entity,
      fileHash,
      rows: rows.length,
      chunkSize: options.chunkSize,
      keyField: keyField?.id ?? null,
      keyColumn: options.keyColumn,
    };
    const { journal, state, resumed } = await Journal.open(checkpointPath, header);
    const reportPath = resolve(options.report ?? `${file}.report.ndjson`);
    const stats: ReconcileStats = { lookups: 0, duplicates: [], usedQuery: false };
    let stopped: string | undefined;
    try {
      const chunkSize = state.header.chunkSize;
      if (resumed && chunkSize !== options.chunkSize)
        ctx.warn(`resuming with the checkpoint's chunk size ${String(chunkSize)}`);
      const outcomes = state.outcomes;
      const view = progressView(ctx.io, `import ${entity}`);
      const progress = (): JobProgress => {
        const p: JobProgress = {
          total: rows.length,
          done: 0,
          applied: 0,
          failed: 0,
          notSent: 0,
          unknown: 0,
        };
        for (const o of outcomes.values()) {
          if (o.status === 'applied') p.applied++;
          else if (o.status === 'failed') p.failed++;
          else if (o.status === 'unknown') p.unknown++;
        }
        p.done = p.applied + p.failed;
        p.notSent = rows.length - p.done - p.unknown;
        return p;
      };

      if (state.finished) {
        ctx.note(
          `${checkpointPath} says this import finished: nothing to do (delete it to import again)`,
        );
      } else {
        // One lookup by key, over the rows' bodies (each carries its key in the key field). It is
        // the SDK batch's `reconcile`: a chunk of unknown outcome in this run (a 5xx, a timeout)
        // is settled by createMany itself, which resends only the absent rows; `settle` below
        // uses it for the rows a killed run left in flight, which no batch knows.
        const reconcile = keyField
          ? keyFieldReconciler<Record<string, unknown>>(
              conn.kommo,
              entity,
              keyField.id,
              (body) => keyOf(body, keyField.id) ?? '',
              stats,
            )
          : undefined;
        const settle = async (unknown: number[]): Promise<number[]> => {
          // Rows of unknown outcome: looked up by key when there is one; else left unknown.
          if (unknown.length === 0) return [];
          if (!reconcile) {
            for (const i of unknown)
              if (!outcomes.has(i))
                outcomes.set(i, {
                  status: 'unknown',
                  message:
                    'the job stopped while this row was being sent; without --key-field it cannot be looked up',
                });
            return [];
          }
          ctx.note(
            `looking up ${String(unknown.length)} row(s) of unknown outcome by ${keyField?.code ?? keyField?.name ?? ''} …`,
          );
          const found = await reconcile(unknown.map((i) => bodies[i]?.body ?? {}));
          const entries: Array<[number, RowOutcome]> = unknown.map((i, k) => {
            const ref = found[k];
            return [
              i,
              ref
                ? { status: 'applied', id: ref.id }
                : { status: 'not_sent', message: 'absent after a lookup by key' },
            ];
          });
          for (const [i, o] of entries) outcomes.set(i, o);
          await journal.append({ type: 'reconciled', outcomes: entries });
          const absent = entries.filter(([, o]) => o.status === 'not_sent').map(([i]) => i);
          ctx.note(
            `  ${String(unknown.length - absent.length)} found, ${String(absent.length)} to send again`,
          );
          return absent;
        };

        if (resumed) {
          const p = progress();
          ctx.note(
            `resuming ${checkpointPath}: ${String(p.done)} rows settled, ${String(state.inFlight.size)} of unknown outcome`,
          );
        }
        await settle([...state.inFlight].sort((a, b) => a - b));
        let nextChunk = state.nextChunk;
        view.update(progress());

        const sendRows = async (pending: number[]): Promise<number[]> => {
          const chunks: number[][] = [];
          for (let s = 0; s < pending.length; s += chunkSize)
            chunks.push(pending.slice(s, s + chunkSize));
          const unknownNow: number[] = [];
          let next = 0;
          const worker = async (): Promise<void> => {
            while (next < chunks.length && stopped === undefined) {
              const chunkRows = chunks[next++] as number[];
              const chunk = nextChunk++;
              await journal.append({ type: 'sent', chunk, rows: chunkRows });
              const settled = await sendChunk(
                conn.kommo,
                entity,
                chunkRows.map((i) => bodies[i]?.body ?? {}),
                reconcile,
              );
              const entries: Array<[number, RowOutcome]> = chunkRows.map((i, k) => [
                i,
                settled.outcomes[k] as RowOutcome,
              ]);
              for (const [i, o] of entries) {
                outcomes.set(i, o);
                if (o.status === 'unknown') unknownNow.push(i);
              }
              await journal.append({ type: 'settled', chunk, outcomes: entries });
              if (settled.stop) stopped ??= settled.stop;
              view.update(progress());
            }
          };
          await Promise.all(
            Array.from({ length: Math.min(options.concurrency, chunks.length) }, () => worker()),
          );
          return unknownNow.sort((a, b) => a - b);
        };

        // Rows never sent or safe to send again (`not_sent`: refused along with another row of
        // their chunk, or absent after a lookup). Rows left unknown by a 5xx or a timeout are
        // looked up by key; the absent ones go round again (three rounds at most).
        let queue = rows
          .map((_, i) => i)
          .filter((i) => {
            const o = outcomes.get(i);
            return o === undefined || o.status === 'not_sent';
          });
        for (let round = 0; round < 3 && queue.length > 0 && stopped === undefined; round++) {
          await settle(await sendRows(queue));
          queue = queue.filter((i) => outcomes.get(i)?.status === 'not_sent');
        }
        view.update(progress());
        view.stop();
        // Finished when no row can change any more: unknown rows stay open while a key field
        // can still resolve them on the next run.
        const end = progress();
        if (stopped === undefined && end.notSent === 0 && (end.unknown === 0 || !reconcile))
          await journal.append({ type: 'finished' });
      }

      // 3. The report.
      const report: ReportLine[] = [];
      rows.forEach((r, i) => {
        const o = outcomes.get(i);
        if (o?.status === 'applied') return;
        report.push({
          row: r.row,
          line: r.line,
          key: bodies[i]?.key ?? null,
          status:
            o === undefined
              ? 'not_sent'
              : o.status === 'failed'
                ? 'failed'
                : o.status === 'unknown'
                  ? 'unknown'
                  : 'not_sent',
          message: o === undefined ? (stopped ?? 'not sent') : 'message' in o ? o.message : '',
          errors:
            o?.status === 'failed'
              ? o.errors.map((e) => ({ path: e.path, code: e.code, detail: e.detail }))
              : [],
        });
      });
      if (report.length > 0)
        await writeFile(reportPath, report.map((l) => `${JSON.stringify(l)}\n`).join(''), {
          mode: 0o600,
        });
      else await rm(reportPath, { force: true });

      const p = progress();
      const summary = {
        entity,
        rows: rows.length,
        applied: p.applied,
        failed: p.failed,
        unknown: p.unknown,
        not_sent: p.notSent,
        resumed,
        lookups: stats.lookups,
        duplicate_keys: stats.duplicates,
        checkpoint: checkpointPath,
        report: report.length > 0 ? reportPath : null,
        ...(stopped ? { stopped } : {}),
      };
      if (options.json) printJson(ctx.io, summary);
      else {
        const out = palette(ctx.io.stdout, ctx.io.env);
        const ok = report.length === 0;
        ctx.io.stdout.write(
          `${ok ? out.green('✓') : out.red('✗')} import ${entity}: ${String(p.applied)} of ${String(rows.length)} applied, ${String(p.failed)} failed, ${String(p.unknown)} unknown, ${String(p.notSent)} not sent${report.length > 0 ? `; report: ${reportPath}` : ''}\n`,
        );
        if (stats.duplicates.length > 0)
          ctx.warn(
            `keys found more than once in the account (written before this job): ${stats.duplicates.slice(0, 10).join(', ')}`,
          );
        if (stopped) ctx.warn(`stopped: ${stopped}; run the same command again to resume`);
      }
      return report.length === 0 ? EXIT.ok : EXIT.failure;
    } finally {
      await journal.close();
    }
  } finally {
    await conn.close();
  }
}

/**
 * The SDK's own checks of every body, with nothing sent: `createMany` validates all items
 * before its first request, and an aborted signal stops it there (fetch never starts).
 */
async function sdkValidation(
  kommo: Kommo,
  entity: TransferEntity,
  bodies: RowBody[],
  rows: InputRow[],
): Promise<string[]> {
  try {
    await createManyOf(kommo, entity)(
      bodies.map((b) => b.body),
      { signal: AbortSignal.abort() },
    );
  } catch (error) {
    if (error instanceof RequestValidationError) {
      return error.issues.slice(0, 50).map((issue) => {
        const index = typeof issue.path[0] === 'number' ? issue.path[0] : -1;
        const r = rows[index];
        const where = r ? `row ${String(r.row)} (line ${String(r.line)})` : 'a row';
        return `${where}: ${issue.path.slice(1).join('.') || '(row)'}: ${issue.message}`;
      });
    }
    if (error instanceof BatchError || (isKommoError(error) && error.code === 'aborted')) return [];
    throw error;
  }
  return [];
}

/** The batch options an import passes: `reconcile` answers with the refs it found by key. */
type ImportBatchOptions = BatchOptions<Record<string, unknown>, { id: number }>;

/** `kommo[entity].createMany`, bound: the three resources take the same batch options. */
function createManyOf(
  kommo: Kommo,
  entity: TransferEntity,
): (
  items: Array<Record<string, unknown>>,
  options: ImportBatchOptions,
) => Promise<Array<{ id: number }>> {
  const resource = kommo[entity] as unknown as {
    createMany(
      items: Array<Record<string, unknown>>,
      options: ImportBatchOptions,
    ): Promise<Array<{ id: number }>>;
  };
  return (items, options) => resource.createMany(items, options);
}

/** Sends one chunk as one request and gives each row's outcome. */
async function sendChunk(
  kommo: Kommo,
  entity: TransferEntity,
  items: Array<Record<string, unknown>>,
  reconcile: Reconcile<Record<string, unknown>> | undefined,
): Promise<{ outcomes: RowOutcome[]; stop?: string }> {
  const createMany = createManyOf(kommo, entity);
  try {
    const refs = await createMany(items, {
      chunkSize: items.length,
      concurrency: 1,
      ...(reconcile ? { reconcile } : {}),
    });
    return { outcomes: refs.map((ref) => ({ status: 'applied', id: ref.id })) };
  } catch (error) {
    if (error instanceof BatchError) {
      const outcomes = error.results.map((r) => outcomeOfResult(r));
      const refusal = error.results.find((r) => r.status === 'not_sent' && stopsTheJob(r.error));
      return refusal
        ? { outcomes, stop: refusal.error?.message ?? 'Kommo refused the request' }
        : { outcomes };
    }
    if (isKommoError(error))
      return {
        outcomes: items.map(() => ({ status: 'not_sent', message: error.message })),
        stop: error.message,
      };
    throw error;
  }
}

/** Registers `kommo import`. */
export function registerImport(program: Command, wrap: Wrap): void {
  const command = program
    .command('import')
    .description(
      'Create leads, contacts or companies from a CSV or NDJSON file (as export writes them); resumable',
    )
    .argument('<entity>', 'leads, contacts or companies')
    .argument('<file>', 'a .csv or .ndjson file')
    .option('--format <format>', 'csv or ndjson (default: from the extension)')
    .option(
      '--key-field <field>',
      "a text custom field (code or id) that receives each row's key, so a resumed job can tell which rows arrived",
    )
    .option('--key-column <column>', 'the column holding the key', 'id')
    .option('--chunk-size <n>', 'rows per request', positiveInt('chunk-size', 250), 50)
    .option(
      '--concurrency <n>',
      'requests in flight (the SDK still paces them)',
      positiveInt('concurrency', 10),
      2,
    )
    .option('--checkpoint <file>', 'the checkpoint journal (default: <file>.checkpoint)')
    .option('--report <file>', 'the report of rows not imported (default: <file>.report.ndjson)')
    .option('--dry-run', 'check every row, send nothing')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Every row is checked before anything is sent: a bad row (malformed CSV, unknown column,
invalid value) stops the import with the row and line named, and nothing is written.
The checkpoint is written before each chunk is sent and after it settles. Run the same
command again after an interruption: rows already settled are skipped, rows whose outcome is
unknown are looked up by --key-field and only the absent ones are sent again (without a key
field they are reported as unknown, not guessed). Rows Kommo refused go to the report with
Kommo's validation errors. Exit code 1 when any row is not applied.

Example:
  kommo export leads --out leads.csv --sandbox
  kommo import leads leads.csv --key-field EXTERNAL_ID --base-url http://127.0.0.1:4010 --token-file token.txt`,
    );
  addAccountOptions(command);
  command.action(
    wrap((ctx, entity, file, opts) =>
      runImport(ctx, String(entity), String(file), opts as ImportOptions),
    ),
  );
}
