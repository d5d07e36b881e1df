/**
 * `kommo.links`: read, create and remove links between any two entities, one at a time or in
 * batches.
 *
 * @see https://developers.kommo.com/reference/links-list
 * @module
 */

import { MAX_LINKS } from '../facts.js';
import { z } from 'zod';
import { runBatch, sendWrite, type BatchOptions } from '../core/batch.js';
import type { RequestOptions } from '../core/options.js';
import { listPages, type ListOptions, type PagePromise } from '../core/pagination.js';
import { assertId, path } from '../core/path.js';
import {
  EntityLinkInputSchema,
  IdSchema,
  parseInput,
  type EntityLinkInput,
} from '../schemas/common.js';
import {
  EntityLinkCollectionSchema,
  EntityLinkManyItemSchema,
  EntityLinkSchema,
  LinkListParamsSchema,
  LinkSourceTypeSchema,
  type EntityLink,
  type EntityLinkManyItem,
  type LinkListParams,
  type LinkSourceType,
} from '../schemas/link.js';
import { APIResource } from './resource.js';

function sourceType(value: LinkSourceType): LinkSourceType {
  return parseInput(LinkSourceTypeSchema, value, 'link entity type');
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
    type: LinkSourceType,
    id: number,
    params?: LinkListParams,
    options?: ListOptions,
  ): PagePromise<EntityLink> {
    return listPages<EntityLink>(
      this._client,
      () => {
        const e = sourceType(type);
        const p = parseInput(LinkListParamsSchema, params ?? {}, 'link list params');
        return {
          path: path`/api/v4/${e}/${id}/links`,
          query: { filter: p.filter },
          key: 'links',
          schema: EntityLinkCollectionSchema,
          what: `${e} links`,
          page: p.page,
          limit: p.limit,
        };
      },
      options,
    );
  }

  /** Lists the links of several entities of one type (`filter[entity_id][]`). */
  listMany(
    type: LinkSourceType,
    ids: readonly number[],
    params?: LinkListParams,
    options?: ListOptions,
  ): PagePromise<EntityLink> {
    return listPages<EntityLink>(
      this._client,
      () => {
        const e = sourceType(type);
        const entityIds = parseInput(z.array(IdSchema).min(1).max(MAX_LINKS), ids, 'entity ids');
        const p = parseInput(LinkListParamsSchema, params ?? {}, 'link list params');
        return {
          path: path`/api/v4/${e}/links`,
          query: { filter: { entity_id: entityIds, ...p.filter } },
          key: 'links',
          schema: EntityLinkCollectionSchema,
          what: `${e} links`,
          page: p.page,
          limit: p.limit,
        };
      },
      options,
    );
  }

  /**
   * Links one entity to others and returns the links Kommo stored.
   *
   * @throws {@link RequestValidationError} before sending, for invalid links (1 to 250).
   */
  async link(
    type: LinkSourceType,
    id: number,
    links: readonly EntityLinkInput[],
    options?: RequestOptions,
  ): Promise<EntityLink[]> {
    const e = sourceType(type);
    assertId(id);
    const body = parseInput(z.array(EntityLinkInputSchema).min(1).max(MAX_LINKS), links, 'links');
    return sendWrite(
      this._client,
      { method: 'POST', path: path`/api/v4/${e}/${id}/link`, body },
      'links',
      EntityLinkSchema,
      `${e} links`,
      options,
    );
  }

  /** Removes links from one entity. */
  async unlink(
    type: LinkSourceType,
    id: number,
    links: readonly EntityLinkInput[],
    options?: RequestOptions,
  ): Promise<void> {
    const e = sourceType(type);
    assertId(id);
    const body = parseInput(z.array(EntityLinkInputSchema).min(1).max(MAX_LINKS), links, 'links');
    await this._client._send(
      { method: 'POST', path: path`/api/v4/${e}/${id}/unlink`, body },
      options,
    );
  }

  /**
   * Creates links from many entities of one type in chunks (`POST /api/v4/{type}/link`, each
   * item with its `entity_id`); results come back in input order.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async linkMany(
    type: LinkSourceType,
    items: readonly EntityLinkManyItem[],
    options?: BatchOptions,
  ): Promise<EntityLink[]> {
    const e = sourceType(type);
    const bodies = parseInput(z.array(EntityLinkManyItemSchema), items, 'links');
    return runBatch(
      bodies as Array<(typeof bodies)[number] & { request_id?: string }>,
      {
        maxChunkSize: MAX_LINKS,
        what: `${e} links`,
        // Kommo's link answers carry no request_id: results match by position.
        requestIds: () => [],
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'POST', path: path`/api/v4/${e}/link`, body: chunk.map(withoutRequestId) },
            'links',
            EntityLinkSchema,
            `${e} links`,
            opts,
          ),
      },
      options,
    );
  }

  /**
   * Removes links from many entities of one type in chunks (`POST /api/v4/{type}/unlink`).
   * Kommo answers 204, so each applied item's result is the link you passed.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async unlinkMany(
    type: LinkSourceType,
    items: readonly EntityLinkManyItem[],
    options?: BatchOptions,
  ): Promise<EntityLinkManyItem[]> {
    const e = sourceType(type);
    const bodies = parseInput(z.array(EntityLinkManyItemSchema), items, 'links');
    return runBatch(
      bodies as Array<(typeof bodies)[number] & { request_id?: string }>,
      {
        maxChunkSize: MAX_LINKS,
        what: `${e} unlinks`,
        requestIds: () => [],
        send: async (chunk, opts) => {
          const plain = chunk.map(withoutRequestId);
          await this._client._send(
            { method: 'POST', path: path`/api/v4/${e}/unlink`, body: plain },
            opts,
          );
          return plain;
        },
      },
      options,
    );
  }
}

/** Link items go out without the batch's request_id: Kommo documents none for links. */
function withoutRequestId<T extends { request_id?: string | undefined }>(
  item: T,
): Omit<T, 'request_id'> {
  const rest: Partial<T> = { ...item };
  delete rest.request_id;
  return rest as Omit<T, 'request_id'>;
}
