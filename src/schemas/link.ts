/**
 * Links between entities (`/api/v4/{entity}/{id}/links`, `/link`, `/unlink`): answer schema
 * (lenient) and inputs (strict).
 *
 * @see https://developers.kommo.com/reference/links-list
 * @module
 */

import { z } from 'zod';
import { MAX_LINKS } from '../facts.js';
import {
  EntityLinkInputSchema,
  IdSchema,
  IdsFilterSchema,
  LimitSchema,
  LinkEntityTypeSchema,
  LinksSchema,
  PageSchema,
  collectionSchema,
  type LinkEntityType,
} from './common.js';
import { openEnum } from './custom-field-values.js';

/** Entity types links start from. */
export const LinkSourceTypeSchema = z.enum(['leads', 'contacts', 'companies', 'customers']);
/** Entity types links start from (`/api/v4/{type}/{id}/links`). */
export type LinkSourceType = z.infer<typeof LinkSourceTypeSchema>;

/** One link as Kommo returns it. */
export const EntityLinkSchema = z.looseObject({
  /** Missing in the list of one entity's links. */
  entity_id: z.number().nullish(),
  entity_type: z.string().nullish(),
  to_entity_id: z.number(),
  to_entity_type: openEnum<LinkEntityType>(),
  /**
   * `null` for companies; `{ main_contact }` (some answers `is_main`) for contacts;
   * `{ catalog_id, quantity, price_id }` for catalog elements (`quantity` may be fractional).
   */
  metadata: z
    .looseObject({
      main_contact: z.boolean().nullish(),
      is_main: z.boolean().nullish(),
      catalog_id: z.number().nullish(),
      quantity: z.number().nullish(),
      price_id: z.number().nullish(),
      updated_by: z.number().nullish(),
    })
    .nullish(),
  _links: LinksSchema.nullish(),
});
/** A link from one entity to another. Unknown fields Kommo adds are kept. */
export type EntityLink = z.infer<typeof EntityLinkSchema>;

/** A page of links. */
export const EntityLinkCollectionSchema = collectionSchema('links', EntityLinkSchema);

/** Filters of a link list. */
const LinkFilterSchema = z.strictObject({
  to_entity_id: IdsFilterSchema.optional(),
  to_entity_type: LinkEntityTypeSchema.optional(),
  /** Only catalog-element links of this catalog. */
  to_catalog_id: IdSchema.optional(),
});
/** Filters of `links.list`. */
export type LinkFilter = z.infer<typeof LinkFilterSchema>;

/** Params of `links.list`. */
export const LinkListParamsSchema = z.strictObject({
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
  filter: LinkFilterSchema.optional(),
});
/** Params of `links.list` and `links.listMany`. */
export type LinkListParams = z.infer<typeof LinkListParamsSchema>;

/** One item of `links.linkMany` / `links.unlinkMany`: a link with its source entity. */
export const EntityLinkManyItemSchema = EntityLinkInputSchema.extend({ entity_id: IdSchema });
/** One item of `links.linkMany` / `links.unlinkMany`: `{ entity_id, to_entity_id, to_entity_type, metadata? }`. */
export type EntityLinkManyItem = z.input<typeof EntityLinkManyItemSchema>;

/**
 * The schemas of `kommo.links` by what they check, for its route specs.
 *
 * @internal
 */
export function linkRouteSchemas() {
  return {
    item: EntityLinkSchema,
    page: EntityLinkCollectionSchema,
    list: LinkListParamsSchema,
    /** The list params of several entities' links: their ids too (`filter[entity_id][]`). */
    listMany: LinkListParamsSchema.extend({ entity_id: z.array(IdSchema).min(1).max(MAX_LINKS) }),
    links: z.array(EntityLinkInputSchema).min(1).max(MAX_LINKS),
    many: z.array(EntityLinkManyItemSchema),
    sourceType: LinkSourceTypeSchema,
  };
}
