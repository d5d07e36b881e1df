/**
 * Talks: one conversation episode of a chat (`/api/v4/talks`), as Kommo opens one when a
 * client writes and closes it when a manager is done. One table per {@link Store}, so
 * `sandbox.reset()` (a new store) starts without talks.
 *
 * @module
 */

import type { Store } from '../state.js';

/** A talk, in Kommo's field names (note `talk_id`, not `id`). */
export interface SandboxTalk {
  talk_id: number;
  created_at: number;
  updated_at: number;
  /** The NPS score, 0 when none. */
  rate: number;
  contact_id: number;
  /** The amojo chat id. */
  chat_id: string;
  entity_id: number | null;
  entity_type: 'lead' | 'customer' | null;
  is_in_work: boolean;
  is_read: boolean;
  /** The channel, e.g. `telegram` or a custom channel's code. */
  origin: string;
  missed_at: number | null;
  account_id: number;
}

/** What opening a talk needs. */
export interface SandboxTalkInit {
  contact_id: number;
  chat_id: string;
  entity_id: number | null;
  entity_type: 'lead' | 'customer' | null;
  origin: string;
  now: number;
}

/** The talks of one store. */
export class TalkTable {
  readonly #rows = new Map<number, SandboxTalk>();

  constructor(private readonly store: Store) {}

  /** Opens a talk. */
  open(init: SandboxTalkInit): SandboxTalk {
    const talk: SandboxTalk = {
      talk_id: this.store.nextId('talk', 1),
      created_at: init.now,
      updated_at: init.now,
      rate: 0,
      contact_id: init.contact_id,
      chat_id: init.chat_id,
      entity_id: init.entity_id,
      entity_type: init.entity_type,
      is_in_work: true,
      is_read: false,
      origin: init.origin,
      missed_at: null,
      account_id: this.store.account.id,
    };
    this.#rows.set(talk.talk_id, talk);
    return talk;
  }

  get(id: number): SandboxTalk | undefined {
    return this.#rows.get(id);
  }

  /** The talk of a chat still in work, if any. */
  openFor(chatId: string): SandboxTalk | undefined {
    for (const talk of this.#rows.values())
      if (talk.chat_id === chatId && talk.is_in_work) return talk;
    return undefined;
  }

  /** Talks matching a predicate, oldest first. */
  filter(predicate: (talk: SandboxTalk) => boolean): SandboxTalk[] {
    return [...this.#rows.values()].filter(predicate);
  }

  /** Marks a talk read or unread (a manager opened the chat, a client wrote again). */
  touch(talk: SandboxTalk, now: number, read: boolean): void {
    talk.updated_at = now;
    talk.is_read = read;
  }

  /** Closes a talk (`POST /api/v4/talks/{id}/close`). */
  close(talk: SandboxTalk, now: number): void {
    talk.is_in_work = false;
    talk.updated_at = now;
  }

  get size(): number {
    return this.#rows.size;
  }
}

const tables = new WeakMap<Store, TalkTable>();

/** The talk table of a store (created on first use). */
export function talksOf(store: Store): TalkTable {
  let table = tables.get(store);
  if (!table) {
    table = new TalkTable(store);
    tables.set(store, table);
  }
  return table;
}
