/**
 * `kommo.pipelines` and `kommo.pipelines.statuses`: lead pipelines and their stages.
 *
 * @see https://developers.kommo.com/reference/leads-pipelines-list
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
import { joinWith, parseInput } from '../schemas/common.js';
import {
  PipelineCollectionSchema,
  PipelineCreateParamsSchema,
  PipelineRefSchema,
  PipelineSchema,
  PipelineStatusCollectionSchema,
  PipelineStatusCreateParamsSchema,
  PipelineStatusGetParamsSchema,
  PipelineStatusRefSchema,
  PipelineStatusSchema,
  PipelineStatusUpdateParamsSchema,
  PipelineUpdateParamsSchema,
  type Pipeline,
  type PipelineCreateParams,
  type PipelineRef,
  type PipelineStatus,
  type PipelineStatusCreateParams,
  type PipelineStatusGetParams,
  type PipelineStatusRef,
  type PipelineStatusUpdateParams,
  type PipelineUpdateParams,
} from '../schemas/pipeline.js';
import { APIResource } from './resource.js';

/** Kommo's limit of pipelines per account, hence per create request. */
const PIPELINES_MAX = 50;
/** Kommo's limit of statuses per pipeline. */
const STATUSES_MAX = 100;

/**
 * The statuses (stages) of a pipeline: `kommo.pipelines.statuses`.
 *
 * @example
 * ```ts
 * const stages = await kommo.pipelines.statuses.list(3177727, { with: ['descriptions'] }).toArray({ max: 100 });
 * ```
 */
export class PipelineStatuses extends APIResource {
  /** Lists the statuses of a pipeline (one page: Kommo does not paginate them). */
  list(
    pipelineId: number,
    params?: PipelineStatusGetParams,
    options?: ListOptions,
  ): PagePromise<PipelineStatus> {
    return listPages<PipelineStatus>(
      this._client,
      () => {
        const p = parseInput(PipelineStatusGetParamsSchema, params ?? {}, 'status list params');
        return {
          path: path`/api/v4/leads/pipelines/${pipelineId}/statuses`,
          query: { with: joinWith(p.with) },
          key: 'statuses',
          schema: PipelineStatusCollectionSchema,
          what: 'statuses',
          paginated: false,
        };
      },
      options,
    );
  }

  /**
   * Reads one status.
   *
   * @throws {@link NotFoundError} for an unknown status (204 or 404).
   */
  async get(
    pipelineId: number,
    statusId: number,
    params?: PipelineStatusGetParams,
    options?: RequestOptions,
  ): Promise<PipelineStatus> {
    const p = parseInput(PipelineStatusGetParamsSchema, params ?? {}, 'status get params');
    return getOne(
      this._client,
      {
        path: path`/api/v4/leads/pipelines/${pipelineId}/statuses/${statusId}`,
        query: { with: joinWith(p.with) },
      },
      PipelineStatusSchema,
      `status ${statusId} of pipeline ${pipelineId}`,
      options,
    );
  }

  /** Adds a status to a pipeline (admin only). */
  async create(
    pipelineId: number,
    params: PipelineStatusCreateParams,
    options?: RequestOptions,
  ): Promise<PipelineStatusRef> {
    assertId(pipelineId, 'pipelineId');
    const body = parseInput(PipelineStatusCreateParamsSchema, params, 'status');
    return sendWriteOne(
      this._client,
      { method: 'POST', path: path`/api/v4/leads/pipelines/${pipelineId}/statuses`, body: [body] },
      'statuses',
      PipelineStatusRefSchema,
      'status',
      options,
    );
  }

  /**
   * Adds several statuses to a pipeline; refs come back in input order.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async createMany(
    pipelineId: number,
    items: readonly PipelineStatusCreateParams[],
    options?: BatchOptions,
  ): Promise<PipelineStatusRef[]> {
    assertId(pipelineId, 'pipelineId');
    const bodies = parseInput(z.array(PipelineStatusCreateParamsSchema), items, 'statuses');
    const route = path`/api/v4/leads/pipelines/${pipelineId}/statuses`;
    return runBatch(
      bodies,
      {
        maxChunkSize: STATUSES_MAX,
        what: 'statuses',
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'POST', path: route, body: chunk },
            'statuses',
            PipelineStatusRefSchema,
            'statuses',
            opts,
          ),
      },
      options,
    );
  }

  /** Changes a status with exactly the fields you pass (admin only; 142/143 are not editable). */
  async update(
    pipelineId: number,
    statusId: number,
    params: PipelineStatusUpdateParams,
    options?: RequestOptions,
  ): Promise<PipelineStatusRef> {
    const route = path`/api/v4/leads/pipelines/${pipelineId}/statuses/${statusId}`;
    const body = parseInput(PipelineStatusUpdateParamsSchema, params, 'status update');
    return sendWriteOne(
      this._client,
      { method: 'PATCH', path: route, body },
      'statuses',
      PipelineStatusRefSchema,
      'status',
      options,
    );
  }

  /** Deletes a status (admin only); its leads move to the first stage. */
  async delete(pipelineId: number, statusId: number, options?: RequestOptions): Promise<void> {
    await this._client._send(
      { method: 'DELETE', path: path`/api/v4/leads/pipelines/${pipelineId}/statuses/${statusId}` },
      options,
    );
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
export class Pipelines extends APIResource {
  /** The statuses (stages) of a pipeline. */
  readonly statuses: PipelineStatuses = new PipelineStatuses(this._client);

  /** Lists the pipelines with their statuses (one page: Kommo does not paginate them). */
  list(options?: ListOptions): PagePromise<Pipeline> {
    return listPages<Pipeline>(
      this._client,
      () => ({
        path: '/api/v4/leads/pipelines',
        key: 'pipelines',
        schema: PipelineCollectionSchema,
        what: 'pipelines',
        paginated: false,
      }),
      options,
    );
  }

  /**
   * Reads one pipeline with its statuses.
   *
   * @throws {@link NotFoundError} for an unknown pipeline.
   */
  async get(id: number, options?: RequestOptions): Promise<Pipeline> {
    return getOne(
      this._client,
      { path: path`/api/v4/leads/pipelines/${id}` },
      PipelineSchema,
      `pipeline ${id}`,
      options,
    );
  }

  /** Creates a pipeline (admin only). */
  async create(params: PipelineCreateParams, options?: RequestOptions): Promise<PipelineRef> {
    const body = parseInput(PipelineCreateParamsSchema, params, 'pipeline');
    return sendWriteOne(
      this._client,
      { method: 'POST', path: '/api/v4/leads/pipelines', body: [body] },
      'pipelines',
      PipelineRefSchema,
      'pipeline',
      options,
    );
  }

  /**
   * Creates several pipelines; refs come back in input order.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async createMany(
    items: readonly PipelineCreateParams[],
    options?: BatchOptions,
  ): Promise<PipelineRef[]> {
    const bodies = parseInput(z.array(PipelineCreateParamsSchema), items, 'pipelines');
    return runBatch(
      bodies,
      {
        maxChunkSize: PIPELINES_MAX,
        what: 'pipelines',
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'POST', path: '/api/v4/leads/pipelines', body: chunk },
            'pipelines',
            PipelineRefSchema,
            'pipelines',
            opts,
          ),
      },
      options,
    );
  }

  /** Changes a pipeline with exactly the fields you pass (admin only). */
  async update(
    id: number,
    params: PipelineUpdateParams,
    options?: RequestOptions,
  ): Promise<PipelineRef> {
    assertId(id);
    const body = parseInput(PipelineUpdateParamsSchema, params, 'pipeline update');
    return sendWriteOne(
      this._client,
      { method: 'PATCH', path: path`/api/v4/leads/pipelines/${id}`, body },
      'pipelines',
      PipelineRefSchema,
      'pipeline',
      options,
    );
  }

  /** Deletes a pipeline (admin only; not the last one, nor one with leads). */
  async delete(id: number, options?: RequestOptions): Promise<void> {
    await this._client._send(
      { method: 'DELETE', path: path`/api/v4/leads/pipelines/${id}` },
      options,
    );
  }
}
