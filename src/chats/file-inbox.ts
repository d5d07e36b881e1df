/**
 * `kommo-sdk/chats/file-inbox`: a {@link ChatInbox} in a local append-only file, so hooks
 * acknowledged before a crash are processed after the restart. Needs `node:fs` (Node, Bun,
 * Deno), which is why it is not part of the Web-only `kommo-sdk/chats`.
 *
 * @module
 */

import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  isChatInboxEntry,
  type ChatInbox,
  type ChatInboxEntry,
  type ChatInboxOutcome,
} from './inbox.js';

/** Options of {@link FileChatInbox}. */
export interface FileChatInboxOptions {
  /**
   * How long a completed key is remembered for dedupe, in ms.
   *
   * @defaultValue `86_400_000` (24 hours)
   */
  retentionMs?: number;
  /**
   * Rewrite the file (dropping what is finished and expired) after this many appended records.
   *
   * @defaultValue 1000
   */
  compactAfter?: number;
  /** The clock, in ms. @defaultValue `Date.now` */
  now?: () => number;
}

type LogRecord =
  | { op: 'add' | 'update'; entry: ChatInboxEntry }
  | { op: 'complete'; key: string; outcome: ChatInboxOutcome; at: number };

interface State {
  pending: Map<string, ChatInboxEntry>;
  /** Completed keys and when they completed, oldest first. */
  completed: Map<string, number>;
  /** Given-up entries, kept for inspection until they expire. */
  failed: Map<string, ChatInboxEntry & { failedAt: number }>;
}

/**
 * A {@link ChatInbox} in one append-only JSON-lines file: every `add`, `update` and `complete`
 * is appended and flushed to disk (`fdatasync`) before it resolves, so a hook acknowledged to
 * Kommo survives a crash or a `kill -9`; the file is replayed when first used (a half-written
 * last line from a crash is ignored) and compacted now and then. One process per file: for
 * several receivers share a `RedisChatInbox` (`kommo-sdk/redis`).
 *
 * @example
 * ```ts
 * import { createChatsHandler } from 'kommo-sdk/chats';
 * import { FileChatInbox } from 'kommo-sdk/chats/file-inbox';
 *
 * const handler = createChatsHandler({
 *   secret: process.env.KOMMO_CHANNEL_SECRET!,
 *   inbox: new FileChatInbox('./data/chats-inbox.jsonl'),
 *   on: { message: (event) => forward(event) },
 * });
 * ```
 */
export class FileChatInbox implements ChatInbox {
  /** The file. */
  readonly path: string;
  readonly #retentionMs: number;
  readonly #compactAfter: number;
  readonly #now: () => number;
  #state: Promise<State> | undefined;
  #handle: FileHandle | undefined;
  #appended = 0;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string, options: FileChatInboxOptions = {}) {
    this.path = path;
    this.#retentionMs = options.retentionMs ?? 86_400_000;
    this.#compactAfter = options.compactAfter ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  // Operations run one at a time: the file is the single source of truth.
  #serial<T>(fn: (state: State) => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => fn(await this.#load()));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #load(): Promise<State> {
    this.#state ??= this.#replay();
    return this.#state;
  }

  async #replay(): Promise<State> {
    const state: State = { pending: new Map(), completed: new Map(), failed: new Map() };
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let record: LogRecord;
      try {
        record = JSON.parse(line) as LogRecord;
      } catch {
        continue; // a line torn by a crash while it was written
      }
      this.#apply(state, record);
    }
    this.#expire(state);
    return state;
  }

  #apply(state: State, record: LogRecord): void {
    if ((record.op === 'add' || record.op === 'update') && isChatInboxEntry(record.entry)) {
      if (record.op === 'add' || state.pending.has(record.entry.key))
        state.pending.set(record.entry.key, record.entry);
    } else if (record.op === 'complete' && typeof record.key === 'string') {
      const entry = state.pending.get(record.key);
      state.pending.delete(record.key);
      state.completed.delete(record.key);
      state.completed.set(record.key, record.at);
      if (record.outcome === 'failed' && entry)
        state.failed.set(record.key, { ...entry, failedAt: record.at });
    }
  }

  #expire(state: State): void {
    const cutoff = this.#now() - this.#retentionMs;
    for (const [key, at] of state.completed) {
      if (at > cutoff) break;
      state.completed.delete(key);
    }
    for (const [key, entry] of state.failed) if (entry.failedAt <= cutoff) state.failed.delete(key);
  }

  async #append(state: State, record: LogRecord): Promise<void> {
    if (!this.#handle) {
      await mkdir(dirname(this.path), { recursive: true });
      this.#handle = await open(this.path, 'a', 0o600);
    }
    await this.#handle.write(`${JSON.stringify(record)}\n`);
    await this.#handle.datasync();
    this.#apply(state, record);
    if (++this.#appended >= this.#compactAfter) await this.#compact(state);
  }

  async #compact(state: State): Promise<void> {
    this.#expire(state);
    const lines: string[] = [];
    // Completed keys first (they only matter for dedupe), then what is still to do.
    for (const [key, entry] of state.failed) {
      const { failedAt, ...rest } = entry;
      lines.push(JSON.stringify({ op: 'add', entry: rest }));
      lines.push(JSON.stringify({ op: 'complete', key, outcome: 'failed', at: failedAt }));
    }
    for (const [key, at] of state.completed) {
      if (!state.failed.has(key))
        lines.push(JSON.stringify({ op: 'complete', key, outcome: 'done', at }));
    }
    for (const entry of state.pending.values()) lines.push(JSON.stringify({ op: 'add', entry }));
    const tmp = join(dirname(this.path), `.${basename(this.path)}.${process.pid}.tmp`);
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(lines.length > 0 ? `${lines.join('\n')}\n` : '');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await this.#handle?.close();
    this.#handle = undefined;
    try {
      await rename(tmp, this.path);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    this.#appended = 0;
  }

  /** Stores a new entry (flushed to disk before it resolves); `false` when the key is already known. */
  add(entry: ChatInboxEntry): Promise<boolean> {
    return this.#serial(async (state) => {
      this.#expire(state);
      if (state.pending.has(entry.key) || state.completed.has(entry.key)) return false;
      await this.#append(state, { op: 'add', entry: { ...entry } });
      return true;
    });
  }

  /** Entries neither done nor failed, oldest first. */
  pending(): Promise<ChatInboxEntry[]> {
    return this.#serial((state) =>
      Promise.resolve(
        [...state.pending.values()]
          .map((e) => ({ ...e }))
          .sort((a, b) => a.receivedAt - b.receivedAt),
      ),
    );
  }

  /** Entries given up after their last attempt (kept for `retentionMs`), oldest first. */
  failed(): Promise<ChatInboxEntry[]> {
    return this.#serial((state) =>
      Promise.resolve(
        [...state.failed.values()].map((failed) => {
          const entry: ChatInboxEntry & { failedAt?: number } = { ...failed };
          delete entry.failedAt;
          return entry;
        }),
      ),
    );
  }

  /** Saves an entry's attempt count, next attempt and last error. */
  update(entry: ChatInboxEntry): Promise<void> {
    return this.#serial(async (state) => {
      if (state.pending.has(entry.key))
        await this.#append(state, { op: 'update', entry: { ...entry } });
    });
  }

  /** Marks an entry done or failed; its key is remembered for `retentionMs`. */
  complete(key: string, outcome: ChatInboxOutcome): Promise<void> {
    return this.#serial(async (state) => {
      if (!state.pending.has(key) && state.completed.has(key)) return;
      await this.#append(state, { op: 'complete', key, outcome, at: this.#now() });
    });
  }

  /** Closes the file (the next call opens it again). */
  close(): Promise<void> {
    return this.#serial(async () => {
      await this.#handle?.close();
      this.#handle = undefined;
    });
  }
}
