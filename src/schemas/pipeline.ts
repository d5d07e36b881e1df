/**
 * Pipelines and their statuses (stages): answer schemas (lenient) and input schemas (strict).
 *
 * @see https://developers.kommo.com/reference/leads-pipelines-list
 * @module
 */

import { z } from 'zod';
import { STATUS_COLORS } from '../facts.js';
import {
  LinksSchema,
  NumberOrStringSchema,
  RequestIdSchema,
  WriteRefSchema,
  collectionSchema,
} from './common.js';
import { openEnum } from './custom-field-values.js';

/** Status description levels. */
export type StatusDescriptionLevel = 'newbie' | 'candidate' | 'master';

/** A status description (`with=descriptions`); its dates are `"YYYY-MM-DD HH:MM:SS"` strings. */
const StatusDescriptionSchema = z.looseObject({
  id: z.number(),
  account_id: z.number().nullish(),
  /** A `"YYYY-MM-DD HH:MM:SS"` string in the account's time zone (not unix seconds). */
  created_at: NumberOrStringSchema.nullish(),
  updated_at: NumberOrStringSchema.nullish(),
  created_by: z.number().nullish(),
  updated_by: z.number().nullish(),
  pipeline_id: z.number().nullish(),
  status_id: z.number().nullish(),
  level: openEnum<StatusDescriptionLevel>().nullish(),
  description: z.string().nullish(),
});
/** A status description (what a manager should do at this stage, per level). */
export type StatusDescription = z.infer<typeof StatusDescriptionSchema>;

/** A pipeline status (stage) as Kommo returns it. */
export const PipelineStatusSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  sort: z.number().nullish(),
  /** `false` for incoming leads, 142 and 143. */
  is_editable: z.boolean().nullish(),
  pipeline_id: z.number().nullish(),
  /** Hex colour; the case varies (`#CCFF66`, `#c1c1c1`). */
  color: z.string().nullish(),
  /** `0` regular, `1` incoming leads (unsorted). */
  type: z.number().nullish(),
  account_id: z.number().nullish(),
  descriptions: z.array(StatusDescriptionSchema).nullish(),
  _links: LinksSchema.nullish(),
});
/** A pipeline status (stage). Ids 142 (won) and 143 (lost) repeat in every pipeline. */
export type PipelineStatus = z.infer<typeof PipelineStatusSchema>;

/** A pipeline as Kommo returns it. */
export const PipelineSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  sort: z.number().nullish(),
  is_main: z.boolean().nullish(),
  is_unsorted_on: z.boolean().nullish(),
  is_archive: z.boolean().nullish(),
  account_id: z.number().nullish(),
  _links: LinksSchema.nullish(),
  _embedded: z.looseObject({ statuses: z.array(PipelineStatusSchema).nullish() }).nullish(),
});
/** A pipeline with its statuses. */
export type Pipeline = z.infer<typeof PipelineSchema>;

/** The pipelines list. */
export const PipelineCollectionSchema = collectionSchema('pipelines', PipelineSchema);
/** A pipeline's statuses. */
export const PipelineStatusCollectionSchema = collectionSchema('statuses', PipelineStatusSchema);

/** What a pipeline write returns. */
export const PipelineRefSchema = WriteRefSchema;
/** What a pipeline write returns (Kommo echoes the pipeline; extra fields are kept). */
export type PipelineRef = z.infer<typeof PipelineRefSchema>;
/** What a status write returns. */
export const PipelineStatusRefSchema = WriteRefSchema;
/** What a status write returns. */
export type PipelineStatusRef = z.infer<typeof PipelineStatusRefSchema>;

/** A status colour from Kommo's palette. */
export type StatusColor = (typeof STATUS_COLORS)[number];

/** A status description to write. */
const StatusDescriptionInputSchema = z.strictObject({
  level: z.enum(['newbie', 'candidate', 'master']),
  description: z.string().max(1000),
});

const statusWriteShape = {
  name: z.string().min(1),
  sort: z.number().int(),
  color: z.enum(STATUS_COLORS).optional(),
  /** At most one per level. */
  descriptions: z.array(StatusDescriptionInputSchema).max(3).optional(),
};

/** The body of a status create. */
export const PipelineStatusCreateParamsSchema = z.strictObject({
  ...statusWriteShape,
  request_id: RequestIdSchema.optional(),
});
/** The body of `pipelines.statuses.create`. */
export type PipelineStatusCreateParams = z.input<typeof PipelineStatusCreateParamsSchema>;

function atLeastOneKey(value: object): boolean {
  return Object.keys(value).length > 0;
}

/** The body of a status update. */
export const PipelineStatusUpdateParamsSchema = z
  .strictObject({
    name: statusWriteShape.name.optional(),
    sort: statusWriteShape.sort.optional(),
    color: statusWriteShape.color,
    descriptions: statusWriteShape.descriptions,
  })
  .refine(atLeastOneKey, 'Give at least one field to change');
/** The body of `pipelines.statuses.update`: only the fields you pass are sent. */
export type PipelineStatusUpdateParams = z.input<typeof PipelineStatusUpdateParamsSchema>;

/** A status inside a pipeline create; `{ id: 142 | 143, name }` renames the closing ones. */
const PipelineEmbeddedStatusInputSchema = z.strictObject({
  id: z.union([z.literal(142), z.literal(143)]).optional(),
  name: z.string().min(1),
  sort: z.number().int().optional(),
  color: z.enum(STATUS_COLORS).optional(),
  descriptions: z.array(StatusDescriptionInputSchema).max(3).optional(),
});

/** The body of a pipeline create. */
export const PipelineCreateParamsSchema = z.strictObject({
  name: z.string().min(1),
  sort: z.number().int(),
  is_main: z.boolean(),
  is_unsorted_on: z.boolean(),
  is_archive: z.boolean().optional(),
  _embedded: z
    .strictObject({ statuses: z.array(PipelineEmbeddedStatusInputSchema).optional() })
    .optional(),
  request_id: RequestIdSchema.optional(),
});
/** The body of `pipelines.create` (admin only). */
export type PipelineCreateParams = z.input<typeof PipelineCreateParamsSchema>;

/** The body of a pipeline update. */
export const PipelineUpdateParamsSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    sort: z.number().int().optional(),
    is_main: z.boolean().optional(),
    is_unsorted_on: z.boolean().optional(),
    is_archive: z.boolean().optional(),
  })
  .refine(atLeastOneKey, 'Give at least one field to change');
/** The body of `pipelines.update`: only the fields you pass are sent. */
export type PipelineUpdateParams = z.input<typeof PipelineUpdateParamsSchema>;

/** Extra data for statuses (`with=descriptions`). */
const PipelineStatusWithSchema = z.enum(['descriptions']);
/** Extra data a status read can include. */
export type PipelineStatusWith = z.infer<typeof PipelineStatusWithSchema>;

/** Params of `pipelines.statuses.list`/`get`. */
export const PipelineStatusGetParamsSchema = z.strictObject({
  with: z.array(PipelineStatusWithSchema).optional(),
});
/** Params of `pipelines.statuses.list`/`get`. */
export type PipelineStatusGetParams = z.infer<typeof PipelineStatusGetParamsSchema>;

/** The public types of `kommo.pipelines`, by what they are (see `RecordResource`). */
export interface PipelineResourceTypes {
  item: Pipeline;
  ref: PipelineRef;
  create: PipelineCreateParams;
  update: PipelineUpdateParams;
}

/** The public types of `kommo.pipelines.statuses`, by what they are (see `ScopedRecordResource`). */
export interface PipelineStatusResourceTypes {
  item: PipelineStatus;
  ref: PipelineStatusRef;
  listParams: PipelineStatusGetParams;
  create: PipelineStatusCreateParams;
  update: PipelineStatusUpdateParams;
}

/**
 * The schemas of `kommo.pipelines` by what they check, for its route spec.
 *
 * @internal
 */
export function pipelineRouteSchemas() {
  return {
    item: PipelineSchema,
    page: PipelineCollectionSchema,
    ref: PipelineRefSchema,
    create: PipelineCreateParamsSchema,
    update: PipelineUpdateParamsSchema,
  };
}

/**
 * The schemas of `kommo.pipelines.statuses` by what they check, for its route spec. Kommo lists statuses with the params of a read (`with`), without pages.
 *
 * @internal
 */
export function pipelineStatusRouteSchemas() {
  return {
    item: PipelineStatusSchema,
    page: PipelineStatusCollectionSchema,
    ref: PipelineStatusRefSchema,
    list: PipelineStatusGetParamsSchema,
    get: PipelineStatusGetParamsSchema,
    create: PipelineStatusCreateParamsSchema,
    update: PipelineStatusUpdateParamsSchema,
  };
}
