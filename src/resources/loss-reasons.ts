/**
 * `kommo.lossReasons`: why leads were lost (`/api/v4/leads/loss_reasons`).
 *
 * @see https://developers.kommo.com/reference/loss-reasons
 * @module
 */

import type { RequestOptions } from '../core/options.js';
import type { ListOptions, PagePromise } from '../core/pagination.js';
import type { LossReason } from '../schemas/lead.js';
import type * as s from '../schemas/loss-reason.js';
import { RecordResource } from './bases.js';
import { route } from './resource.js';

const lossReasons = route({
  path: '/api/v4/leads/loss_reasons',
  key: 'loss_reasons',
  names: ['loss reason', 'loss reasons'],
  schemas: () => import('../schemas/loss-reason.js').then((m) => m.lossReasonRouteSchemas()),
});

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
export class LossReasons extends RecordResource<s.LossReasonResourceTypes> {
  /** @internal */
  protected readonly _verbs = lossReasons.on(this._client);

  /** Lists the loss reasons. */
  list(params?: s.LossReasonListParams, options?: ListOptions): PagePromise<LossReason> {
    return this._verbs.list(params, options);
  }

  /** Deletes one loss reason (Kommo answers 204). */
  delete(id: number, options?: RequestOptions): Promise<void> {
    return this._verbs.delete(id, options);
  }
}
