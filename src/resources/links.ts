/**
 * `kommo.links`: read, create and remove links between any two entities, one at a time or in
 * batches.
 *
 * @see https://developers.kommo.com/reference/links-list
 * @module
 */

import { runBatch, sendWrite, type BatchOptions } from '../core/batch.js';
import type { RequestOptions } from '../core/options.js';
import type { ListOptions, PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { parseInput } from '../core/schema.js';
import { MAX_LINKS } from '../facts.js';
import type { EntityLinkInput } from '../schemas/common.js';
import type * as s from '../schemas/link.js';
import { APIResource, route } from './resource.js';

const load = () => import('../schemas/link.js').then((m) => m.linkRouteSchemas());

/** `/api/v4/{type}/{id}/links` and `/api/v4/{type}/{id}/link|unlink`. */
const linksOfOne = route({ key: 'links', names: ['link', 'links'], schemas: load });

/** `/api/v4/{type}/links`: the links of several entities, by `filter[entity_id][]`. */
const linksOfMany = route({
  key: 'links',
  names: ['link', 'links'],
  schemas: () => load().then((sc) => ({ ...sc, list: sc.listMany })),
  // Kommo takes the ids as one more filter.
  query: (p) => ({ filter: { entity_id: p.entity_id, ...p.filter } }),
});

/** The entity type of a path, checked. */
function sourceType(schemas: { sourceType: typeof s.LinkSourceTypeSchema }, value: unknown) {
  return parseInput(schemas.sourceType, value, 'link entity type');
}

/**
 * Links between leads, contacts, companies, customers and catalog elements. Kommo keeps one
 * company per lead or contact (linking another replaces it) and one main contact per lead.
 *
 * @example
 * ```ts
 * await kommo.links.link('leads', leadId, [
 *   { to_entity_id: contactId, to_entity_type: 'contacts', metadata: { is_main: true } },
 *   { to_entity_id: companyId, to_entity_type: 'companies' },
 * ]);
 * for await (const link of kommo.links.list('leads', leadId)) console.log(link.to_entity_type, link.to_entity_id);
 * ```
 * @see https://developers.kommo.com/reference/links-list
 */
export class Links extends APIResource {
  /**
   * Lists the links of one entity (items come without `entity_id`/`entity_type`). A 204 (no
   * links, or an unknown entity) is an empty list.
   */
  list(
    type: s.LinkSourceType,
    id: number,
    params?: s.LinkListParams,
    options?: ListOptions,
  ): PagePromise<s.EntityLink> {
    const at = linksOfOne.on(
      this._client,
      (sc) => path`/api/v4/${sourceType(sc, type)}/${id}/links`,
    );
    return at.list(params, options);
  }

  /** Lists the links of several entities of one type (`filter[entity_id][]`). */
  listMany(
    type: s.LinkSourceType,
    ids: readonly number[],
    params?: s.LinkListParams,
    options?: ListOptions,
  ): PagePromise<s.EntityLink> {
    const at = linksOfMany.on(this._client, (sc) => path`/api/v4/${sourceType(sc, type)}/links`);
    return at.list({ ...params, entity_id: ids }, options);
  }

  /**
   * Links one entity to others and returns the links Kommo stored.
   *
   * @throws {@link RequestValidationError} before sending, for invalid links (1 to 250).
   */
  async link(
    type: s.LinkSourceType,
    id: number,
    links: readonly EntityLinkInput[],
    options?: RequestOptions,
  ): Promise<s.EntityLink[]> {
    const sc = await linksOfOne.schemas();
    return sendWrite(this._client, {
      method: 'POST',
      path: path`/api/v4/${sourceType(sc, type)}/${id}/link`,
      body: parseInput(sc.links, links, 'links'),
      key: 'links',
      schema: sc.item,
      what: `${type} links`,
      options,
    });
  }

  /** Removes links from one entity. */
  unlink(
    type: s.LinkSourceType,
    id: number,
    links: readonly EntityLinkInput[],
    options?: RequestOptions,
  ): Promise<void> {
    return this.#of(type).unlink(id, links, options);
  }

  /**
   * Creates links from many entities of one type in chunks (`POST /api/v4/{type}/link`, each
   * item with its `entity_id`); results come back in input order.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async linkMany(
    type: s.LinkSourceType,
    items: readonly s.EntityLinkManyItem[],
    options?: BatchOptions,
  ): Promise<s.EntityLink[]> {
    const sc = await linksOfOne.schemas();
    const route = path`/api/v4/${sourceType(sc, type)}/link`;
    return this.#batch(sc, { items, options }, (body, opts) =>
      sendWrite(this._client, {
        method: 'POST',
        path: route,
        body,
        key: 'links',
        schema: sc.item,
        what: `${type} links`,
        options: opts,
      }),
    );
  }

  /**
   * Removes links from many entities of one type in chunks (`POST /api/v4/{type}/unlink`).
   * Kommo answers 204, so each applied item's result is the link you passed.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async unlinkMany(
    type: s.LinkSourceType,
    items: readonly s.EntityLinkManyItem[],
    options?: BatchOptions,
  ): Promise<s.EntityLinkManyItem[]> {
    const sc = await linksOfOne.schemas();
    const route = path`/api/v4/${sourceType(sc, type)}/unlink`;
    return this.#batch(sc, { items, options }, async (body, opts) => {
      await this._client._send({ method: 'POST', path: route, body }, opts);
      return body;
    });
  }

  #of(type: s.LinkSourceType) {
    return linksOfOne.on(this._client, (sc) => path`/api/v4/${sourceType(sc, type)}`);
  }

  /** Validates link items and writes them in chunks, matched by position. */
  #batch<R>(
    sc: Awaited<ReturnType<typeof load>>,
    {
      items,
      options,
    }: { items: readonly s.EntityLinkManyItem[]; options?: BatchOptions | undefined },
    send: (body: s.EntityLinkManyItem[], options: RequestOptions) => Promise<R[]>,
  ): Promise<R[]> {
    const bodies = parseInput(sc.many, items, 'links');
    return runBatch(
      bodies as Array<s.EntityLinkManyItem & { request_id?: string }>,
      {
        maxChunkSize: MAX_LINKS,
        what: 'links',
        // Kommo's link answers carry no request_id: results match by position.
        requestIds: () => [],
        // Link items go out without the batch's request_id: Kommo documents none for links.
        send: (chunk, opts) => send(chunk.map(withoutRequestId), opts),
      },
      options,
    );
  }
}

function withoutRequestId<T extends { request_id?: string | undefined }>(
  item: T,
): Omit<T, 'request_id'> {
  const rest: Partial<T> = { ...item };
  delete rest.request_id;
  return rest as Omit<T, 'request_id'>;
}
