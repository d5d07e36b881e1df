/**
 * Sources (`/api/v4/sources`): where an integration's incoming leads and chats go. Answer
 * schema (lenient) and inputs (strict).
 *
 * @see https://developers.kommo.com/reference/sources
 * @module
 */

import { z } from 'zod';
import { MAX_SOURCE_ITEMS } from '../facts.js';
import { IdSchema, LinksSchema, RequestIdSchema } from './common.js';

/** One WhatsApp page of a source service. */
const SourcePageSchema = z.looseObject({
  id: z.string().nullish(),
  name: z.string().nullish(),
  /** A phone number. */
  link: z.string().nullish(),
});

/** A service of a source (only `whatsapp` exists). */
const SourceServiceSchema = z.looseObject({
  type: z.string().nullish(),
  params: z
    .looseObject({ waba: z.boolean().nullish(), is_supports_list_message: z.boolean().nullish() })
    .nullish(),
  pages: z.array(SourcePageSchema).nullish(),
});

/** A source as Kommo returns it. */
export const SourceSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  pipeline_id: z.number().nullish(),
  external_id: z.string().nullish(),
  default: z.boolean().nullish(),
  origin_code: z.string().nullish(),
  services: z.array(SourceServiceSchema).nullish(),
  request_id: z.union([z.string(), z.number()]).nullish(),
  _links: LinksSchema.nullish(),
});
/** A source of the integration. Unknown fields Kommo adds are kept. */
export type Source = z.infer<typeof SourceSchema>;

/** The source list (at most 100, no pages). */
export const SourceCollectionSchema = z.looseObject({
  _total_items: z.number().nullish(),
  _links: LinksSchema.nullish(),
  _embedded: z.looseObject({ sources: z.array(SourceSchema).nullish() }).nullish(),
});

/** `external_id`: at most 36 printable ASCII characters, unique per integration. */
const SourceExternalIdSchema = z
  .string()
  .min(1)
  .max(36)
  .regex(/^[\x20-\x7E]+$/, 'Printable ASCII only');

/** Params of `sources.list`. */
export const SourceListParamsSchema = z.strictObject({
  filter: z
    .strictObject({
      external_id: z
        .union([SourceExternalIdSchema, z.array(SourceExternalIdSchema).min(1)])
        .optional(),
    })
    .optional(),
});
/** Params of `sources.list`. */
export type SourceListParams = z.infer<typeof SourceListParamsSchema>;

/** A source service to write. */
const SourceServiceInputSchema = z.strictObject({
  type: z.literal('whatsapp'),
  params: z
    .strictObject({
      waba: z.boolean().optional(),
      is_supports_list_message: z.boolean().optional(),
    })
    .optional(),
  pages: z.array(
    z.strictObject({ id: z.string().min(1), name: z.string().min(1), link: z.string().min(1) }),
  ),
});
/** A WhatsApp service of a source (feeds the site button's WhatsApp choice). */
export type SourceServiceInput = z.input<typeof SourceServiceInputSchema>;

const sourceWriteShape = {
  /** May be an archived pipeline. */
  pipeline_id: IdSchema.optional(),
  /** The integration's default source. */
  default: z.boolean().optional(),
  /** Chat channel code used to start conversations, e.g. `amo.ext.30490163_v2`. */
  origin_code: z.string().min(1).nullable().optional(),
  services: z.array(SourceServiceInputSchema).optional(),
};

/** The body of a source create. */
export const SourceCreateParamsSchema = z.strictObject({
  name: z.string().trim().min(1),
  external_id: SourceExternalIdSchema,
  ...sourceWriteShape,
  request_id: RequestIdSchema.optional(),
});
/** The body of a source create: `name` and `external_id` (immutable afterwards). */
export type SourceCreateParams = z.input<typeof SourceCreateParamsSchema>;

/** The body of a source update (`external_id` cannot change). */
export const SourceUpdateParamsSchema = z.strictObject({
  name: z.string().trim().min(1).optional(),
  ...sourceWriteShape,
});
/** The body of `sources.update`. */
export type SourceUpdateParams = z.input<typeof SourceUpdateParamsSchema>;

/** One item of `sources.updateMany`. */
export const SourceUpdateItemSchema = SourceUpdateParamsSchema.extend({
  id: IdSchema,
  request_id: RequestIdSchema.optional(),
});
/** One item of `sources.updateMany`. */
export type SourceUpdateItem = z.input<typeof SourceUpdateItemSchema>;

/** The public types of `kommo.sources`, by what they are (see `RecordResource`). */
export interface SourceResourceTypes {
  item: Source;
  ref: Source;
  create: SourceCreateParams;
  update: SourceUpdateParams;
}

/**
 * The schemas of `kommo.sources` by what they check, for its route spec. Kommo answers source writes with the whole source.
 *
 * @internal
 */
export function sourceRouteSchemas() {
  return {
    item: SourceSchema,
    page: SourceCollectionSchema,
    ref: SourceSchema,
    list: SourceListParamsSchema,
    create: SourceCreateParamsSchema,
    update: SourceUpdateParamsSchema,
    updateItem: SourceUpdateItemSchema,
    ids: z.array(IdSchema).min(1).max(MAX_SOURCE_ITEMS),
  };
}
