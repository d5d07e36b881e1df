/**
 * Short links (`POST /api/v4/short_links`): `amo.sh` links bound to a contact, so a visit adds
 * a site-visit note to the contact. Input schema (strict) and the answer (lenient).
 *
 * @see https://www.amocrm.ru/developers/content/crm_platform/short_links
 * @module
 */

import { z } from 'zod';
import { HttpUrlSchema, IdSchema, LinksSchema, collectionSchema } from './common.js';

/** One short link to make: the URL to shorten and the contact it belongs to. */
export const ShortLinkCreateParamsSchema = z.strictObject({
  url: HttpUrlSchema,
  metadata: z.strictObject({
    /** Kommo binds short links to contacts only. */
    entity_type: z.literal('contacts'),
    entity_id: IdSchema,
  }),
});
/**
 * One short link to make. Make one per recipient: a visit is recorded on that contact (and
 * later used to merge their chats), so show managers the original URL, never the short one.
 */
export type ShortLinkCreateParams = z.input<typeof ShortLinkCreateParamsSchema>;

/** A short link as Kommo returns it. */
export const ShortLinkSchema = z.looseObject({
  /** The short URL (`https://amo.sh/…`). */
  url: z.string(),
  account_id: z.number().nullish(),
  metadata: z
    .looseObject({ entity_type: z.string().nullish(), entity_id: z.number().nullish() })
    .nullish(),
  _links: LinksSchema.nullish(),
});
/** A short link bound to a contact. */
export type ShortLink = z.infer<typeof ShortLinkSchema>;

/**
 * The schemas of `kommo.shortLinks`, loaded on its first use.
 *
 * @internal
 */
export function shortLinkSchemas() {
  return {
    creates: z.array(ShortLinkCreateParamsSchema),
    answer: collectionSchema('short_links', ShortLinkSchema),
  };
}
