/**
 * `kommo.tags`: the tag dictionaries of leads, contacts, companies and customers, and additive
 * attach/detach of tags on entities.
 *
 * @see https://developers.kommo.com/reference/tags-list
 * @module
 */

import { sendWriteMany, sendWriteOne, type BatchOptions } from '../core/batch.js';
import { RequestValidationError } from '../core/errors.js';
import type { RequestOptions } from '../core/options.js';
import type { ListOptions, PagePromise } from '../core/pagination.js';
import { assertId, path } from '../core/path.js';
import { parseInput } from '../core/schema.js';
import { MAX_BATCH_ITEMS } from '../facts.js';
import type { Tag, WriteRef } from '../schemas/common.js';
import type * as s from '../schemas/tag.js';
import { APIResource, route } from './resource.js';

/** `/api/v4/{type}/tags`: one dictionary per entity type. */
const dictionaries = route({
  key: 'tags',
  names: ['tag', 'tags'],
  schemas: () => import('../schemas/tag.js').then((m) => m.tagRouteSchemas()),
});

/** The entity type of a path, checked. */
function entityType(
  schemas: { entityType: typeof s.TagEntityTypeSchema },
  value: unknown,
): s.TagEntityType {
  return parseInput(schemas.entityType, value, 'tag entity type');
}

/** Refuses colors on tags other than lead tags, which have none. */
function checkColors<T extends { color?: string | null | undefined }>(
  type: string,
  items: T[],
): T[] {
  if (type === 'leads') return items;
  const issues = items.flatMap((item, i) =>
    item.color == null ? [] : [{ path: [i, 'color'], message: 'Only lead tags have colors' }],
  );
  if (issues.length > 0)
    throw new RequestValidationError(`Invalid tags: only lead tags have colors (${type})`, issues);
  return items;
}

/**
 * Tags. Every entity type has its own dictionary, so `vip` on leads and `vip` on contacts are
 * two tags with two ids; only lead tags have colors.
 *
 * Attaching and detaching never wipes other tags: {@link Tags.add}, {@link Tags.remove} and
 * {@link Tags.changeMany} send Kommo's `tags_to_add` / `tags_to_delete` on a `PATCH` of the
 * entity, which keep every tag not named. (Sending `_embedded.tags` in a `PATCH` would replace
 * the whole set, so two integrations editing one lead would lose each other's tags.) A tag given
 * by name that does not exist yet is created by Kommo.
 *
 * @example
 * ```ts
 * await kommo.tags.add('leads', leadId, ['vip', 'from-chat']);
 * await kommo.tags.remove('leads', leadId, [{ id: 2707 }]);
 * const [vip] = await kommo.tags.list('leads', { filter: { name: 'vip' } }).toArray({ max: 1 });
 * ```
 * @see https://developers.kommo.com/reference/tags-list
 */
export class Tags extends APIResource {
  /**
   * Lists the tags of one entity type. `filter.name` matches one exact name; `query` searches.
   *
   * @throws {@link RequestValidationError} (on first use) for invalid params.
   */
  list(type: s.TagEntityType, params?: s.TagListParams, options?: ListOptions): PagePromise<Tag> {
    const at = dictionaries.on(this._client, (sc) => path`/api/v4/${entityType(sc, type)}/tags`);
    return at.list(params, options);
  }

  /**
   * Creates a tag in one entity type's dictionary. A name that already exists returns the
   * existing tag's id.
   *
   * @throws {@link RequestValidationError} before sending, e.g. for a `color` on a non-lead tag.
   */
  async create(
    type: s.TagEntityType,
    params: s.TagCreateParams,
    options?: RequestOptions,
  ): Promise<s.TagRef> {
    const sc = await dictionaries.schemas();
    const e = entityType(sc, type);
    const body = checkColors(e, [parseInput(sc.create, params, 'tag')]);
    return sendWriteOne(this._client, {
      method: 'POST',
      path: path`/api/v4/${e}/tags`,
      body,
      key: 'tags',
      schema: sc.created,
      what: 'tag',
      options,
    });
  }

  /**
   * Creates any number of tags in chunks; refs come back in input order.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async createMany(
    type: s.TagEntityType,
    items: readonly s.TagCreateParams[],
    options?: BatchOptions,
  ): Promise<s.TagRef[]> {
    const sc = await dictionaries.schemas();
    const e = entityType(sc, type);
    return sendWriteMany(this._client, {
      method: 'POST',
      path: path`/api/v4/${e}/tags`,
      items: checkColors(e, parseInput(sc.creates, items, 'tags')),
      key: 'tags',
      schema: sc.created,
      what: `${e} tags`,
      maxChunk: MAX_BATCH_ITEMS,
      options,
    });
  }

  /**
   * Attaches tags to one entity and keeps its other tags: sends `PATCH /api/v4/{type}/{id}`
   * with `{ tags_to_add: [...] }`. Names that do not exist yet are created.
   *
   * @example
   * ```ts
   * await kommo.tags.add('contacts', 7, ['newsletter', { id: 2707 }]);
   * ```
   */
  async add(
    type: s.TagEntityType,
    entityId: number,
    tags: readonly s.TagRefInput[],
    options?: RequestOptions,
  ): Promise<WriteRef> {
    const tags_to_add = parseInput((await dictionaries.schemas()).refs, tags, 'tags to add');
    return this.#patchOne(type, entityId, { body: { tags_to_add }, options });
  }

  /**
   * Detaches tags from one entity and keeps its other tags: sends
   * `PATCH /api/v4/{type}/{id}` with `{ tags_to_delete: [...] }`. The tags stay in the
   * dictionary.
   */
  async remove(
    type: s.TagEntityType,
    entityId: number,
    tags: readonly s.TagRefInput[],
    options?: RequestOptions,
  ): Promise<WriteRef> {
    const { refs } = await dictionaries.schemas();
    const tags_to_delete = parseInput(refs, tags, 'tags to remove');
    return this.#patchOne(type, entityId, { body: { tags_to_delete }, options });
  }

  /**
   * Adds and removes tags on many entities of one type in chunks (`PATCH /api/v4/{type}` with
   * `tags_to_add` / `tags_to_delete` per item); other tags are kept.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async changeMany(
    type: s.TagEntityType,
    changes: readonly s.TagChange[],
    options?: BatchOptions,
  ): Promise<WriteRef[]> {
    const sc = await dictionaries.schemas();
    const e = entityType(sc, type);
    const bodies = parseInput(sc.changes, changes, 'tag changes').map((c) => ({
      id: c.id,
      ...(c.add && c.add.length > 0 ? { tags_to_add: c.add } : {}),
      ...(c.remove && c.remove.length > 0 ? { tags_to_delete: c.remove } : {}),
    }));
    return sendWriteMany(this._client, {
      method: 'PATCH',
      path: path`/api/v4/${e}`,
      items: bodies as Array<(typeof bodies)[number] & { request_id?: string }>,
      key: e,
      schema: sc.changed,
      what: `${e} tag changes`,
      maxChunk: MAX_BATCH_ITEMS,
      options,
    });
  }

  async #patchOne(
    type: s.TagEntityType,
    entityId: number,
    { body, options }: { body: Record<string, unknown>; options: RequestOptions | undefined },
  ): Promise<WriteRef> {
    const sc = await dictionaries.schemas();
    const e = entityType(sc, type);
    assertId(entityId, 'entityId');
    // Kommo answers a single PATCH either wrapped in `_embedded[type]` or as the bare ref.
    return sendWriteOne(this._client, {
      method: 'PATCH',
      path: path`/api/v4/${e}/${entityId}`,
      body,
      key: e,
      schema: sc.changed,
      what: `${e} tags`,
      options,
    });
  }
}
