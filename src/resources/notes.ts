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
import { parseInput } from '../core/schema.js';
import type * as s from '../schemas/note.js';
import { APIResource, route } from './resource.js';

const load = () => import('../schemas/note.js');

/** `/api/v4/{type}/notes` (every entity's) and `/api/v4/{type}/{id}/notes` (one entity's). */
const notes = route({
  key: 'notes',
  names: ['note', 'notes'],
  schemas: () => load().then((m) => m.noteRouteSchemas()),
});

/** One entity's notes take the same params but `entity_id`. */
const notesOf = route({
  key: 'notes',
  names: ['note', 'notes'],
  schemas: () => load().then((m) => ({ ...m.noteRouteSchemas(), list: m.NoteListForParamsSchema })),
});

/** The entity type of a path, checked. */
function entityType(schemas: { entityType: typeof s.NoteEntityTypeSchema }, value: unknown) {
  return parseInput(schemas.entityType, value, 'note entity type');
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
  #all(type: s.NoteEntityType) {
    return notes.on(this._client, (sc) => path`/api/v4/${entityType(sc, type)}/notes`);
  }

  /** The notes of one entity: `/api/v4/{type}/{id}/notes`. */
  #of(type: s.NoteEntityType, entityId: number) {
    return notes.on(this._client, (sc) => path`/api/v4/${entityType(sc, type)}/${entityId}/notes`);
  }

  /** Lists the notes of every entity of a type (filter by `entity_id`, `note_type`…). */
  list(
    type: s.NoteEntityType,
    params?: s.NoteListParams,
    options?: ListOptions,
  ): PagePromise<s.Note> {
    return this.#all(type).list(params, options);
  }

  /** Lists the notes of one entity. */
  listFor(
    type: s.NoteEntityType,
    entityId: number,
    params?: s.NoteListForParams,
    options?: ListOptions,
  ): PagePromise<s.Note> {
    const at = notesOf.on(
      this._client,
      (sc) => path`/api/v4/${entityType(sc, type)}/${entityId}/notes`,
    );
    return at.list(params, options);
  }

  /**
   * Reads one note.
   *
   * @throws {@link NotFoundError} for an unknown note.
   */
  get(type: s.NoteEntityType, noteId: number, options?: RequestOptions): Promise<s.Note> {
    return this.#all(type).get(noteId, undefined, options);
  }

  /** Adds a note to one entity. */
  create(
    type: s.NoteEntityType,
    entityId: number,
    note: s.NoteCreateParams,
    options?: RequestOptions,
  ): Promise<s.NoteRef> {
    return this.#of(type, entityId).create(note, options);
  }

  /**
   * Adds any number of notes, each with its `entity_id`, in chunks; refs come back in input order.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  createMany(
    type: s.NoteEntityType,
    notes: readonly s.NoteCreateItem[],
    options?: BatchOptions,
  ): Promise<s.NoteRef[]> {
    return this.#all(type).createMany(notes, options);
  }

  /** Changes one note of an entity with exactly the fields you pass. */
  update(
    type: s.NoteEntityType,
    entityId: number,
    noteId: number,
    params: s.NoteUpdateParams,
    options?: RequestOptions,
  ): Promise<s.NoteRef> {
    return this.#of(type, entityId).update(noteId, params, options);
  }

  /**
   * Changes any number of notes (each with its `id`) in chunks.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  updateMany(
    type: s.NoteEntityType,
    items: readonly s.NoteUpdateItem[],
    options?: BatchOptions,
  ): Promise<s.NoteRef[]> {
    return this.#all(type).updateMany(items, options);
  }
}
