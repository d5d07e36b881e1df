/**
 * `kommo.leads`: list, read, create, update, move through stages, link, and note leads.
 *
 * @see https://developers.kommo.com/reference/leads-list
 * @module
 */

import {
  runBatch,
  refRequestIds,
  sendWrite,
  sendWriteOne,
  type BatchOptions,
} from '../core/batch.js';
import type { RequestOptions } from '../core/options.js';
import { getOne, listPages, type ListOptions, type PagePromise } from '../core/pagination.js';
import { assertId, path } from '../core/path.js';
import { joinWith, parseInput, requireSomeField, type EntityLinkInput } from '../schemas/common.js';
import {
  LeadCollectionSchema,
  LeadComplexParamsSchema,
  LeadComplexResultSchema,
  LeadCreateParamsSchema,
  LeadGetParamsSchema,
  LeadListParamsSchema,
  LeadMoveParamsSchema,
  LeadRefSchema,
  LeadSchema,
  LeadUpdateItemSchema,
  LeadUpdateParamsSchema,
  type Lead,
  type LeadComplexParams,
  type LeadComplexResult,
  type LeadCreateParams,
  type LeadGetParams,
  type LeadListParams,
  type LeadMoveParams,
  type LeadRef,
  type LeadUpdateItem,
  type LeadUpdateParams,
} from '../schemas/lead.js';
import { z } from 'zod';
import { MAX_COMPLEX_ITEMS } from '../facts.js';
import type { NoteRef } from '../schemas/note.js';
import { APIResource, addTextNote, sendEntityLinks } from './resource.js';

export { WON_STATUS_ID, LOST_STATUS_ID } from '../schemas/lead.js';

/**
 * Leads (deals).
 *
 * @example
 * ```ts
 * const { id } = await kommo.leads.create({ name: 'Website order', price: 1200 });
 * await kommo.leads.addNote(id, 'Customer asked for a call back');
 * await kommo.leads.moveToStatus(id, { status_id: WON_STATUS_ID, pipeline_id: 3177727 });
 * ```
 * @see https://developers.kommo.com/reference/leads-list
 */
export class Leads extends APIResource {
  /**
   * Lists leads. `await` gives the first page; `for await` walks every lead lazily.
   *
   * @example
   * ```ts
   * for await (const lead of kommo.leads.list({
   *   filter: { statuses: [{ pipeline_id: 3177727, status_id: 32392159 }], updated_at: { from: 1735689600 } },
   *   with: ['contacts'],
   * })) console.log(lead.id, lead.name);
   * ```
   * @throws {@link RequestValidationError} (on first use) for invalid params, e.g. `limit: 300`.
   */
  list(params?: LeadListParams, options?: ListOptions): PagePromise<Lead> {
    return listPages<Lead>(
      this._client,
      () => {
        const p = parseInput(LeadListParamsSchema, params ?? {}, 'lead list params');
        return {
          path: '/api/v4/leads',
          query: { with: joinWith(p.with), query: p.query, filter: p.filter, order: p.order },
          key: 'leads',
          schema: LeadCollectionSchema,
          what: 'leads',
          page: p.page,
          limit: p.limit,
        };
      },
      options,
    );
  }

  /**
   * Reads one lead.
   *
   * @throws {@link NotFoundError} when no lead has this id (Kommo answers 204).
   */
  async get(id: number, params?: LeadGetParams, options?: RequestOptions): Promise<Lead> {
    const p = parseInput(LeadGetParamsSchema, params ?? {}, 'lead get params');
    return getOne(
      this._client,
      { path: path`/api/v4/leads/${id}`, query: { with: joinWith(p.with) } },
      LeadSchema,
      `lead ${id}`,
      options,
    );
  }

  /**
   * Creates one lead. No field is required (Kommo names it and puts it in the first stage of the
   * main pipeline).
   *
   * @throws {@link RequestValidationError} before sending, for a misspelt key or a wrong type.
   */
  async create(params: LeadCreateParams, options?: RequestOptions): Promise<LeadRef> {
    const body = parseInput(LeadCreateParamsSchema, params, 'lead');
    return sendWriteOne(
      this._client,
      { method: 'POST', path: '/api/v4/leads', body: [body] },
      'leads',
      LeadRefSchema,
      'lead',
      options,
    );
  }

  /**
   * Creates any number of leads in chunks (default 50 per request, up to 250), several chunks at
   * a time; returns the refs in input order. An empty array sends nothing.
   *
   * @throws {@link RequestValidationError} before sending anything, naming the item index.
   * @throws {@link BatchError} when some items were not applied (per-item `results`).
   */
  async createMany(items: readonly LeadCreateParams[], options?: BatchOptions): Promise<LeadRef[]> {
    const bodies = parseInput(z.array(LeadCreateParamsSchema), items, 'leads');
    return runBatch(
      bodies,
      {
        maxChunkSize: 250,
        what: 'leads',
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'POST', path: '/api/v4/leads', body: chunk },
            'leads',
            LeadRefSchema,
            'leads',
            opts,
          ),
      },
      options,
    );
  }

  /**
   * Updates one lead with exactly the fields you pass (others are untouched on Kommo's side).
   *
   * @throws {@link RequestValidationError} before sending, for a misspelt key or a wrong type.
   */
  async update(id: number, params: LeadUpdateParams, options?: RequestOptions): Promise<LeadRef> {
    assertId(id);
    const body = requireSomeField(
      parseInput(LeadUpdateParamsSchema, params, 'lead update'),
      'lead update',
    );
    return sendWriteOne(
      this._client,
      { method: 'PATCH', path: path`/api/v4/leads/${id}`, body },
      'leads',
      LeadRefSchema,
      'lead',
      options,
    );
  }

  /**
   * Updates any number of leads (each item carries its `id`), chunked like
   * {@link Leads.createMany}.
   *
   * @throws {@link RequestValidationError} before sending anything, e.g. an item without `id`.
   * @throws {@link BatchError} when some items were not applied.
   */
  async updateMany(items: readonly LeadUpdateItem[], options?: BatchOptions): Promise<LeadRef[]> {
    const bodies = parseInput(z.array(LeadUpdateItemSchema), items, 'lead updates');
    return runBatch(
      bodies,
      {
        maxChunkSize: 250,
        what: 'leads',
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'PATCH', path: '/api/v4/leads', body: chunk },
            'leads',
            LeadRefSchema,
            'leads',
            opts,
          ),
      },
      options,
    );
  }

  /**
   * Creates leads with their contact and company in one go (`/leads/complex`, 50 leads per
   * request), with Kommo's duplicate control when it is enabled for the integration.
   *
   * @returns One result per lead Kommo created, in input order; merged duplicates share a result.
   * @throws {@link BatchError} when some items were not applied.
   */
  async createComplex(
    items: readonly LeadComplexParams[],
    options?: BatchOptions,
  ): Promise<LeadComplexResult[]> {
    const bodies = parseInput(z.array(LeadComplexParamsSchema), items, 'complex leads');
    const refs = await runBatch(
      bodies,
      {
        maxChunkSize: MAX_COMPLEX_ITEMS,
        what: 'complex leads',
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'POST', path: '/api/v4/leads/complex', body: chunk },
            'leads',
            LeadComplexResultSchema,
            'complex leads',
            opts,
          ),
      },
      options,
    );
    // Merged duplicates come back once for several inputs.
    return refs.filter((ref, i) => refs.indexOf(ref) === i);
  }

  /**
   * Moves a lead to a stage: `WON_STATUS_ID` (142), `LOST_STATUS_ID` (143) or any status id.
   * Pass `pipeline_id` to move it into another pipeline (142/143 exist in every pipeline).
   */
  async moveToStatus(id: number, to: LeadMoveParams, options?: RequestOptions): Promise<LeadRef> {
    assertId(id);
    const body = parseInput(LeadMoveParamsSchema, to, 'lead move');
    return sendWriteOne(
      this._client,
      { method: 'PATCH', path: path`/api/v4/leads/${id}`, body },
      'leads',
      LeadRefSchema,
      'lead',
      options,
    );
  }

  /**
   * Links contacts, companies or catalog elements to a lead.
   *
   * @example
   * ```ts
   * await kommo.leads.link(42, [{ to_entity_id: 7, to_entity_type: 'contacts', metadata: { is_main: true } }]);
   * ```
   */
  link(id: number, links: readonly EntityLinkInput[], options?: RequestOptions): Promise<void> {
    return sendEntityLinks(this._client, 'leads', id, 'link', links, options);
  }

  /** Removes links from a lead. */
  unlink(id: number, links: readonly EntityLinkInput[], options?: RequestOptions): Promise<void> {
    return sendEntityLinks(this._client, 'leads', id, 'unlink', links, options);
  }

  /**
   * Adds a common (text) note to a lead; `\n` makes line breaks. For other note types use
   * `kommo.notes.create('leads', id, note)`.
   */
  addNote(id: number, text: string, options?: RequestOptions): Promise<NoteRef> {
    return addTextNote(this._client, 'leads', id, text, options);
  }
}
