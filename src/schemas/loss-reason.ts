/**
 * Loss reasons (`/api/v4/leads/loss_reasons`): the list/ref schemas and the strict inputs. The
 * entity schema itself is the one leads embed (`with=loss_reason`), from `lead.ts`.
 *
 * @see https://developers.kommo.com/reference/loss-reasons
 * @module
 */

import { z } from 'zod';
import { LimitSchema, PageSchema, RequestIdSchema, collectionSchema } from './common.js';
import { LossReasonSchema, type LossReason } from './lead.js';

/** A page of loss reasons. */
export const LossReasonCollectionSchema = collectionSchema('loss_reasons', LossReasonSchema);

/** What a loss-reason write returns (Kommo sends `id`, `name`, `sort` back). */
export const LossReasonRefSchema = LossReasonSchema.extend({
  request_id: z.union([z.string(), z.number()]).nullish(),
});
/** What a loss-reason write returns. */
export type LossReasonRef = z.infer<typeof LossReasonRefSchema>;

/** Params of `lossReasons.list`. */
export const LossReasonListParamsSchema = z.strictObject({
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
});
/** Params of `lossReasons.list`. */
export type LossReasonListParams = z.infer<typeof LossReasonListParamsSchema>;

/** The body of a loss-reason create. */
export const LossReasonCreateParamsSchema = z.strictObject({
  name: z.string().trim().min(1),
  sort: z.number().int().optional(),
  request_id: RequestIdSchema.optional(),
});
/** The body of a loss-reason create. */
export type LossReasonCreateParams = z.input<typeof LossReasonCreateParamsSchema>;

/** The body of a loss-reason update. */
export const LossReasonUpdateParamsSchema = z
  .strictObject({
    name: z.string().trim().min(1).optional(),
    sort: z.number().int().optional(),
  })
  .refine((p) => p.name !== undefined || p.sort !== undefined, {
    message: 'Give name or sort',
    path: ['name'],
  });
/** The body of `lossReasons.update`. */
export type LossReasonUpdateParams = z.input<typeof LossReasonUpdateParamsSchema>;

/** The public types of `kommo.lossReasons`, by what they are (see `RecordResource`). */
export interface LossReasonResourceTypes {
  item: LossReason;
  ref: LossReasonRef;
  create: LossReasonCreateParams;
  update: LossReasonUpdateParams;
}

/**
 * The schemas of `kommo.lossReasons` by what they check, for its route spec. The reason itself is the schema leads embed (`with=loss_reason`).
 *
 * @internal
 */
export function lossReasonRouteSchemas() {
  return {
    item: LossReasonSchema,
    page: LossReasonCollectionSchema,
    ref: LossReasonRefSchema,
    list: LossReasonListParamsSchema,
    create: LossReasonCreateParamsSchema,
    update: LossReasonUpdateParamsSchema,
  };
}
