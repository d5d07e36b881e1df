/**
 * The durable inbox of chats hooks: amojo sends each hook once and never retries, so the
 * handler acknowledges a hook only after it is stored here, then processes it, retries failed
 * processing, and recovers what a crash left behind.
 *
 * @module
 */

/** One stored hook. */
export interface ChatInboxEntry {
  /** The dedupe key: `message:<account>:<message id>`, or a digest of the body. */
  key: string;
  /** The verified raw body (JSON text). */
  body: string;
  /** When it was received, in ms since the epoch. */
  receivedAt: number;
  /** Processing attempts made so far. */
  attempts: number;
  /** When the next attempt is due (ms); absent for a fresh entry. */
  nextAttemptAt?: number;
  /** The last processing error (its message). */
  lastError?: string;
  /** The media group the hook belongs to (account, chat and `media_group_id`). */
  groupId?: string;
}

/** Whether a stored value is a well-formed entry (what inboxes read back from storage). @internal */
export function isChatInboxEntry(value: unknown): value is ChatInboxEntry {
  const e = value as Partial<ChatInboxEntry> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.key === 'string' &&
    typeof e.body === 'string' &&
    typeof e.receivedAt === 'number' &&
    typeof e.attempts === 'number'
  );
}

/** How an entry ended: processed, or given up after the last attempt. */
export type ChatInboxOutcome = 'done' | 'failed';

/**
 * Where hooks wait to be processed. `add` must have stored the entry durably when it resolves
 * (the handler answers 200 right after), and must refuse a key it already holds (pending or
 * completed within its retention), atomically: that is the dedupe. Implementations:
 * {@link MemoryChatInbox}, `FileChatInbox` (`kommo-sdk/chats/file-inbox`), `RedisChatInbox`
 * (`kommo-sdk/redis`).
 */
export interface ChatInbox {
  /** Stores a new entry; resolves `false` when the key is already known (a duplicate). */
  add(entry: ChatInboxEntry): Promise<boolean>;
  /** Entries neither done nor failed, oldest first: what a restart must process. */
  pending(): Promise<ChatInboxEntry[]>;
  /** Saves an entry's attempt count, next attempt and last error. */
  update(entry: ChatInboxEntry): Promise<void>;
  /** Marks an entry done or failed; its key is remembered for dedupe. */
  complete(key: string, outcome: ChatInboxOutcome): Promise<void>;
  /**
   * Takes an entry for processing for `ttlMs`; resolves `false` when another process holds
   * it. Only inboxes shared by several processes need it.
   */
  claim?(key: string, ttlMs: number): Promise<boolean>;
}

/** Options of {@link MemoryChatInbox}. */
export interface MemoryChatInboxOptions {
  /**
   * How long a completed key is remembered for dedupe, in ms.
   *
   * @defaultValue `86_400_000` (24 hours)
   */
  retentionMs?: number;
  /**
   * Most completed keys kept; the oldest go first.
   *
   * @defaultValue `10_000`
   */
  maxCompleted?: number;
  /** The clock, in ms. @defaultValue `Date.now` */
  now?: () => number;
}

/**
 * An in-process {@link ChatInbox}: retries and dedupe within one process, nothing survives a
 * restart. The default of `createChatsHandler`; use `FileChatInbox` or `RedisChatInbox` when
 * a crash must not lose a hook.
 */
export class MemoryChatInbox implements ChatInbox {
  readonly #pending = new Map<string, ChatInboxEntry>();
  /** Completed keys and when they expire, oldest first. */
  readonly #completed = new Map<string, number>();
  readonly #retentionMs: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: MemoryChatInboxOptions = {}) {
    this.#retentionMs = options.retentionMs ?? 86_400_000;
    this.#max = options.maxCompleted ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** {@inheritDoc ChatInbox.add} */
  add(entry: ChatInboxEntry): Promise<boolean> {
    const expiry = this.#completed.get(entry.key);
    if (expiry !== undefined && expiry <= this.#now()) this.#completed.delete(entry.key);
    if (this.#pending.has(entry.key) || this.#completed.has(entry.key))
      return Promise.resolve(false);
    this.#pending.set(entry.key, { ...entry });
    return Promise.resolve(true);
  }

  /** {@inheritDoc ChatInbox.pending} */
  pending(): Promise<ChatInboxEntry[]> {
    return Promise.resolve(
      [...this.#pending.values()]
        .map((e) => ({ ...e }))
        .sort((a, b) => a.receivedAt - b.receivedAt),
    );
  }

  /** {@inheritDoc ChatInbox.update} */
  update(entry: ChatInboxEntry): Promise<void> {
    if (this.#pending.has(entry.key)) this.#pending.set(entry.key, { ...entry });
    return Promise.resolve();
  }

  /** {@inheritDoc ChatInbox.complete} */
  complete(key: string): Promise<void> {
    this.#pending.delete(key);
    this.#completed.delete(key);
    this.#completed.set(key, this.#now() + this.#retentionMs);
    while (this.#completed.size > this.#max) {
      const oldest = this.#completed.keys().next().value;
      if (oldest === undefined) break;
      this.#completed.delete(oldest);
    }
    return Promise.resolve();
  }
}
