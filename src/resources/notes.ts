/**
 * `kommo.notes`: notes of leads, contacts, companies and customers (entity-scoped paths).
 *
 * @see https://developers.kommo.com/reference/notes-list
 * @module
 */

import { z } from 'zod';
import {
  refRequestIds,
  runBatch,
  sendWrite,
  sendWriteOne,
  type BatchOptions,
} from '../core/batch.js';
import type { RequestOptions } from '../core/options.js';
import { getOne, listPages, type ListOptions, type PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { joinWith, parseInput } from '../schemas/common.js';
import {
  NoteCollectionSchema,
  NoteCreateItemSchema,
  NoteCreateParamsSchema,
  NoteEntityTypeSchema,
  NoteListForParamsSchema,
  NoteListParamsSchema,
  NoteRefSchema,
  NoteSchema,
  NoteUpdateItemSchema,
  NoteUpdateParamsSchema,
  type Note,
  type NoteCreateItem,
  type NoteCreateParams,
  type NoteEntityType,
  type NoteListForParams,
  type NoteListParams,
  type NoteRef,
  type NoteUpdateItem,
  type NoteUpdateParams,
} from '../schemas/note.js';
import { APIResource } from './resource.js';

function entityType(value: NoteEntityType): NoteEntityType {
  return parseInput(NoteEntityTypeSchema, value, 'note entity type');
}

/**
 * Notes (the feed of a lead, contact, company or customer): text, calls, SMS, service
 * messages, geolocation, attachments…
 *
 * @example
 * ```ts
 * await kommo.notes.create('leads', 42, { note_type: 'common', params: { text: 'Chat history:\n…' } });
 * await kommo.notes.create('contacts', 7, {
 *   note_type: 'call_in',
 *   params: { uniq: 'pbx-1', duration: 148, source: 'onlinePBX', phone: '+15550100', call_status: 4 },
 * });
 * ```
 * @see https://developers.kommo.com/reference/notes-list
 */
export class Notes extends APIResource {
  /** Lists the notes of every entity of a type (filter by `entity_id`, `note_type`…). */
  list(type: NoteEntityType, params?: NoteListParams, options?: ListOptions): PagePromise<Note> {
    return listPages<Note>(
      this._client,
      () => {
        const e = entityType(type);
        const p = parseInput(NoteListParamsSchema, params ?? {}, 'note list params');
        return {
          path: path`/api/v4/${e}/notes`,
          query: { with: joinWith(p.with), filter: p.filter, order: p.order },
          key: 'notes',
          schema: NoteCollectionSchema,
          what: 'notes',
          page: p.page,
          limit: p.limit,
        };
      },
      options,
    );
  }

  /** Lists the notes of one entity. */
  listFor(
    type: NoteEntityType,
    entityId: number,
    params?: NoteListForParams,
    options?: ListOptions,
  ): PagePromise<Note> {
    return listPages<Note>(
      this._client,
      () => {
        const e = entityType(type);
        const p = parseInput(NoteListForParamsSchema, params ?? {}, 'note list params');
        return {
          path: path`/api/v4/${e}/${entityId}/notes`,
          query: { with: joinWith(p.with), filter: p.filter, order: p.order },
          key: 'notes',
          schema: NoteCollectionSchema,
          what: 'notes',
          page: p.page,
          limit: p.limit,
        };
      },
      options,
    );
  }

  /**
   * Reads one note.
   *
   * @throws {@link NotFoundError} for an unknown note.
   */
  async get(type: NoteEntityType, noteId: number, options?: RequestOptions): Promise<Note> {
    const e = entityType(type);
    return getOne(
      this._client,
      { path: path`/api/v4/${e}/notes/${noteId}` },
      NoteSchema,
      `note ${noteId}`,
      options,
    );
  }

  /** Adds a note to one entity. */
  async create(
    type: NoteEntityType,
    entityId: number,
    note: NoteCreateParams,
    options?: RequestOptions,
  ): Promise<NoteRef> {
    const e = entityType(type);
    const route = path`/api/v4/${e}/${entityId}/notes`;
    const body = parseInput(NoteCreateParamsSchema, note, 'note');
    return sendWriteOne(
      this._client,
      { method: 'POST', path: route, body: [body] },
      'notes',
      NoteRefSchema,
      'note',
      options,
    );
  }

  /**
   * Adds any number of notes, each with its `entity_id`, in chunks; refs come back in input order.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async createMany(
    type: NoteEntityType,
    notes: readonly NoteCreateItem[],
    options?: BatchOptions,
  ): Promise<NoteRef[]> {
    const e = entityType(type);
    const bodies = parseInput(z.array(NoteCreateItemSchema), notes, 'notes');
    const route = path`/api/v4/${e}/notes`;
    return runBatch(
      bodies,
      {
        maxChunkSize: 250,
        what: 'notes',
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'POST', path: route, body: chunk },
            'notes',
            NoteRefSchema,
            'notes',
            opts,
          ),
      },
      options,
    );
  }

  /** Changes one note of an entity with exactly the fields you pass. */
  async update(
    type: NoteEntityType,
    entityId: number,
    noteId: number,
    params: NoteUpdateParams,
    options?: RequestOptions,
  ): Promise<NoteRef> {
    const e = entityType(type);
    const route = path`/api/v4/${e}/${entityId}/notes/${noteId}`;
    const body = parseInput(NoteUpdateParamsSchema, params, 'note update');
    return sendWriteOne(
      this._client,
      { method: 'PATCH', path: route, body },
      'notes',
      NoteRefSchema,
      'note',
      options,
    );
  }

  /**
   * Changes any number of notes (each with its `id`) in chunks.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async updateMany(
    type: NoteEntityType,
    items: readonly NoteUpdateItem[],
    options?: BatchOptions,
  ): Promise<NoteRef[]> {
    const e = entityType(type);
    const bodies = parseInput(z.array(NoteUpdateItemSchema), items, 'note updates');
    const route = path`/api/v4/${e}/notes`;
    return runBatch(
      bodies,
      {
        maxChunkSize: 250,
        what: 'notes',
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'PATCH', path: route, body: chunk },
            'notes',
            NoteRefSchema,
            'notes',
            opts,
          ),
      },
      options,
    );
  }
}
