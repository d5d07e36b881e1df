/**
 * `kommo.catalogs`: lists (catalogs) and, under `kommo.catalogs.elements`, their elements.
 *
 * @see https://developers.kommo.com/reference/lists
 * @module
 */

import type { BatchOptions } from '../core/batch.js';
import type { RequestOptions } from '../core/options.js';
import type { ListOptions, PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import type * as s from '../schemas/catalog.js';
import { RecordResource, ScopedRecordResource } from './bases.js';
import { route } from './resource.js';

const catalogs = route({
  path: '/api/v4/catalogs',
  key: 'catalogs',
  names: ['catalog', 'catalogs'],
  schemas: () => import('../schemas/catalog.js').then((m) => m.catalogRouteSchemas()),
});

/** `/api/v4/catalogs/{catalogId}/elements`. */
const elements = route({
  key: 'elements',
  names: ['catalog element', 'catalog elements'],
  schemas: () => import('../schemas/catalog.js').then((m) => m.catalogElementRouteSchemas()),
});

/**
 * Elements of a catalog (`/api/v4/catalogs/{catalog_id}/elements`). Writes return the full
 * elements. Kommo documents no element DELETE. To attach an element to a lead you can also
 * link from the lead: `kommo.links.link('leads', id, [{ to_entity_type: 'catalog_elements', … }])`.
 */
export class CatalogElements extends ScopedRecordResource<
  [catalogId: number],
  s.CatalogElementResourceTypes
> {
  /**
   * Reads one element.
   *
   * @throws {@link NotFoundError} when Kommo answers 204.
   */
  get(
    catalogId: number,
    id: number,
    params?: s.CatalogElementGetParams,
    options?: RequestOptions,
  ): Promise<s.CatalogElement> {
    return this._at(catalogId).get(id, params, options);
  }

  /**
   * Updates elements (each with its `id`) in chunks.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  updateMany(
    catalogId: number,
    items: readonly s.CatalogElementUpdateItem[],
    options?: BatchOptions,
  ): Promise<s.CatalogElement[]> {
    return this._at(catalogId).updateMany(items, options);
  }

  /**
   * Links an element to leads or customers with a quantity (from the official PHP SDK; Kommo's
   * pages document linking from the lead side).
   */
  link(
    catalogId: number,
    id: number,
    links: readonly s.CatalogElementLinkInput[],
    options?: RequestOptions,
  ): Promise<void> {
    return this._at(catalogId).link(id, links, options);
  }

  /** Removes links of an element. */
  unlink(
    catalogId: number,
    id: number,
    links: readonly s.CatalogElementLinkInput[],
    options?: RequestOptions,
  ): Promise<void> {
    return this._at(catalogId).unlink(id, links, options);
  }

  /** @internal */
  protected _at(catalogId: number) {
    return elements.on(this._client, () => path`/api/v4/catalogs/${catalogId}/elements`);
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
export class Catalogs extends RecordResource<s.CatalogResourceTypes> {
  /** @internal */
  protected readonly _verbs = catalogs.on(this._client);
  /** Elements of a catalog. */
  readonly elements: CatalogElements = new CatalogElements(this._client);

  /** Lists the catalogs. */
  list(params?: s.CatalogListParams, options?: ListOptions): PagePromise<s.Catalog> {
    return this._verbs.list(params, options);
  }

  /**
   * Updates catalogs (each with its `id`) in chunks.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  updateMany(items: readonly s.CatalogUpdateItem[], options?: BatchOptions): Promise<s.Catalog[]> {
    return this._verbs.updateMany(items, options);
  }
}
