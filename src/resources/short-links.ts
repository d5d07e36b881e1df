/**
 * `kommo.shortLinks`: `amo.sh` links bound to contacts (`POST /api/v4/short_links`).
 *
 * @see https://www.amocrm.ru/developers/content/crm_platform/short_links
 * @module
 */

import { runBatch, type BatchOptions, type ChunkAnswer } from '../core/batch.js';
import { KommoError, type KommoValidationError } from '../core/errors.js';
import type { RequestOptions } from '../core/options.js';
import { lazy, parseInput, parseResponse } from '../core/schema.js';
import { MAX_SHORT_LINKS } from '../facts.js';
import type { ShortLink, ShortLinkCreateParams } from '../schemas/short-link.js';
import { APIResource } from './resource.js';

const PATH = '/api/v4/short_links';

const schemas = lazy(() => import('../schemas/short-link.js').then((m) => m.shortLinkSchemas()));

/**
 * Short links: a visit of one adds a site-visit note to its contact and lets Kommo merge that
 * visitor's chats later. Make one per recipient, and show managers the original URL.
 *
 * @example
 * ```ts
 * const links = await kommo.shortLinks.createMany(
 *   contacts.map((c) => ({ url: 'https://shop.example.com/sale', metadata: { entity_type: 'contacts', entity_id: c.id } })),
 * );
 * ```
 */
export class ShortLinks extends APIResource {
  /**
   * Makes one short link.
   *
   * @throws {@link BatchError} when Kommo made none (no rights to the contact).
   */
  async create(params: ShortLinkCreateParams, options?: RequestOptions): Promise<ShortLink> {
    const [link] = await this.createMany([params], options);
    return link as ShortLink;
  }

  /**
   * Makes short links in chunks (at most 250 per request) and returns them in input order,
   * matched to the inputs by contact (Kommo sends no `request_id` back).
   *
   * @throws {@link RequestValidationError} before sending anything, naming the item index.
   * @throws {@link BatchError} when Kommo made no link for some contacts (no rights to them):
   *   those items are `failed`, the others `applied`.
   */
  async createMany(
    items: readonly ShortLinkCreateParams[],
    options?: BatchOptions,
  ): Promise<ShortLink[]> {
    const { creates, answer: answerSchema } = await schemas();
    const bodies = parseInput(creates, items, 'short links');
    const client = this._client;
    // Which input each answer belongs to: Kommo echoes the contact, not a request id.
    const owner = new WeakMap<ShortLink, string>();
    return runBatch(
      bodies.map((body, i) => ({ ...body, request_id: String(i) })),
      {
        maxChunkSize: MAX_SHORT_LINKS,
        what: 'short links',
        requestIds: (link) => {
          const id = owner.get(link);
          return id === undefined ? [] : [id];
        },
        send: async (chunk, opts): Promise<ShortLink[] | ChunkAnswer<ShortLink>> => {
          // Kommo documents no `request_id` here: send the links without the SDK's ids.
          const body = chunk.map((item) => ({ url: item.url, metadata: item.metadata }));
          const response = await client._send({ method: 'POST', path: PATH, body }, opts);
          const answer = parseResponse(answerSchema, response.body ?? {}, {
            what: `short links (POST ${PATH})`,
            validate: client._validateResponses,
          });
          const links = answer._embedded?.short_links ?? [];
          const waiting = [...chunk];
          for (const link of links) {
            const at = waiting.findIndex(
              (item) => item.metadata.entity_id === link.metadata?.entity_id,
            );
            const [item] = at === -1 ? [] : waiting.splice(at, 1);
            if (item) owner.set(link, item.request_id);
          }
          if (waiting.length === 0) return links;
          const refused: KommoValidationError[] = waiting.map((item) => ({
            requestId: item.request_id,
            errors: [
              {
                code: 'NotCreated',
                path: 'metadata.entity_id',
                detail: 'Kommo made no link for this contact (no rights to it?)',
              },
            ],
          }));
          const error = new KommoError(
            'bad_request',
            `Kommo made ${String(links.length)} of ${String(chunk.length)} short links (POST ${PATH})`,
          );
          return { refs: links, refused, error };
        },
      },
      options,
    );
  }
}
