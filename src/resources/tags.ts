/**
 * `kommo.tags`: the tag dictionaries of leads, contacts, companies and customers, and additive
 * attach/detach of tags on entities.
 *
 * @see https://developers.kommo.com/reference/tags-list
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
import { RequestValidationError } from '../core/errors.js';
import type { RequestOptions } from '../core/options.js';
import { listPages, type ListOptions, type PagePromise } from '../core/pagination.js';
import { assertId, path } from '../core/path.js';
import { WriteRefSchema, parseInput, type Tag, type WriteRef } from '../schemas/common.js';
import {
  TagChangeSchema,
  TagCollectionSchema,
  TagCreateParamsSchema,
  TagEntityTypeSchema,
  TagListParamsSchema,
  TagRefInputSchema,
  TagRefSchema,
  type TagChange,
  type TagCreateParams,
  type TagEntityType,
  type TagListParams,
  type TagRef,
  type TagRefInput,
} from '../schemas/tag.js';
import { APIResource } from './resource.js';

function entityType(value: TagEntityType): TagEntityType {
  return parseInput(TagEntityTypeSchema, value, 'tag entity type');
}

function tagList(
  tags: readonly TagRefInput[],
  what: string,
): Array<{ id: number } | { name: string }> {
  return parseInput(z.array(TagRefInputSchema).min(1).max(100), tags, what);
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
  list(type: TagEntityType, params?: TagListParams, options?: ListOptions): PagePromise<Tag> {
    return listPages<Tag>(
      this._client,
      () => {
        const e = entityType(type);
        const p = parseInput(TagListParamsSchema, params ?? {}, 'tag list params');
        return {
          path: path`/api/v4/${e}/tags`,
          query: { query: p.query, filter: p.filter },
          key: 'tags',
          schema: TagCollectionSchema,
          what: `${e} tags`,
          page: p.page,
          limit: p.limit,
        };
      },
      options,
    );
  }

  /**
   * Creates a tag in one entity type's dictionary. A name that already exists returns the
   * existing tag's id.
   *
   * @throws {@link RequestValidationError} before sending, e.g. for a `color` on a non-lead tag.
   */
  async create(
    type: TagEntityType,
    params: TagCreateParams,
    options?: RequestOptions,
  ): Promise<TagRef> {
    const e = entityType(type);
    const body = this.#checkColors(e, [parseInput(TagCreateParamsSchema, params, 'tag')]);
    return sendWriteOne(
      this._client,
      { method: 'POST', path: path`/api/v4/${e}/tags`, body },
      'tags',
      TagRefSchema,
      'tag',
      options,
    );
  }

  /**
   * Creates any number of tags in chunks; refs come back in input order.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async createMany(
    type: TagEntityType,
    items: readonly TagCreateParams[],
    options?: BatchOptions,
  ): Promise<TagRef[]> {
    const e = entityType(type);
    const bodies = this.#checkColors(e, parseInput(z.array(TagCreateParamsSchema), items, 'tags'));
    return runBatch(
      bodies,
      {
        maxChunkSize: 250,
        what: `${e} tags`,
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'POST', path: path`/api/v4/${e}/tags`, body: chunk },
            'tags',
            TagRefSchema,
            'tags',
            opts,
          ),
      },
      options,
    );
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
    type: TagEntityType,
    entityId: number,
    tags: readonly TagRefInput[],
    options?: RequestOptions,
  ): Promise<WriteRef> {
    return this.#patchOne(type, entityId, { tags_to_add: tagList(tags, 'tags to add') }, options);
  }

  /**
   * Detaches tags from one entity and keeps its other tags: sends
   * `PATCH /api/v4/{type}/{id}` with `{ tags_to_delete: [...] }`. The tags stay in the
   * dictionary.
   */
  async remove(
    type: TagEntityType,
    entityId: number,
    tags: readonly TagRefInput[],
    options?: RequestOptions,
  ): Promise<WriteRef> {
    return this.#patchOne(
      type,
      entityId,
      { tags_to_delete: tagList(tags, 'tags to remove') },
      options,
    );
  }

  /**
   * Adds and removes tags on many entities of one type in chunks (`PATCH /api/v4/{type}` with
   * `tags_to_add` / `tags_to_delete` per item); other tags are kept.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async changeMany(
    type: TagEntityType,
    changes: readonly TagChange[],
    options?: BatchOptions,
  ): Promise<WriteRef[]> {
    const e = entityType(type);
    const parsed = parseInput(z.array(TagChangeSchema), changes, 'tag changes');
    const bodies = parsed.map((c) => ({
      id: c.id,
      ...(c.add && c.add.length > 0 ? { tags_to_add: c.add } : {}),
      ...(c.remove && c.remove.length > 0 ? { tags_to_delete: c.remove } : {}),
    }));
    return runBatch(
      bodies as Array<(typeof bodies)[number] & { request_id?: string }>,
      {
        maxChunkSize: 250,
        what: `${e} tag changes`,
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'PATCH', path: path`/api/v4/${e}`, body: chunk },
            e,
            WriteRefSchema,
            `${e} tag changes`,
            opts,
          ),
      },
      options,
    );
  }

  async #patchOne(
    type: TagEntityType,
    entityId: number,
    body: Record<string, unknown>,
    options: RequestOptions | undefined,
  ): Promise<WriteRef> {
    const e = entityType(type);
    assertId(entityId, 'entityId');
    // Kommo answers a single PATCH either wrapped in `_embedded[type]` or as the bare ref.
    return sendWriteOne(
      this._client,
      { method: 'PATCH', path: path`/api/v4/${e}/${entityId}`, body },
      e,
      WriteRefSchema,
      `${e} tags`,
      options,
    );
  }

  #checkColors<T extends { color?: string | null | undefined }>(
    type: TagEntityType,
    items: T[],
  ): T[] {
    if (type === 'leads') return items;
    const issues = items.flatMap((item, i) =>
      item.color == null ? [] : [{ path: [i, 'color'], message: 'Only lead tags have colors' }],
    );
    if (issues.length > 0)
      throw new RequestValidationError(
        `Invalid tags: only lead tags have colors (${type})`,
        issues,
      );
    return items;
  }
}
