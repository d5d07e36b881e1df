/**
 * `kommo.sources`: the integration's own lead sources (`/api/v4/sources`).
 *
 * @see https://developers.kommo.com/reference/sources
 * @module
 */

import type { BatchOptions } from '../core/batch.js';
import type { RequestOptions } from '../core/options.js';
import type { ListOptions, PagePromise } from '../core/pagination.js';
import { parseInput } from '../core/schema.js';
import { MAX_SOURCE_ITEMS } from '../facts.js';
import type * as s from '../schemas/source.js';
import { RecordResource } from './bases.js';
import { route } from './resource.js';

const sources = route({
  path: '/api/v4/sources',
  key: 'sources',
  names: ['source', 'sources'],
  maxChunk: MAX_SOURCE_ITEMS,
  paginated: false,
  schemas: () => import('../schemas/source.js').then((m) => m.sourceRouteSchemas()),
});

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
export class Sources extends RecordResource<s.SourceResourceTypes> {
  /** @internal */
  protected readonly _verbs = sources.on(this._client);

  /** Lists the integration's sources (one page of at most 100; a 204 is an empty list). */
  list(params?: s.SourceListParams, options?: ListOptions): PagePromise<s.Source> {
    return this._verbs.list(params, options);
  }

  /**
   * Updates sources (each with its `id`) in chunks of at most 50.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  updateMany(items: readonly s.SourceUpdateItem[], options?: BatchOptions): Promise<s.Source[]> {
    return this._verbs.updateMany(items, options);
  }

  /**
   * Deletes one source.
   *
   * @throws {@link NotFoundError} when the source is unknown (Kommo answers 404).
   */
  delete(id: number, options?: RequestOptions): Promise<void> {
    return this._verbs.delete(id, options);
  }

  /**
   * Deletes several sources in one request (`DELETE /api/v4/sources` with `[{ id }]`, at most
   * 50). Kommo refuses the whole request when an id is unknown.
   *
   * @throws {@link BadRequestError} naming the unknown ids in `validationErrors`.
   */
  async deleteMany(ids: readonly number[], options?: RequestOptions): Promise<void> {
    const { ids: idsSchema } = await sources.schemas();
    const body = parseInput(idsSchema, ids, 'source ids').map((id) => ({ id }));
    await this._client._send({ method: 'DELETE', path: '/api/v4/sources', body }, options);
  }
}
