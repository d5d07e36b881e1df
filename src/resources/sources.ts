/**
 * `kommo.sources`: the integration's own lead sources (`/api/v4/sources`).
 *
 * @see https://developers.kommo.com/reference/sources
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
import { IdSchema, parseInput } from '../schemas/common.js';
import {
  SourceCollectionSchema,
  SourceCreateParamsSchema,
  SourceListParamsSchema,
  SourceSchema,
  SourceUpdateItemSchema,
  SourceUpdateParamsSchema,
  type Source,
  type SourceCreateParams,
  type SourceListParams,
  type SourceUpdateItem,
  type SourceUpdateParams,
} from '../schemas/source.js';
import { APIResource } from './resource.js';

/** Kommo's per-request limit for source writes. */
const SOURCES_MAX_PER_REQUEST = 50;

/**
 * Sources: which pipeline an integration's incoming leads and chats go to. An integration sees
 * and manages only its own sources (at most 100). Needs admin rights and an uploaded widget whose
 * `manifest.json` declares the `lead_sources` location. Put a lead in a source with
 * `_embedded: { source: { external_id, type: 'widget' } }` on lead create.
 *
 * @example
 * ```ts
 * const [source] = await kommo.sources.createMany([
 *   { name: 'Sales WhatsApp', external_id: 'wa-sales-1', pipeline_id: 1300, default: true },
 * ]);
 * ```
 * @see https://developers.kommo.com/reference/sources
 */
export class Sources extends APIResource {
  /** Lists the integration's sources (one page of at most 100; a 204 is an empty list). */
  list(params?: SourceListParams, options?: ListOptions): PagePromise<Source> {
    return listPages<Source>(
      this._client,
      () => {
        const p = parseInput(SourceListParamsSchema, params ?? {}, 'source list params');
        return {
          path: '/api/v4/sources',
          query: { filter: p.filter },
          key: 'sources',
          schema: SourceCollectionSchema,
          what: 'sources',
          paginated: false,
        };
      },
      options,
    );
  }

  /**
   * Reads one source.
   *
   * @throws {@link NotFoundError} when Kommo answers 204 (unknown or deleted).
   */
  async get(id: number, options?: RequestOptions): Promise<Source> {
    return getOne(
      this._client,
      { path: path`/api/v4/sources/${id}` },
      SourceSchema,
      `source ${id}`,
      options,
    );
  }

  /** Creates one source. */
  async create(params: SourceCreateParams, options?: RequestOptions): Promise<Source> {
    const body = parseInput(SourceCreateParamsSchema, params, 'source');
    return sendWriteOne(
      this._client,
      { method: 'POST', path: '/api/v4/sources', body: [body] },
      'sources',
      SourceSchema,
      'source',
      options,
    );
  }

  /**
   * Creates sources in chunks of at most 50.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async createMany(
    items: readonly SourceCreateParams[],
    options?: BatchOptions,
  ): Promise<Source[]> {
    const bodies = parseInput(z.array(SourceCreateParamsSchema), items, 'sources');
    return this.#batch('POST', bodies, options);
  }

  /** Updates one source (`external_id` cannot change). */
  async update(id: number, params: SourceUpdateParams, options?: RequestOptions): Promise<Source> {
    assertId(id);
    const body = parseInput(SourceUpdateParamsSchema, params, 'source update');
    return sendWriteOne(
      this._client,
      { method: 'PATCH', path: path`/api/v4/sources/${id}`, body },
      'sources',
      SourceSchema,
      'source',
      options,
    );
  }

  /**
   * Updates sources (each with its `id`) in chunks of at most 50.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async updateMany(items: readonly SourceUpdateItem[], options?: BatchOptions): Promise<Source[]> {
    const bodies = parseInput(z.array(SourceUpdateItemSchema), items, 'source updates');
    return this.#batch('PATCH', bodies, options);
  }

  /**
   * Deletes one source.
   *
   * @throws {@link NotFoundError} when the source is unknown (Kommo answers 404).
   */
  async delete(id: number, options?: RequestOptions): Promise<void> {
    assertId(id);
    await this._client._send({ method: 'DELETE', path: path`/api/v4/sources/${id}` }, options);
  }

  /**
   * Deletes several sources in one request (`DELETE /api/v4/sources` with `[{ id }]`, at most
   * 50). Kommo refuses the whole request when an id is unknown.
   *
   * @throws {@link BadRequestError} naming the unknown ids in `validationErrors`.
   */
  async deleteMany(ids: readonly number[], options?: RequestOptions): Promise<void> {
    const list = parseInput(
      z.array(IdSchema).min(1).max(SOURCES_MAX_PER_REQUEST),
      ids,
      'source ids',
    );
    await this._client._send(
      { method: 'DELETE', path: '/api/v4/sources', body: list.map((id) => ({ id })) },
      options,
    );
  }

  #batch(
    method: 'POST' | 'PATCH',
    bodies: Array<{ request_id?: string | undefined }>,
    options: BatchOptions | undefined,
  ): Promise<Source[]> {
    return runBatch(
      bodies,
      {
        maxChunkSize: SOURCES_MAX_PER_REQUEST,
        what: 'sources',
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method, path: '/api/v4/sources', body: chunk },
            'sources',
            SourceSchema,
            'sources',
            opts,
          ),
      },
      options,
    );
  }
}
