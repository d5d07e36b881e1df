/**
 * The checkpoint of an import: an append-only journal of JSON lines, flushed to disk before
 * each chunk is sent and after it settles. A crash (even `kill -9`) leaves every line written
 * so far; a torn last line is ignored. Replaying it tells each row's state:
 *
 * - no line: never sent;
 * - `sent` without `settled`: in flight when the job stopped, outcome unknown;
 * - `settled`: applied (with the new id), failed (with Kommo's errors), not sent, or unknown.
 *
 * @module
 */

import { open, readFile, type FileHandle } from 'node:fs/promises';
import type { KommoFieldError } from 'kommo-sdk';
import { CliError } from '../io.js';

/** What identifies a job: a checkpoint of another job is refused. */
export interface JobHeader {
  type: 'job';
  version: 1;
  entity: string;
  /** The input file's SHA-256: an edited file is another job. */
  fileHash: string;
  rows: number;
  chunkSize: number;
  /** The key field's id, or null without keys. */
  keyField: number | null;
  keyColumn: string;
}

/** A row's settled outcome. */
export type RowOutcome =
  | { status: 'applied'; id: number }
  | { status: 'failed'; errors: KommoFieldError[]; message: string }
  | { status: 'not_sent'; message: string }
  | { status: 'unknown'; message: string };

type Entry =
  | JobHeader
  | { type: 'sent'; chunk: number; rows: number[] }
  | { type: 'settled'; chunk: number; outcomes: Array<[number, RowOutcome]> }
  | { type: 'reconciled'; outcomes: Array<[number, RowOutcome]> }
  | { type: 'finished' };

/** The state of a job as replayed from its journal. */
export interface JobState {
  header: JobHeader;
  /** Settled outcomes by row. */
  outcomes: Map<number, RowOutcome>;
  /** Rows sent in a chunk that never settled (the job stopped): outcome unknown. */
  inFlight: Set<number>;
  /** The next free chunk number. */
  nextChunk: number;
  finished: boolean;
}

function sameJob(a: JobHeader, b: JobHeader): boolean {
  return (
    a.entity === b.entity &&
    a.fileHash === b.fileHash &&
    a.rows === b.rows &&
    a.keyField === b.keyField &&
    a.keyColumn === b.keyColumn
  );
}

/** An open journal: append entries, each flushed to disk before the call resolves. */
export class Journal {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /**
   * Opens the journal at `path` for `header`: replays it when it exists (and belongs to the
   * same job), else starts it.
   *
   * @throws {@link CliError} when the checkpoint belongs to another job.
   */
  static async open(
    path: string,
    header: JobHeader,
  ): Promise<{ journal: Journal; state: JobState; resumed: boolean }> {
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const state: JobState = {
      header,
      outcomes: new Map(),
      inFlight: new Set(),
      nextChunk: 0,
      finished: false,
    };
    let resumed = false;
    if (text !== undefined && text.trim() !== '') {
      const entries = parse(text);
      const first = entries[0];
      if (first?.type !== 'job' || !sameJob(first, header))
        throw new CliError(
          `the checkpoint ${path} belongs to another import (other file, entity or key field): delete it to start over`,
        );
      state.header = first;
      replay(entries, state);
      resumed = true;
    }
    const handle = await open(path, 'a', 0o600);
    const journal = new Journal(path, handle);
    if (!resumed) await journal.append(header);
    return { journal, state, resumed };
  }

  /** Appends one entry and flushes it to disk. */
  async append(entry: Entry): Promise<void> {
    await this.handle.write(`${JSON.stringify(entry)}\n`);
    await this.handle.datasync();
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.handle.close();
  }
}

function parse(text: string): Entry[] {
  const entries: Entry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as Entry);
    } catch {
      // Only the last line can be torn (the process died while writing it): that entry never
      // happened. Anything else is a damaged file.
      if (lines.slice(i + 1).some((l) => l.trim() !== ''))
        throw new CliError(
          `the checkpoint is damaged at line ${String(i + 1)}: delete it to start over`,
        );
    }
  }
  return entries;
}

function replay(entries: readonly Entry[], state: JobState): void {
  const open = new Map<number, number[]>();
  for (const entry of entries) {
    switch (entry.type) {
      case 'sent':
        open.set(entry.chunk, entry.rows);
        state.nextChunk = Math.max(state.nextChunk, entry.chunk + 1);
        for (const row of entry.rows) state.outcomes.delete(row);
        break;
      case 'settled':
        open.delete(entry.chunk);
        for (const [row, outcome] of entry.outcomes) state.outcomes.set(row, outcome);
        break;
      case 'reconciled':
        for (const [row, outcome] of entry.outcomes) state.outcomes.set(row, outcome);
        break;
      case 'finished':
        state.finished = true;
        break;
      default:
        break;
    }
  }
  for (const rows of open.values())
    for (const row of rows) if (!state.outcomes.has(row)) state.inFlight.add(row);
}
