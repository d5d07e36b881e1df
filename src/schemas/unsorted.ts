/**
 * Unsorted ("Incoming leads"): answer schemas (lenient) and the create/accept/decline/link
 * inputs (strict). Only the `forms` and `sip` categories can be created through the API.
 *
 * @see https://developers.kommo.com/reference/incoming-leads
 * @module
 */

import { z } from 'zod';
import {
  EntityRefSchema,
  IdSchema,
  LimitSchema,
  LinksSchema,
  PageSchema,
  RequestIdSchema,
  SortDirectionSchema,
  TimeFilterSchema,
  UnixTimeSchema,
  collectionSchema,
  idOrObject,
} from './common.js';
import { CompanyCreateParamsSchema } from './company.js';
import { ContactCreateParamsSchema } from './contact.js';
import { openEnum } from './custom-field-values.js';
import { LeadCreateParamsSchema } from './lead.js';

/** The four unsorted categories. */
const UnsortedCategorySchema = z.enum(['sip', 'mail', 'forms', 'chats']);
/** An unsorted category: `sip` (calls), `mail`, `forms`, `chats`. */
export type UnsortedCategory = z.infer<typeof UnsortedCategorySchema>;

/** An unsorted item's `uid` (a long hex string). */
export const UnsortedUidSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'Expected an unsorted uid');

const embeddedRefs = z
  .looseObject({
    leads: z.array(idOrObject(EntityRefSchema)).nullish(),
    contacts: z.array(idOrObject(EntityRefSchema)).nullish(),
    companies: z.array(idOrObject(EntityRefSchema)).nullish(),
    customers: z.array(idOrObject(EntityRefSchema)).nullish(),
  })
  .nullish();

/** An unsorted item as Kommo returns it. */
export const UnsortedSchema = z.looseObject({
  uid: z.string(),
  source_uid: z.string().nullish(),
  source_name: z.string().nullish(),
  category: openEnum<UnsortedCategory>().nullish(),
  pipeline_id: z.number().nullish(),
  created_at: z.number().nullish(),
  /** Per category (form fields, call data, chat origin, mail headers); numbers may come as strings. */
  metadata: z.record(z.string(), z.unknown()).nullish(),
  account_id: z.number().nullish(),
  _links: LinksSchema.nullish(),
  _embedded: embeddedRefs,
});
/** An unsorted item: one lead with at most one contact and one company, waiting to be accepted. */
export type Unsorted = z.infer<typeof UnsortedSchema>;

/** A page of unsorted items. */
export const UnsortedCollectionSchema = collectionSchema('unsorted', UnsortedSchema);

/** What a create returns per item. */
export const UnsortedRefSchema = z.looseObject({
  uid: z.string(),
  account_id: z.number().nullish(),
  request_id: z.union([z.string(), z.number()]).nullish(),
  _links: LinksSchema.nullish(),
  _embedded: embeddedRefs,
});
/** What an unsorted create returns per item: `uid` and the ids of the lead/contact/company. */
export type UnsortedRef = z.infer<typeof UnsortedRefSchema>;

/** What accept, decline and link return. */
export const UnsortedActionResultSchema = z.looseObject({
  uid: z.string().nullish(),
  pipeline_id: z.number().nullish(),
  category: z.string().nullish(),
  created_at: z.number().nullish(),
  _embedded: embeddedRefs,
});
/** What accept, decline and link return: the uid and the entities involved. */
export type UnsortedActionResult = z.infer<typeof UnsortedActionResultSchema>;

/** The unsorted summary. */
export const UnsortedSummarySchema = z.looseObject({
  total: z.number().nullish(),
  accepted: z.number().nullish(),
  declined: z.number().nullish(),
  /** Seconds. */
  average_sort_time: z.number().nullish(),
  categories: z.record(z.string(), z.looseObject({ total: z.number().nullish() })).nullish(),
});
/** Counts of unsorted items: total, accepted, declined, per category. */
export type UnsortedSummary = z.infer<typeof UnsortedSummarySchema>;

/** Params of `unsorted.list`. */
export const UnsortedListParamsSchema = z.strictObject({
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
  filter: z
    .strictObject({
      uid: z.union([UnsortedUidSchema, z.array(UnsortedUidSchema).min(1)]).optional(),
      category: z.array(UnsortedCategorySchema).min(1).optional(),
      pipeline_id: IdSchema.optional(),
    })
    .optional(),
  order: z
    .strictObject({
      created_at: SortDirectionSchema.optional(),
      updated_at: SortDirectionSchema.optional(),
    })
    .optional(),
});
/** Params of `unsorted.list`. */
export type UnsortedListParams = z.infer<typeof UnsortedListParamsSchema>;

/** Params of `unsorted.summary`. */
export const UnsortedSummaryParamsSchema = z.strictObject({
  filter: z
    .strictObject({
      uid: z.union([UnsortedUidSchema, z.array(UnsortedUidSchema).min(1)]).optional(),
      created_at: TimeFilterSchema.optional(),
      pipeline_id: IdSchema.optional(),
    })
    .optional(),
});
/** Params of `unsorted.summary`. */
export type UnsortedSummaryParams = z.infer<typeof UnsortedSummaryParamsSchema>;

/** `metadata` of a form submission. */
const UnsortedFormMetadataSchema = z.strictObject({
  form_id: z.union([z.string().min(1), z.number()]),
  form_name: z.string().min(1),
  /** The page URL the form was sent from. */
  form_page: z.string().min(1),
  form_sent_at: UnixTimeSchema,
  ip: z.string().optional(),
  referer: z.string().optional(),
  visitor_uid: z.string().nullable().optional(),
  form_type: z.number().int().optional(),
});
/** `metadata` of a form submission. */
export type UnsortedFormMetadata = z.input<typeof UnsortedFormMetadataSchema>;

/** `metadata` of an incoming call. */
const UnsortedCallMetadataSchema = z.strictObject({
  /** The call's unique id. */
  uniq: z.string().min(1),
  phone: z.union([z.string().min(1), z.number()]),
  called_at: UnixTimeSchema,
  /** Seconds. */
  duration: z.number().int().nonnegative(),
  /** Recording URL. */
  link: z.string().nullable().optional(),
  /** The telephony integration's code. */
  service_code: z.string().min(1),
  /** User id, phone or name of who took the call. */
  call_responsible: z.union([z.string(), z.number()]).nullable().optional(),
  /** `true` adds an "incoming call" event to the card (write-only). */
  is_call_event_needed: z.boolean().optional(),
  /** Caller id or PBX name. */
  from: z.string().optional(),
});
/** `metadata` of an incoming call. */
export type UnsortedCallMetadata = z.input<typeof UnsortedCallMetadataSchema>;

function createItemSchema<M extends z.ZodType>(metadata: M) {
  return z.strictObject({
    source_uid: z.string().min(1),
    source_name: z.string().min(1),
    pipeline_id: IdSchema.optional(),
    created_at: UnixTimeSchema.optional(),
    metadata,
    _embedded: z.strictObject({
      /** Exactly one lead. */
      leads: z.array(LeadCreateParamsSchema).length(1),
      contacts: z.array(ContactCreateParamsSchema).max(1).optional(),
      companies: z.array(CompanyCreateParamsSchema).max(1).optional(),
    }),
    request_id: RequestIdSchema.optional(),
  });
}

/** One form submission to create. */
export const UnsortedFormCreateParamsSchema = createItemSchema(UnsortedFormMetadataSchema);
/** One form submission to put into Unsorted. */
export type UnsortedFormCreateParams = z.input<typeof UnsortedFormCreateParamsSchema>;

/** One incoming call to create. */
export const UnsortedCallCreateParamsSchema = createItemSchema(UnsortedCallMetadataSchema);
/** One incoming call to put into Unsorted (the call must be incoming). */
export type UnsortedCallCreateParams = z.input<typeof UnsortedCallCreateParamsSchema>;

/** Params of `unsorted.accept`. */
export const UnsortedAcceptParamsSchema = z.strictObject({
  /** Who accepts it. */
  user_id: IdSchema.optional(),
  /** The stage the lead lands in. */
  status_id: IdSchema.optional(),
});
/** Params of `unsorted.accept`. */
export type UnsortedAcceptParams = z.infer<typeof UnsortedAcceptParamsSchema>;

/** Params of `unsorted.decline`. */
export const UnsortedDeclineParamsSchema = z.strictObject({ user_id: IdSchema.optional() });
/** Params of `unsorted.decline`. */
export type UnsortedDeclineParams = z.infer<typeof UnsortedDeclineParamsSchema>;

/** Params of `unsorted.link`. */
export const UnsortedLinkParamsSchema = z.strictObject({
  user_id: IdSchema.optional(),
  link: z.strictObject({
    entity_id: IdSchema,
    entity_type: z.enum(['leads', 'customers']),
    metadata: z.strictObject({ contact_id: IdSchema.optional() }).optional(),
  }),
});
/** Params of `unsorted.link`: the existing lead or customer to attach the item to. */
export type UnsortedLinkParams = z.infer<typeof UnsortedLinkParamsSchema>;

/**
 * The schemas of `kommo.unsorted` by what they check, for its route spec.
 *
 * @internal
 */
export function unsortedRouteSchemas() {
  return {
    item: UnsortedSchema,
    page: UnsortedCollectionSchema,
    ref: UnsortedRefSchema,
    list: UnsortedListParamsSchema,
    id: UnsortedUidSchema,
    createForm: UnsortedFormCreateParamsSchema,
    createCall: UnsortedCallCreateParamsSchema,
    accept: UnsortedAcceptParamsSchema,
    decline: UnsortedDeclineParamsSchema,
    link: UnsortedLinkParamsSchema,
    actionResult: UnsortedActionResultSchema,
    summaryParams: UnsortedSummaryParamsSchema,
    summary: UnsortedSummarySchema,
  };
}
