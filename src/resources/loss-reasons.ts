/**
 * `kommo.lossReasons`: why leads were lost (`/api/v4/leads/loss_reasons`).
 *
 * @see https://developers.kommo.com/reference/loss-reasons
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
import { assertId, path } from '../core/path.js';
import { parseInput } from '../schemas/common.js';
import { LossReasonSchema, type LossReason } from '../schemas/lead.js';
import {
  LossReasonCollectionSchema,
  LossReasonCreateParamsSchema,
  LossReasonListParamsSchema,
  LossReasonRefSchema,
  LossReasonUpdateParamsSchema,
  type LossReasonCreateParams,
  type LossReasonListParams,
  type LossReasonRef,
  type LossReasonUpdateParams,
} from '../schemas/loss-reason.js';
import { APIResource } from './resource.js';

const BASE = '/api/v4/leads/loss_reasons';

/**
 * Loss reasons, offered when a lead moves to "Closed – lost" (`143`) and stored on the lead as
 * `loss_reason_id`. Whether the account uses them is `account.is_loss_reason_enabled`. Kommo's
 * pages document reading; the writes follow the official PHP SDK (admin rights likely).
 *
 * @example
 * ```ts
 * const reasons = await kommo.lossReasons.list().toArray({ max: 100 });
 * await kommo.leads.update(42, { status_id: LOST_STATUS_ID, loss_reason_id: reasons[0]!.id });
 * ```
 * @see https://developers.kommo.com/reference/loss-reasons
 */
export class LossReasons extends APIResource {
  /** Lists the loss reasons. */
  list(params?: LossReasonListParams, options?: ListOptions): PagePromise<LossReason> {
    return listPages<LossReason>(
      this._client,
      () => {
        const p = parseInput(LossReasonListParamsSchema, params ?? {}, 'loss reason list params');
        return {
          path: BASE,
          key: 'loss_reasons',
          schema: LossReasonCollectionSchema,
          what: 'loss reasons',
          page: p.page,
          limit: p.limit,
        };
      },
      options,
    );
  }

  /**
   * Reads one loss reason.
   *
   * @throws {@link NotFoundError} when Kommo answers 204.
   */
  async get(id: number, options?: RequestOptions): Promise<LossReason> {
    return getOne(
      this._client,
      { path: path`/api/v4/leads/loss_reasons/${id}` },
      LossReasonSchema,
      `loss reason ${id}`,
      options,
    );
  }

  /** Creates one loss reason. */
  async create(params: LossReasonCreateParams, options?: RequestOptions): Promise<LossReasonRef> {
    const body = parseInput(LossReasonCreateParamsSchema, params, 'loss reason');
    return sendWriteOne(
      this._client,
      { method: 'POST', path: BASE, body: [body] },
      'loss_reasons',
      LossReasonRefSchema,
      'loss reason',
      options,
    );
  }

  /**
   * Creates any number of loss reasons in chunks.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async createMany(
    items: readonly LossReasonCreateParams[],
    options?: BatchOptions,
  ): Promise<LossReasonRef[]> {
    const bodies = parseInput(z.array(LossReasonCreateParamsSchema), items, 'loss reasons');
    return runBatch(
      bodies,
      {
        maxChunkSize: 250,
        what: 'loss reasons',
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'POST', path: BASE, body: chunk },
            'loss_reasons',
            LossReasonRefSchema,
            'loss reasons',
            opts,
          ),
      },
      options,
    );
  }

  /** Renames or re-sorts one loss reason. Kommo answers with the reason at the top level. */
  async update(
    id: number,
    params: LossReasonUpdateParams,
    options?: RequestOptions,
  ): Promise<LossReasonRef> {
    assertId(id);
    const body = parseInput(LossReasonUpdateParamsSchema, params, 'loss reason update');
    return sendWriteOne(
      this._client,
      { method: 'PATCH', path: path`/api/v4/leads/loss_reasons/${id}`, body },
      'loss_reasons',
      LossReasonRefSchema,
      'loss reason',
      options,
    );
  }

  /** Deletes one loss reason (Kommo answers 204). */
  async delete(id: number, options?: RequestOptions): Promise<void> {
    assertId(id);
    await this._client._send(
      { method: 'DELETE', path: path`/api/v4/leads/loss_reasons/${id}` },
      options,
    );
  }
}
