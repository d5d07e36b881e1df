/**
 * Leads: the answer schemas (lenient) and the input schemas (strict).
 *
 * @see https://developers.kommo.com/reference/leads-list
 * @module
 */

import { z } from 'zod';
import {
  EmbeddedTagInputSchema,
  EntityRefSchema,
  IdSchema,
  IdsFilterSchema,
  LimitSchema,
  LinksSchema,
  PageSchema,
  RangeSchema,
  RequestIdSchema,
  SortDirectionSchema,
  TagInputSchema,
  TagSchema,
  TimeFilterSchema,
  UnixTimeSchema,
  UserIdOrZeroSchema,
  UserIdsFilterSchema,
  WriteRefSchema,
  collectionSchema,
  idOrObject,
} from './common.js';
import { CustomFieldValuesInputSchema, CustomFieldValuesSchema } from './custom-field-values.js';

/** A loss reason as embedded with `with=loss_reason`. */
export const LossReasonSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  sort: z.number().nullish(),
  created_at: z.number().nullish(),
  updated_at: z.number().nullish(),
  _links: LinksSchema.nullish(),
});
/** A loss reason. */
export type LossReason = z.infer<typeof LossReasonSchema>;

/** A catalog element linked to an entity (`with=catalog_elements`). */
export const EmbeddedCatalogElementSchema = z.looseObject({
  id: z.number(),
  metadata: z
    .looseObject({
      quantity: z.number().nullish(),
      catalog_id: z.number().nullish(),
      price_id: z.number().nullish(),
    })
    .nullish(),
});
/** A catalog element linked to an entity. */
export type EmbeddedCatalogElement = z.infer<typeof EmbeddedCatalogElementSchema>;

/** A lead as Kommo returns it. */
export const LeadSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  price: z.number().nullish(),
  price_with_minor_units: z.number().nullish(),
  responsible_user_id: z.number().nullish(),
  group_id: z.number().nullish(),
  status_id: z.number().nullish(),
  pipeline_id: z.number().nullish(),
  loss_reason_id: z.number().nullish(),
  source_id: z.number().nullish(),
  created_by: z.number().nullish(),
  updated_by: z.number().nullish(),
  created_at: z.number().nullish(),
  updated_at: z.number().nullish(),
  closed_at: z.number().nullish(),
  closest_task_at: z.number().nullish(),
  is_deleted: z.boolean().nullish(),
  is_unsorted: z.boolean().nullish(),
  is_price_modified_by_robot: z.boolean().nullish(),
  custom_fields_values: CustomFieldValuesSchema,
  score: z.number().nullish(),
  account_id: z.number().nullish(),
  labor_cost: z.number().nullish(),
  _links: LinksSchema.nullish(),
  _embedded: z
    .looseObject({
      // Lists of references: each entry is the object or the bare id (see idOrObject).
      tags: z.array(idOrObject(TagSchema)).nullish(),
      contacts: z.array(idOrObject(EntityRefSchema)).nullish(),
      companies: z.array(idOrObject(EntityRefSchema)).nullish(),
      // Documented as an object, returned as an array: accept both.
      loss_reason: z
        .union([z.array(idOrObject(LossReasonSchema)), idOrObject(LossReasonSchema)])
        .nullish(),
      catalog_elements: z.array(idOrObject(EmbeddedCatalogElementSchema)).nullish(),
      source: z.looseObject({ id: z.number().nullish(), name: z.string().nullish() }).nullish(),
    })
    .nullish(),
});
/** A lead. Unknown fields Kommo adds are kept. */
export type Lead = z.infer<typeof LeadSchema>;

/** A page of leads. */
export const LeadCollectionSchema = collectionSchema('leads', LeadSchema);

/** What a lead write returns: `id`, the echoed `request_id`, `updated_at`, `_links`. */
export const LeadRefSchema = WriteRefSchema;
/** What a lead write returns (Kommo does not send the lead back). */
export type LeadRef = z.infer<typeof LeadRefSchema>;

/** Extra data for `with=`. */
const LeadWithSchema = z.enum([
  'catalog_elements',
  'is_price_modified_by_robot',
  'loss_reason',
  'contacts',
  'only_deleted',
  'source_id',
  'source',
]);
/** Extra data a lead read can include (`with=`). */
export type LeadWith = z.infer<typeof LeadWithSchema>;

/**
 * A custom-field filter: values (`[]`), a range (`{ from, to }`) or one value, per field id.
 * Kommo marks this filtering as account-gated (see `account.get({ with: ['is_api_filter_enabled'] })`).
 */
export const CustomFieldsFilterSchema = z.record(
  z.string().regex(/^\d+$/, 'Keys are field ids'),
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.array(z.union([z.string(), z.number()])).min(1),
    RangeSchema,
  ]),
);

/** One `filter[statuses]` pair. */
const StatusPairSchema = z.strictObject({ pipeline_id: IdSchema, status_id: IdSchema });

/** Filters of the lead list. */
const LeadFilterSchema = z.strictObject({
  id: IdsFilterSchema.optional(),
  name: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
  price: z.union([z.number(), RangeSchema]).optional(),
  statuses: z.array(StatusPairSchema).min(1).optional(),
  pipeline_id: IdsFilterSchema.optional(),
  created_by: UserIdsFilterSchema.optional(),
  updated_by: UserIdsFilterSchema.optional(),
  responsible_user_id: UserIdsFilterSchema.optional(),
  created_at: TimeFilterSchema.optional(),
  updated_at: TimeFilterSchema.optional(),
  closed_at: TimeFilterSchema.optional(),
  closest_task_at: TimeFilterSchema.optional(),
  custom_fields_values: CustomFieldsFilterSchema.optional(),
});
/** Filters of `leads.list`. Arrays become `filter[id][]=…`, ranges `filter[price][from]=…`. */
export type LeadFilter = z.infer<typeof LeadFilterSchema>;

/** Params of `leads.list`. */
export const LeadListParamsSchema = z.strictObject({
  with: z.array(LeadWithSchema).optional(),
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
  /** Full-text search over filled fields (phones and e-mails included). */
  query: z.union([z.string().min(1), z.number()]).optional(),
  filter: LeadFilterSchema.optional(),
  order: z
    .strictObject({
      created_at: SortDirectionSchema.optional(),
      updated_at: SortDirectionSchema.optional(),
      id: SortDirectionSchema.optional(),
    })
    .optional(),
});
/** Params of `leads.list`. `limit` is 1–250 (iteration uses 250 when omitted). */
export type LeadListParams = z.infer<typeof LeadListParamsSchema>;

/** Params of `leads.get`. */
export const LeadGetParamsSchema = z.strictObject({ with: z.array(LeadWithSchema).optional() });
/** Params of `leads.get`. */
export type LeadGetParams = z.infer<typeof LeadGetParamsSchema>;

/** A contact to link in `_embedded.contacts`. */
const EmbeddedContactLinkSchema = z.strictObject({
  id: IdSchema,
  is_main: z.boolean().optional(),
});
/** A company to link in `_embedded.companies` (at most one). */
const EmbeddedCompanyLinkSchema = z.strictObject({ id: IdSchema });
/** `_embedded.source` of a lead created by a widget source. */
const LeadSourceInputSchema = z.strictObject({
  external_id: z.union([z.string(), z.number()]),
  type: z.string().min(1),
});

const leadWriteShape = {
  name: z.string().optional(),
  price: z.number().nonnegative().optional(),
  status_id: IdSchema.optional(),
  pipeline_id: IdSchema.optional(),
  created_by: UserIdOrZeroSchema.optional(),
  updated_by: UserIdOrZeroSchema.optional(),
  closed_at: UnixTimeSchema.optional(),
  created_at: UnixTimeSchema.optional(),
  updated_at: UnixTimeSchema.optional(),
  loss_reason_id: IdSchema.nullable().optional(),
  responsible_user_id: IdSchema.optional(),
  custom_fields_values: CustomFieldValuesInputSchema.optional(),
  /** Adds tags without touching the others (prefer it to `_embedded.tags`). */
  tags_to_add: z.array(TagInputSchema).optional(),
};

/** The body of a lead create. No field is required: Kommo names the lead itself. */
export const LeadCreateParamsSchema = z.strictObject({
  ...leadWriteShape,
  _embedded: z
    .strictObject({
      /** Replaces every tag. */
      tags: z.array(EmbeddedTagInputSchema).nullable().optional(),
      contacts: z.array(EmbeddedContactLinkSchema).optional(),
      companies: z.array(EmbeddedCompanyLinkSchema).max(1).optional(),
      source: LeadSourceInputSchema.optional(),
    })
    .optional(),
  request_id: RequestIdSchema.optional(),
});
/** The body of a lead create (`leads.create`, `leads.createMany`). */
export type LeadCreateParams = z.input<typeof LeadCreateParamsSchema>;

/** The body of a lead update: only the fields you pass are sent. */
export const LeadUpdateParamsSchema = z.strictObject({
  ...leadWriteShape,
  /** Removes tags without touching the others. */
  tags_to_delete: z.array(TagInputSchema).optional(),
  _embedded: z
    .strictObject({
      /** Replaces every tag; `null` removes them all. */
      tags: z.array(EmbeddedTagInputSchema).nullable().optional(),
      source: LeadSourceInputSchema.optional(),
    })
    .optional(),
});
/** The body of `leads.update`: only the fields you pass are sent. */
export type LeadUpdateParams = z.input<typeof LeadUpdateParamsSchema>;

/** One item of `leads.updateMany`: the lead `id` and the fields to change. */
export const LeadUpdateItemSchema = LeadUpdateParamsSchema.extend({
  id: IdSchema,
  request_id: RequestIdSchema.optional(),
});
/** One item of `leads.updateMany`. */
export type LeadUpdateItem = z.input<typeof LeadUpdateItemSchema>;

/** Where `leads.moveToStatus` moves a lead. */
export const LeadMoveParamsSchema = z.strictObject({
  status_id: IdSchema,
  /** Needed unless the status is in the lead's current pipeline (142/143 exist in every pipeline). */
  pipeline_id: IdSchema.optional(),
  /** For 143 when the account requires a loss reason. */
  loss_reason_id: IdSchema.optional(),
});
/** Where `leads.moveToStatus` moves a lead. */
export type LeadMoveParams = z.input<typeof LeadMoveParamsSchema>;

// ---------------------------------------------------------------------------------------------
// Complex leads (`POST /api/v4/leads/complex`).

/** The contact of a complex lead: an existing one by id, or a new one. */
const ComplexContactInputSchema = z.union([
  z.strictObject({ id: IdSchema }),
  z.strictObject({
    name: z.string().optional(),
    first_name: z.string().optional(),
    last_name: z.string().optional(),
    responsible_user_id: IdSchema.optional(),
    created_by: UserIdOrZeroSchema.optional(),
    updated_by: UserIdOrZeroSchema.optional(),
    custom_fields_values: CustomFieldValuesInputSchema.max(40).optional(),
    tags_to_add: z.array(TagInputSchema).optional(),
    _embedded: z.strictObject({ tags: z.array(EmbeddedTagInputSchema).optional() }).optional(),
  }),
]);

/** The company of a complex lead. */
const ComplexCompanyInputSchema = z.union([
  z.strictObject({ id: IdSchema }),
  z.strictObject({
    name: z.string().optional(),
    responsible_user_id: IdSchema.optional(),
    created_by: UserIdOrZeroSchema.optional(),
    updated_by: UserIdOrZeroSchema.optional(),
    custom_fields_values: CustomFieldValuesInputSchema.max(40).optional(),
    tags_to_add: z.array(TagInputSchema).optional(),
  }),
]);

/** One lead of `leads.createComplex`: the lead with one contact and one company. */
export const LeadComplexParamsSchema = z.strictObject({
  ...leadWriteShape,
  custom_fields_values: CustomFieldValuesInputSchema.max(40).optional(),
  _embedded: z
    .strictObject({
      tags: z.array(EmbeddedTagInputSchema).optional(),
      contacts: z.array(ComplexContactInputSchema).max(1).optional(),
      companies: z.array(ComplexCompanyInputSchema).max(1).optional(),
      /** Creates an incoming (unsorted) lead: `category` `forms` or `sip`, with its metadata. */
      metadata: z.looseObject({ category: z.enum(['forms', 'sip']) }).optional(),
      source: LeadSourceInputSchema.optional(),
    })
    .optional(),
  request_id: RequestIdSchema.optional(),
});
/** One lead of `leads.createComplex`, with at most one contact and one company. */
export type LeadComplexParams = z.input<typeof LeadComplexParamsSchema>;

/** The answer of `POST /api/v4/leads/complex`: a plain array, `request_id` an array. */
export const LeadComplexResultSchema = z.looseObject({
  id: z.number(),
  contact_id: z.number().nullish(),
  company_id: z.number().nullish(),
  /** Several submitted items collapse into one lead when duplicates merge. */
  request_id: z.array(z.union([z.string(), z.number()])).nullish(),
  merged: z.boolean().nullish(),
});
/** What `leads.createComplex` returns per lead. */
export type LeadComplexResult = z.infer<typeof LeadComplexResultSchema>;

/** The public types of `kommo.leads`, by what they are (see `EntityResource`). */
export interface LeadResourceTypes {
  item: Lead;
  ref: LeadRef;
  listParams: LeadListParams;
  getParams: LeadGetParams;
  create: LeadCreateParams;
  update: LeadUpdateParams;
  updateItem: LeadUpdateItem;
}

/**
 * The schemas of `kommo.leads` by what they check, for its route spec.
 *
 * @internal
 */
export function leadRouteSchemas() {
  return {
    item: LeadSchema,
    page: LeadCollectionSchema,
    ref: LeadRefSchema,
    list: LeadListParamsSchema,
    get: LeadGetParamsSchema,
    create: LeadCreateParamsSchema,
    update: LeadUpdateParamsSchema,
    updateItem: LeadUpdateItemSchema,
    move: LeadMoveParamsSchema,
    complex: LeadComplexParamsSchema.array(),
    complexResult: LeadComplexResultSchema,
  };
}
