/**
 * `kommo.pipelines` and `kommo.pipelines.statuses`: lead pipelines and their stages.
 *
 * @see https://developers.kommo.com/reference/leads-pipelines-list
 * @module
 */

import type { RequestOptions } from '../core/options.js';
import type { ListOptions, PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { MAX_PIPELINES, MAX_STATUSES } from '../facts.js';
import type * as s from '../schemas/pipeline.js';
import { RecordResource, ScopedRecordResource } from './bases.js';
import { route } from './resource.js';

const pipelines = route({
  path: '/api/v4/leads/pipelines',
  key: 'pipelines',
  names: ['pipeline', 'pipelines'],
  // One account holds at most this many, so no create request carries more.
  maxChunk: MAX_PIPELINES,
  paginated: false,
  schemas: () => import('../schemas/pipeline.js').then((m) => m.pipelineRouteSchemas()),
});

/** `/api/v4/leads/pipelines/{pipelineId}/statuses`. */
const statuses = route({
  key: 'statuses',
  names: ['status', 'statuses'],
  maxChunk: MAX_STATUSES,
  paginated: false,
  schemas: () => import('../schemas/pipeline.js').then((m) => m.pipelineStatusRouteSchemas()),
});

/**
 * The statuses (stages) of a pipeline: `kommo.pipelines.statuses`.
 *
 * @example
 * ```ts
 * const stages = await kommo.pipelines.statuses.list(3177727, { with: ['descriptions'] }).toArray({ max: 100 });
 * ```
 */
export class PipelineStatuses extends ScopedRecordResource<
  [pipelineId: number],
  s.PipelineStatusResourceTypes
> {
  /**
   * Reads one status.
   *
   * @throws {@link NotFoundError} for an unknown status (204 or 404).
   */
  get(
    pipelineId: number,
    statusId: number,
    params?: s.PipelineStatusGetParams,
    options?: RequestOptions,
  ): Promise<s.PipelineStatus> {
    return this._at(pipelineId).get(statusId, params, options);
  }

  /** Deletes a status (admin only); its leads move to the first stage. */
  delete(pipelineId: number, statusId: number, options?: RequestOptions): Promise<void> {
    return this._at(pipelineId).delete(statusId, options);
  }

  /** @internal */
  protected _at(pipelineId: number) {
    return statuses.on(this._client, () => path`/api/v4/leads/pipelines/${pipelineId}/statuses`);
  }
}

/**
 * Lead pipelines. Cache them: they change rarely.
 *
 * @example
 * ```ts
 * const { items: pipelines } = await kommo.pipelines.list();
 * const main = pipelines.find((p) => p.is_main);
 * ```
 * @see https://developers.kommo.com/reference/leads-pipelines-list
 */
export class Pipelines extends RecordResource<s.PipelineResourceTypes> {
  /** @internal */
  protected readonly _verbs = pipelines.on(this._client);
  /** The statuses (stages) of a pipeline. */
  readonly statuses: PipelineStatuses = new PipelineStatuses(this._client);

  /** Lists the pipelines with their statuses (one page: Kommo does not paginate them). */
  list(options?: ListOptions): PagePromise<s.Pipeline> {
    return this._verbs.list(undefined, options);
  }

  /** Deletes a pipeline (admin only; not the last one, nor one with leads). */
  delete(id: number, options?: RequestOptions): Promise<void> {
    return this._verbs.delete(id, options);
  }
}
