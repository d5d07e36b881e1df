/**
 * Building blocks shared by every answer and input schema: HAL links, `_embedded` collections,
 * tags, entity references, ids and the few fields that come in two shapes.
 *
 * Answers are lenient (`z.looseObject`, unknown keys kept, most fields `.nullish()`); inputs are
 * strict (`z.strictObject`, so a typo fails before anything is sent).
 *
 * @module
 */

import { z } from 'zod';

/** A number Kommo sometimes sends as a string (`"12.5"`, `"0012.50"`, `"1570178452"`). */
export const NumberOrStringSchema = z.union([z.number(), z.string()]);
/** A number Kommo sometimes sends as a string. Kept as it came; convert where you need math. */
export type NumberOrString = z.infer<typeof NumberOrStringSchema>;

/** One HAL link. */
const LinkSchema = z.looseObject({ href: z.string().nullish() });

/** HAL `_links` of an entity or a collection. */
export const LinksSchema = z.looseObject({
  self: LinkSchema.nullish(),
  next: LinkSchema.nullish(),
  prev: LinkSchema.nullish(),
  first: LinkSchema.nullish(),
});
/** HAL `_links` (`self`, and `next`/`prev`/`first` on collections). */
export type HalLinks = z.infer<typeof LinksSchema>;

/** A tag as embedded in leads, contacts and companies. */
export const TagSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  /** Lead tags only, e.g. `"EBEBEB"` (no `#`); `null` elsewhere. */
  color: z.string().nullish(),
});
/** A tag embedded in an entity. */
export type Tag = z.infer<typeof TagSchema>;

/**
 * One entry of an `_embedded` list, which Kommo sends as the object (`{ id, … }`) or as the
 * bare id: a role lists its users as ids (`"users": [5012345, 5012346]`), and every list of
 * references is read the same way, so an answer in either shape parses. The entry is kept as
 * Kommo sent it; get the ids with {@link embeddedIds}, or narrow with
 * `typeof entry === 'number'` before reading other fields. The one place this union is built.
 *
 * @internal
 */
export function idOrObject<T extends z.ZodType>(item: T) {
  return z.union([z.number(), item]);
}
/**
 * An entry of an `_embedded` list: the bare id, or the object (see {@link embeddedIds}).
 *
 * @example
 * ```ts
 * for (const user of role._embedded?.users ?? []) {
 *   const id = typeof user === 'number' ? user : user.id;
 * }
 * ```
 */
export type IdOrObject<T> = number | T;

/** A reference to another entity (`{ id, _links }`, plus `is_main` for contacts). */
export const EntityRefSchema = z.looseObject({
  id: z.number(),
  is_main: z.boolean().nullish(),
  _links: LinksSchema.nullish(),
});
/** A reference to a linked entity, as embedded in another one. */
export type EntityRef = z.infer<typeof EntityRefSchema>;

/**
 * What a write returns for each item: Kommo sends back only minimal objects, never the full
 * entity. Re-read with `get` when you need the new state.
 */
export const WriteRefSchema = z.looseObject({
  id: z.number(),
  /** Your `request_id`, or the one the SDK set (the item's input index as a string). */
  request_id: z.union([z.string(), z.number()]).nullish(),
  updated_at: z.number().nullish(),
  _links: LinksSchema.nullish(),
});
/** The minimal object Kommo returns for a created or updated item. */
export type WriteRef = z.infer<typeof WriteRefSchema>;

/** The outer fields of a HAL collection answer; `_embedded` is added per resource. @internal */
const CollectionMetaShape = {
  _page: z.number().nullish(),
  _page_count: z.number().nullish(),
  _total_items: z.number().nullish(),
  _links: LinksSchema.nullish(),
};

/**
 * A HAL collection whose items live in `_embedded[key]`. A missing `_embedded` (or key) is an
 * empty page.
 *
 * @internal
 */
export function collectionSchema<K extends string, T extends z.ZodType>(key: K, item: T) {
  return z.looseObject({
    ...CollectionMetaShape,
    _embedded: z
      .looseObject({ [key]: z.array(item).nullish() } as Record<
        K,
        z.ZodOptional<z.ZodNullable<z.ZodArray<T>>>
      >)
      .nullish(),
  });
}

// ---------------------------------------------------------------------------------------------
// Input building blocks (strict).

/** A positive integer id, as every Kommo entity id is. */
export const IdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** A user id in `created_by`/`updated_by`: `0` means "robot"/API. */
export const UserIdOrZeroSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** Unix time in seconds. */
export const UnixTimeSchema = z.number().int().nonnegative();
/**
 * A `request_id`: echoed back by Kommo to match results to inputs. Kept to `[A-Za-z0-9_-]` as
 * the official SDK validates.
 */
export const RequestIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/, 'request_id may contain only letters, digits, "_" and "-"');

/** An absolute `http(s)` URL (recordings, links, buttons). */
export const HttpUrlSchema = z.url({ protocol: /^https?$/, error: 'Expected an http(s) URL' });

/** `1..250`, Kommo's page-size bound. */
export const LimitSchema = z.number().int().min(1).max(250);
/** A 1-based page number. */
export const PageSchema = z.number().int().min(1);
/** `asc` or `desc`. */
export const SortDirectionSchema = z.enum(['asc', 'desc']);
/** Sort direction of an `order` parameter. */
export type SortDirection = z.infer<typeof SortDirectionSchema>;

/** A unix-seconds range filter: `{ from?, to? }`. */
export const RangeSchema = z.strictObject({
  from: z.number().optional(),
  to: z.number().optional(),
});
/** A range filter, e.g. `{ from: 1575296400, to: 1589540009 }` (unix seconds, or amounts for `price`). */
export type Range = z.infer<typeof RangeSchema>;

/** One id or several ids (`filter[id][]=1&filter[id][]=2`). */
export const IdsFilterSchema = z.union([IdSchema, z.array(IdSchema).min(1)]);
/** A user-id filter (`0` allowed: robot). */
export const UserIdsFilterSchema = z.union([
  UserIdOrZeroSchema,
  z.array(UserIdOrZeroSchema).min(1),
]);
/** A unix time (meaning "from this time on") or a range. */
export const TimeFilterSchema = z.union([UnixTimeSchema, RangeSchema]);

/** A tag to add: by `id` or by `name` (created when missing). */
export const TagInputSchema = z.union([
  z.strictObject({ id: IdSchema }),
  z.strictObject({ name: z.string().min(1) }),
]);
/** A tag to attach, by `id` or by `name`. */
export type TagInput = z.infer<typeof TagInputSchema>;

/** A full tag entry of `_embedded.tags` (which replaces every tag). */
export const EmbeddedTagInputSchema = z.union([
  z.strictObject({ id: IdSchema }),
  z.strictObject({ name: z.string().min(1), color: z.string().optional() }),
]);

/** Entity types links go to. */
export const LinkEntityTypeSchema = z.enum([
  'leads',
  'contacts',
  'companies',
  'customers',
  'catalog_elements',
]);
/** Entity types a link can point to. */
export type LinkEntityType = z.infer<typeof LinkEntityTypeSchema>;

/** One link to create or remove from an entity. */
export const EntityLinkInputSchema = z.strictObject({
  to_entity_id: IdSchema,
  to_entity_type: LinkEntityTypeSchema,
  metadata: z
    .strictObject({
      /** For `catalog_elements`. */
      catalog_id: IdSchema.optional(),
      /** For `catalog_elements`: may be fractional. */
      quantity: z.number().positive().optional(),
      /** For contacts: mark as the main contact. */
      is_main: z.boolean().optional(),
      /** For catalog elements with several prices. */
      price_id: IdSchema.optional(),
      updated_by: UserIdOrZeroSchema.optional(),
    })
    .optional(),
});
/** A link to create or remove: `{ to_entity_id, to_entity_type, metadata? }`. */
export type EntityLinkInput = z.infer<typeof EntityLinkInputSchema>;
