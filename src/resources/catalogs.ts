/**
 * `kommo.catalogs`: lists (catalogs) and, under `kommo.catalogs.elements`, their elements.
 *
 * @see https://developers.kommo.com/reference/lists
 * @module
 */

import { MAX_LINKS } from '../facts.js';
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
  CatalogCollectionSchema,
  CatalogCreateParamsSchema,
  CatalogElementCollectionSchema,
  CatalogElementCreateParamsSchema,
  CatalogElementGetParamsSchema,
  CatalogElementLinkInputSchema,
  CatalogElementListParamsSchema,
  CatalogElementSchema,
  CatalogElementUpdateItemSchema,
  CatalogElementUpdateParamsSchema,
  CatalogListParamsSchema,
  CatalogSchema,
  CatalogUpdateItemSchema,
  CatalogUpdateParamsSchema,
  type Catalog,
  type CatalogCreateParams,
  type CatalogElement,
  type CatalogElementCreateParams,
  type CatalogElementGetParams,
  type CatalogElementLinkInput,
  type CatalogElementListParams,
  type CatalogElementUpdateItem,
  type CatalogElementUpdateParams,
  type CatalogListParams,
  type CatalogUpdateItem,
  type CatalogUpdateParams,
} from '../schemas/catalog.js';
import { APIResource } from './resource.js';

/**
 * Elements of a catalog (`/api/v4/catalogs/{catalog_id}/elements`). Writes return the full
 * elements. Kommo documents no element DELETE. To attach an element to a lead you can also
 * link from the lead: `kommo.links.link('leads', id, [{ to_entity_type: 'catalog_elements', … }])`.
 */
export class CatalogElements extends APIResource {
  /** Lists the elements of a catalog; `query` searches filled fields. */
  list(
    catalogId: number,
    params?: CatalogElementListParams,
    options?: ListOptions,
  ): PagePromise<CatalogElement> {
    return listPages<CatalogElement>(
      this._client,
      () => {
        const p = parseInput(CatalogElementListParamsSchema, params ?? {}, 'element list params');
        return {
          path: path`/api/v4/catalogs/${catalogId}/elements`,
          query: { with: joinWith(p.with), query: p.query, filter: p.filter },
          key: 'elements',
          schema: CatalogElementCollectionSchema,
          what: 'catalog elements',
          page: p.page,
          limit: p.limit,
        };
      },
      options,
    );
  }

  /**
   * Reads one element.
   *
   * @throws {@link NotFoundError} when Kommo answers 204.
   */
  async get(
    catalogId: number,
    id: number,
    params?: CatalogElementGetParams,
    options?: RequestOptions,
  ): Promise<CatalogElement> {
    const p = parseInput(CatalogElementGetParamsSchema, params ?? {}, 'element get params');
    return getOne(
      this._client,
      {
        path: path`/api/v4/catalogs/${catalogId}/elements/${id}`,
        query: { with: joinWith(p.with) },
      },
      CatalogElementSchema,
      `catalog element ${id}`,
      options,
    );
  }

  /** Creates one element. */
  async create(
    catalogId: number,
    params: CatalogElementCreateParams,
    options?: RequestOptions,
  ): Promise<CatalogElement> {
    const body = parseInput(CatalogElementCreateParamsSchema, params, 'catalog element');
    return sendWriteOne(
      this._client,
      { method: 'POST', path: path`/api/v4/catalogs/${catalogId}/elements`, body: [body] },
      'elements',
      CatalogElementSchema,
      'catalog element',
      options,
    );
  }

  /**
   * Creates elements in chunks.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async createMany(
    catalogId: number,
    items: readonly CatalogElementCreateParams[],
    options?: BatchOptions,
  ): Promise<CatalogElement[]> {
    const p = path`/api/v4/catalogs/${catalogId}/elements`;
    const bodies = parseInput(z.array(CatalogElementCreateParamsSchema), items, 'catalog elements');
    return this.#batch('POST', p, bodies, options);
  }

  /** Updates one element (`name` is required by Kommo). */
  async update(
    catalogId: number,
    id: number,
    params: CatalogElementUpdateParams,
    options?: RequestOptions,
  ): Promise<CatalogElement> {
    const body = parseInput(CatalogElementUpdateParamsSchema, params, 'catalog element update');
    return sendWriteOne(
      this._client,
      { method: 'PATCH', path: path`/api/v4/catalogs/${catalogId}/elements/${id}`, body },
      'elements',
      CatalogElementSchema,
      'catalog element',
      options,
    );
  }

  /**
   * Updates elements (each with its `id`) in chunks.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async updateMany(
    catalogId: number,
    items: readonly CatalogElementUpdateItem[],
    options?: BatchOptions,
  ): Promise<CatalogElement[]> {
    const p = path`/api/v4/catalogs/${catalogId}/elements`;
    const bodies = parseInput(z.array(CatalogElementUpdateItemSchema), items, 'element updates');
    return this.#batch('PATCH', p, bodies, options);
  }

  /**
   * Links an element to leads or customers with a quantity (from the official PHP SDK; Kommo's
   * pages document linking from the lead side).
   */
  async link(
    catalogId: number,
    id: number,
    links: readonly CatalogElementLinkInput[],
    options?: RequestOptions,
  ): Promise<void> {
    const body = parseInput(
      z.array(CatalogElementLinkInputSchema).min(1).max(MAX_LINKS),
      links,
      'links',
    );
    await this._client._send(
      { method: 'POST', path: path`/api/v4/catalogs/${catalogId}/elements/${id}/link`, body },
      options,
    );
  }

  /** Removes links of an element. */
  async unlink(
    catalogId: number,
    id: number,
    links: readonly CatalogElementLinkInput[],
    options?: RequestOptions,
  ): Promise<void> {
    const body = parseInput(
      z.array(CatalogElementLinkInputSchema).min(1).max(MAX_LINKS),
      links,
      'links',
    );
    await this._client._send(
      { method: 'POST', path: path`/api/v4/catalogs/${catalogId}/elements/${id}/unlink`, body },
      options,
    );
  }

  #batch(
    method: 'POST' | 'PATCH',
    p: string,
    bodies: Array<{ request_id?: string | undefined }>,
    options: BatchOptions | undefined,
  ): Promise<CatalogElement[]> {
    return runBatch(
      bodies,
      {
        maxChunkSize: 250,
        what: 'catalog elements',
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method, path: p, body: chunk },
            'elements',
            CatalogElementSchema,
            'catalog elements',
            opts,
          ),
      },
      options,
    );
  }
}

/**
 * Catalogs ("lists"): at most 10 per account, of type `regular`, `invoices` (one) or
 * `products` (one, switched on in the account settings). v4 has no catalog DELETE. Elements
 * are under {@link Catalogs.elements}; catalog custom fields under
 * `/api/v4/catalogs/{id}/custom_fields`.
 *
 * @example
 * ```ts
 * const catalog = await kommo.catalogs.create({ name: 'Products', can_link_multiple: true });
 * const phone = await kommo.catalogs.elements.create(catalog.id, {
 *   name: 'Phone X',
 *   custom_fields_values: [{ field_code: 'SKU', values: [{ value: 'PX-1' }] }],
 * });
 * ```
 * @see https://developers.kommo.com/reference/lists
 */
export class Catalogs extends APIResource {
  /** Elements of a catalog. */
  readonly elements: CatalogElements = new CatalogElements(this._client);

  /** Lists the catalogs. */
  list(params?: CatalogListParams, options?: ListOptions): PagePromise<Catalog> {
    return listPages<Catalog>(
      this._client,
      () => {
        const p = parseInput(CatalogListParamsSchema, params ?? {}, 'catalog list params');
        return {
          path: '/api/v4/catalogs',
          key: 'catalogs',
          schema: CatalogCollectionSchema,
          what: 'catalogs',
          page: p.page,
          limit: p.limit,
        };
      },
      options,
    );
  }

  /**
   * Reads one catalog.
   *
   * @throws {@link NotFoundError} when Kommo answers 204.
   */
  async get(id: number, options?: RequestOptions): Promise<Catalog> {
    return getOne(
      this._client,
      { path: path`/api/v4/catalogs/${id}` },
      CatalogSchema,
      `catalog ${id}`,
      options,
    );
  }

  /** Creates one catalog; Kommo returns the full catalog. */
  async create(params: CatalogCreateParams, options?: RequestOptions): Promise<Catalog> {
    const body = parseInput(CatalogCreateParamsSchema, params, 'catalog');
    return sendWriteOne(
      this._client,
      { method: 'POST', path: '/api/v4/catalogs', body: [body] },
      'catalogs',
      CatalogSchema,
      'catalog',
      options,
    );
  }

  /**
   * Creates catalogs in chunks.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async createMany(
    items: readonly CatalogCreateParams[],
    options?: BatchOptions,
  ): Promise<Catalog[]> {
    const bodies = parseInput(z.array(CatalogCreateParamsSchema), items, 'catalogs');
    return this.#batch('POST', bodies, options);
  }

  /** Updates one catalog (`name` is required by Kommo); returns the full catalog. */
  async update(
    id: number,
    params: CatalogUpdateParams,
    options?: RequestOptions,
  ): Promise<Catalog> {
    assertId(id);
    const body = parseInput(CatalogUpdateParamsSchema, params, 'catalog update');
    return sendWriteOne(
      this._client,
      { method: 'PATCH', path: path`/api/v4/catalogs/${id}`, body },
      'catalogs',
      CatalogSchema,
      'catalog',
      options,
    );
  }

  /**
   * Updates catalogs (each with its `id`) in chunks.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async updateMany(
    items: readonly CatalogUpdateItem[],
    options?: BatchOptions,
  ): Promise<Catalog[]> {
    const bodies = parseInput(z.array(CatalogUpdateItemSchema), items, 'catalog updates');
    return this.#batch('PATCH', bodies, options);
  }

  #batch(
    method: 'POST' | 'PATCH',
    bodies: Array<{ request_id?: string | undefined }>,
    options: BatchOptions | undefined,
  ): Promise<Catalog[]> {
    return runBatch(
      bodies,
      {
        maxChunkSize: 250,
        what: 'catalogs',
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method, path: '/api/v4/catalogs', body: chunk },
            'catalogs',
            CatalogSchema,
            'catalogs',
            opts,
          ),
      },
      options,
    );
  }
}
