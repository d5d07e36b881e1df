/**
 * `kommo.leads`: list, read, create, update, move through stages, link, and note leads.
 *
 * @see https://developers.kommo.com/reference/leads-list
 * @module
 */

import { sendWriteMany, type BatchOptions } from '../core/batch.js';
import type { RequestOptions } from '../core/options.js';
import { parseInput } from '../core/schema.js';
import { MAX_COMPLEX_ITEMS } from '../facts.js';
import type * as s from '../schemas/lead.js';
import { EntityResource } from './bases.js';
import { route } from './resource.js';

export { WON_STATUS_ID, LOST_STATUS_ID } from '../facts.js';

const leads = route({
  path: '/api/v4/leads',
  key: 'leads',
  names: ['lead', 'leads'],
  nonEmptyUpdate: true,
  schemas: () => import('../schemas/lead.js').then((m) => m.leadRouteSchemas()),
});

/**
 * Leads (deals): the {@link EntityResource} verbs, plus `createComplex` and `moveToStatus`.
 *
 * @example
 * ```ts
 * const { id } = await kommo.leads.create({ name: 'Website order', price: 1200 });
 * await kommo.leads.addNote(id, 'Customer asked for a call back');
 * await kommo.leads.moveToStatus(id, { status_id: WON_STATUS_ID, pipeline_id: 3177727 });
 * ```
 * @see https://developers.kommo.com/reference/leads-list
 */
export class Leads extends EntityResource<s.LeadResourceTypes> {
  /** @internal */
  protected readonly _verbs = leads.on(this._client);

  /**
   * Creates leads with their contact and company in one go (`/leads/complex`, 50 leads per
   * request), with Kommo's duplicate control when it is enabled for the integration.
   *
   * @returns One result per lead Kommo created, in input order; merged duplicates share a result.
   * @throws {@link BatchError} when some items were not applied.
   */
  async createComplex(
    items: readonly s.LeadComplexParams[],
    options?: BatchOptions,
  ): Promise<s.LeadComplexResult[]> {
    const { complex, complexResult } = await leads.schemas();
    const refs = await sendWriteMany(this._client, {
      method: 'POST',
      path: '/api/v4/leads/complex',
      items: parseInput(complex, items, 'complex leads'),
      key: 'leads',
      schema: complexResult,
      what: 'complex leads',
      maxChunk: MAX_COMPLEX_ITEMS,
      options,
    });
    // Merged duplicates come back once for several inputs.
    return refs.filter((ref, i) => refs.indexOf(ref) === i);
  }

  /**
   * Moves a lead to a stage: `WON_STATUS_ID` (142), `LOST_STATUS_ID` (143) or any status id.
   * Pass `pipeline_id` to move it into another pipeline (142/143 exist in every pipeline).
   */
  async moveToStatus(
    id: number,
    to: s.LeadMoveParams,
    options?: RequestOptions,
  ): Promise<s.LeadRef> {
    const { move } = await leads.schemas();
    return this._verbs.update(id, parseInput(move, to, 'lead move'), options);
  }
}
