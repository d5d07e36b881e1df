/**
 * `kommo.notes`: notes of leads, contacts, companies and customers (entity-scoped paths).
 *
 * @see https://developers.kommo.com/reference/notes-list
 * @module
 */

import type { BatchOptions } from '../core/batch.js';
import type { RequestOptions } from '../core/options.js';
import type { ListOptions, PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { lazy } from '../core/schema.js';
import { parseInput } from '../schemas/common.js';
import * as noteSchemas from '../schemas/note.js';
import {
  NoteEntityTypeSchema,
  NoteListForParamsSchema,
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
import { APIResource, named, route } from './resource.js';

/** `/api/v4/{type}/notes` (every entity's) and `/api/v4/{type}/{id}/notes` (one entity's). */
const notes = route({
  key: 'notes',
  names: ['note', 'notes'],
  schemas: lazy(() => named(noteSchemas, 'Note')),
});

/** One entity's notes take the same params but `entity_id`. */
const notesOf = route({
  key: 'notes',
  names: ['note', 'notes'],
  schemas: lazy(() => ({ ...named(noteSchemas, 'Note'), list: NoteListForParamsSchema })),
});

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
  /** Every note of one entity type: `/api/v4/{type}/notes`. */
  #all(type: NoteEntityType) {
    return notes.on(this._client, () => path`/api/v4/${entityType(type)}/notes`);
  }

  /** The notes of one entity: `/api/v4/{type}/{id}/notes`. */
  #of(type: NoteEntityType, entityId: number) {
    return notes.on(this._client, () => path`/api/v4/${entityType(type)}/${entityId}/notes`);
  }

  /** Lists the notes of every entity of a type (filter by `entity_id`, `note_type`…). */
  list(type: NoteEntityType, params?: NoteListParams, options?: ListOptions): PagePromise<Note> {
    return this.#all(type).list(params, options);
  }

  /** Lists the notes of one entity. */
  listFor(
    type: NoteEntityType,
    entityId: number,
    params?: NoteListForParams,
    options?: ListOptions,
  ): PagePromise<Note> {
    const at = notesOf.on(this._client, () => path`/api/v4/${entityType(type)}/${entityId}/notes`);
    return at.list(params, options);
  }

  /**
   * Reads one note.
   *
   * @throws {@link NotFoundError} for an unknown note.
   */
  get(type: NoteEntityType, noteId: number, options?: RequestOptions): Promise<Note> {
    return this.#all(type).get(noteId, undefined, options);
  }

  /** Adds a note to one entity. */
  create(
    type: NoteEntityType,
    entityId: number,
    note: NoteCreateParams,
    options?: RequestOptions,
  ): Promise<NoteRef> {
    return this.#of(type, entityId).create(note, options);
  }

  /**
   * Adds any number of notes, each with its `entity_id`, in chunks; refs come back in input order.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  createMany(
    type: NoteEntityType,
    notes: readonly NoteCreateItem[],
    options?: BatchOptions,
  ): Promise<NoteRef[]> {
    return this.#all(type).createMany(notes, options);
  }

  /** Changes one note of an entity with exactly the fields you pass. */
  update(
    type: NoteEntityType,
    entityId: number,
    noteId: number,
    params: NoteUpdateParams,
    options?: RequestOptions,
  ): Promise<NoteRef> {
    return this.#of(type, entityId).update(noteId, params, options);
  }

  /**
   * Changes any number of notes (each with its `id`) in chunks.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  updateMany(
    type: NoteEntityType,
    items: readonly NoteUpdateItem[],
    options?: BatchOptions,
  ): Promise<NoteRef[]> {
    return this.#all(type).updateMany(items, options);
  }
}
