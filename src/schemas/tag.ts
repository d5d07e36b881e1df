/**
 * Tags: the per-entity-type dictionaries (`/api/v4/{entity}/tags`) and the inputs of the
 * additive attach/detach helpers.
 *
 * @see https://developers.kommo.com/reference/tags-list
 * @module
 */

import { z } from 'zod';
import { TAG_COLORS } from '../facts.js';
import {
  IdSchema,
  IdsFilterSchema,
  LimitSchema,
  PageSchema,
  RequestIdSchema,
  TagInputSchema,
  TagSchema,
  WriteRefSchema,
  collectionSchema,
} from './common.js';

/** Entity types that have tags; each has its own dictionary (one name, different ids). */
export const TagEntityTypeSchema = z.enum(['leads', 'contacts', 'companies', 'customers']);
/** Entity types that have tags. */
export type TagEntityType = z.infer<typeof TagEntityTypeSchema>;

/** A lead-tag color Kommo offers. */
export type TagColor = (typeof TAG_COLORS)[number];

/** A page of tags. */
export const TagCollectionSchema = collectionSchema('tags', TagSchema);

/** What a tag create returns: the tag (existing or new) and your `request_id`. */
export const TagRefSchema = TagSchema.extend({
  request_id: z.union([z.string(), z.number()]).nullish(),
});
/** What a tag create returns: `{ id, name, color, request_id }` (an existing name keeps its id). */
export type TagRef = z.infer<typeof TagRefSchema>;

/** Params of `tags.list`. */
export const TagListParamsSchema = z.strictObject({
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
  /** Full-text search on the name. */
  query: z.string().min(1).optional(),
  filter: z
    .strictObject({
      /** Exact name; one name only. */
      name: z.string().min(1).optional(),
      id: IdsFilterSchema.optional(),
    })
    .optional(),
});
/** Params of `tags.list`. */
export type TagListParams = z.infer<typeof TagListParamsSchema>;

/** The body of a tag create. */
export const TagCreateParamsSchema = z.strictObject({
  name: z.string().trim().min(1),
  /** Lead tags only: one of {@link TAG_COLORS} (hex, no `#`). */
  color: z.enum(TAG_COLORS).nullable().optional(),
  request_id: RequestIdSchema.optional(),
});
/** The body of a tag create: `name`, and a `color` for lead tags. */
export type TagCreateParams = z.input<typeof TagCreateParamsSchema>;

/** A tag to attach or detach: a name, or `{ id }` / `{ name }`. */
export const TagRefInputSchema = z.union([
  z
    .string()
    .trim()
    .min(1)
    .transform((name) => ({ name })),
  TagInputSchema,
]);
/** A tag to attach or detach: a name (`'vip'`), `{ name }` or `{ id }`. */
export type TagRefInput = z.input<typeof TagRefInputSchema>;

/** One entity's tag change for `tags.changeMany`. */
export const TagChangeSchema = z
  .strictObject({
    /** The entity's id. */
    id: IdSchema,
    add: z.array(TagRefInputSchema).optional(),
    remove: z.array(TagRefInputSchema).optional(),
  })
  .refine((c) => (c.add?.length ?? 0) + (c.remove?.length ?? 0) > 0, {
    message: 'Give at least one tag to add or remove',
    path: ['add'],
  });
/** One entity's tag change: `{ id, add?, remove? }`. */
export type TagChange = z.input<typeof TagChangeSchema>;

/**
 * The schemas of `kommo.tags` by what they check, for its route spec.
 *
 * @internal
 */
export function tagRouteSchemas() {
  return {
    item: TagSchema,
    page: TagCollectionSchema,
    list: TagListParamsSchema,
    entityType: TagEntityTypeSchema,
    create: TagCreateParamsSchema,
    creates: z.array(TagCreateParamsSchema),
    created: TagRefSchema,
    changes: z.array(TagChangeSchema),
    // The SDK's own cap on the tags of one add/remove, well above what a card shows.
    refs: z.array(TagRefInputSchema).min(1).max(100),
    changed: WriteRefSchema,
  };
}
