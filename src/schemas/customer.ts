/**
 * Customers (periodic purchases): the customers themselves, the statuses of the customers
 * pipeline (periodicity mode), segments (segments mode), transactions (purchases), bonus
 * points and the mode switch. Answer schemas (lenient) and input schemas (strict).
 *
 * @see https://www.amocrm.ru/developers/content/crm_platform/customers-api
 * @module
 */

import { z } from 'zod';
import { SEGMENT_COLORS } from '../facts.js';
import {
  EmbeddedTagInputSchema,
  EntityRefSchema,
  HttpUrlSchema,
  IdSchema,
  IdsFilterSchema,
  LimitSchema,
  LinksSchema,
  PageSchema,
  RequestIdSchema,
  TagInputSchema,
  TagSchema,
  UnixTimeSchema,
  WriteRefSchema,
  collectionSchema,
  idOrObject,
} from './common.js';
import {
  CustomFieldValuesInputSchema,
  CustomFieldValuesSchema,
  openEnum,
} from './custom-field-values.js';
import { EmbeddedCatalogElementSchema } from './lead.js';
import { partyListParams, partyShape, partyUpdateShape, partyWriteShape } from './party.js';

// ---------------------------------------------------------------------------------------------
// The mode.

/** The two ways an account runs customers: by purchase period, or in segments. */
export type CustomersModeName = 'periodicity' | 'segments';

/** The body of `customers.setMode`. */
export const CustomersModeParamsSchema = z.strictObject({
  mode: z.enum(['periodicity', 'segments']),
  is_enabled: z.boolean(),
});
/** The body of `customers.setMode`: both fields are required. */
export type CustomersModeParams = z.input<typeof CustomersModeParamsSchema>;

/** What `PATCH /api/v4/customers/mode` answers: the mode as set. */
export const CustomersModeResultSchema = z.looseObject({
  mode: openEnum<CustomersModeName>().nullish(),
  is_enabled: z.boolean().nullish(),
});
/** The customers mode as Kommo set it. */
export type CustomersModeResult = z.infer<typeof CustomersModeResultSchema>;

// ---------------------------------------------------------------------------------------------
// Customers.

/** A customer as Kommo returns it. */
export const CustomerSchema = z.looseObject({
  ...partyShape,
  /** The expected sum of the next purchase. */
  next_price: z.number().nullish(),
  /** Unix time of the expected next purchase. */
  next_date: z.number().nullish(),
  /** The customer's status (periodicity mode). */
  status_id: z.number().nullish(),
  /** The purchase period; Kommo does not document its unit. */
  periodicity: z.number().nullish(),
  /** Lifetime value: the sum of the customer's purchases. */
  ltv: z.number().nullish(),
  purchases_count: z.number().nullish(),
  average_check: z.number().nullish(),
  _embedded: z
    .looseObject({
      tags: z.array(idOrObject(TagSchema)).nullish(),
      segments: z.array(idOrObject(EntityRefSchema)).nullish(),
      contacts: z.array(idOrObject(EntityRefSchema)).nullish(),
      /** At most one. */
      companies: z.array(idOrObject(EntityRefSchema)).nullish(),
      catalog_elements: z.array(idOrObject(EmbeddedCatalogElementSchema)).nullish(),
    })
    .nullish(),
});
/** A customer (a buyer with repeat purchases). Unknown fields Kommo adds are kept. */
export type Customer = z.infer<typeof CustomerSchema>;

/** A page of customers. */
export const CustomerCollectionSchema = collectionSchema('customers', CustomerSchema);

/** What a customer write returns. */
export const CustomerRefSchema = WriteRefSchema;
/** What a customer write returns (`id`, `request_id`, `updated_at`, `_links`; not the customer). */
export type CustomerRef = z.infer<typeof CustomerRefSchema>;

/** Extra data for `with=`. */
const CustomerWithSchema = z.enum(['catalog_elements', 'contacts', 'companies']);
/** Extra data a customer read can include (`with=`). */
export type CustomerWith = z.infer<typeof CustomerWithSchema>;

/** Params of `customers.list`: the filters and order of contacts and companies. */
export const CustomerListParamsSchema = partyListParams(CustomerWithSchema);
/** Params of `customers.list`. */
export type CustomerListParams = z.infer<typeof CustomerListParamsSchema>;

/** Params of `customers.get`. */
export const CustomerGetParamsSchema = z.strictObject({
  with: z.array(CustomerWithSchema).optional(),
});
/** Params of `customers.get`. */
export type CustomerGetParams = z.infer<typeof CustomerGetParamsSchema>;

const customerWriteShape = {
  next_price: z.number().int().nonnegative().optional(),
  next_date: UnixTimeSchema.optional(),
  status_id: IdSchema.optional(),
  periodicity: z.number().int().nonnegative().optional(),
};

/** A segment to put a customer in (`_embedded.segments`). */
const SegmentRefInputSchema = z.strictObject({ id: IdSchema });

/** The body of a customer create. */
export const CustomerCreateParamsSchema = z.strictObject({
  ...partyWriteShape,
  ...customerWriteShape,
  /** Required by Kommo (the shared write shape has it optional for contacts). */
  name: z.string().trim().min(1),
  _embedded: z
    .strictObject({
      tags: z.array(EmbeddedTagInputSchema).optional(),
      segments: z.array(SegmentRefInputSchema).optional(),
    })
    .optional(),
  request_id: RequestIdSchema.optional(),
});
/**
 * The body of a customer create. `name` is required, and so is `next_date` when the account
 * runs customers in periodicity mode (Kommo refuses the item otherwise).
 */
export type CustomerCreateParams = z.input<typeof CustomerCreateParamsSchema>;

/** The body of a customer update: only the fields you pass are sent. */
export const CustomerUpdateParamsSchema = z.strictObject({
  ...partyUpdateShape,
  ...customerWriteShape,
  tags_to_delete: z.array(TagInputSchema).optional(),
  _embedded: z
    .strictObject({
      tags: z.array(EmbeddedTagInputSchema).nullable().optional(),
      segments: z.array(SegmentRefInputSchema).optional(),
    })
    .optional(),
});
/** The body of `customers.update`. */
export type CustomerUpdateParams = z.input<typeof CustomerUpdateParamsSchema>;

/** One item of `customers.updateMany`. */
export const CustomerUpdateItemSchema = CustomerUpdateParamsSchema.extend({
  id: IdSchema,
  request_id: RequestIdSchema.optional(),
});
/** One item of `customers.updateMany`. */
export type CustomerUpdateItem = z.input<typeof CustomerUpdateItemSchema>;

/** The public types of `kommo.customers`, by what they are (see `EntityResource`). */
export interface CustomerResourceTypes {
  item: Customer;
  ref: CustomerRef;
  listParams: CustomerListParams;
  getParams: CustomerGetParams;
  create: CustomerCreateParams;
  update: CustomerUpdateParams;
  updateItem: CustomerUpdateItem;
}

/**
 * The schemas of `kommo.customers` by what they check, for its route spec.
 *
 * @internal
 */
export function customerRouteSchemas() {
  return {
    item: CustomerSchema,
    page: CustomerCollectionSchema,
    ref: CustomerRefSchema,
    list: CustomerListParamsSchema,
    get: CustomerGetParamsSchema,
    create: CustomerCreateParamsSchema,
    update: CustomerUpdateParamsSchema,
    updateItem: CustomerUpdateItemSchema,
    mode: CustomersModeParamsSchema,
    modeResult: CustomersModeResultSchema,
  };
}

// ---------------------------------------------------------------------------------------------
// Statuses (periodicity mode).

/** Customer status types: `0` regular, `1` purchase expected, `2` did not buy, `3` closed, `4` bought recently. */
export type CustomerStatusType = 0 | 1 | 2 | 3 | 4;

/** A status of the customers pipeline as Kommo returns it. */
export const CustomerStatusSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  sort: z.number().nullish(),
  is_default: z.boolean().nullish(),
  /** `#rrggbb`. */
  color: z.string().nullish(),
  /** See {@link CustomerStatusType}; other numbers may appear. */
  type: z.number().nullish(),
  /** The conditions that move customers here; read-only through the API. */
  conditions: z.array(z.unknown()).nullish(),
  account_id: z.number().nullish(),
  _links: LinksSchema.nullish(),
});
/** A status (stage) of the customers pipeline, used in periodicity mode. */
export type CustomerStatus = z.infer<typeof CustomerStatusSchema>;

/** The customer statuses. */
export const CustomerStatusCollectionSchema = collectionSchema('statuses', CustomerStatusSchema);

/** What a customer-status write returns. */
export const CustomerStatusRefSchema = z.looseObject({
  ...CustomerStatusSchema.shape,
  request_id: z.union([z.string(), z.number()]).nullish(),
});
/** What a customer-status write returns (Kommo echoes the status; extra fields are kept). */
export type CustomerStatusRef = z.infer<typeof CustomerStatusRefSchema>;

/** A `#rrggbb` colour: Kommo's palette for customer statuses is not published. */
const HexColorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Expected a colour such as #99ccff');

/** The body of a customer-status create. */
export const CustomerStatusCreateParamsSchema = z.strictObject({
  name: z.string().trim().min(1),
  sort: z.number().int(),
  color: HexColorSchema.optional(),
  request_id: RequestIdSchema.optional(),
});
/** The body of `customers.statuses.create`: `name` and `sort` are required. */
export type CustomerStatusCreateParams = z.input<typeof CustomerStatusCreateParamsSchema>;

/** The body of a customer-status update. */
export const CustomerStatusUpdateParamsSchema = z.strictObject({
  name: z.string().trim().min(1).optional(),
  sort: z.number().int().optional(),
  color: HexColorSchema.optional(),
});
/** The body of `customers.statuses.update`: only the fields you pass are sent. */
export type CustomerStatusUpdateParams = z.input<typeof CustomerStatusUpdateParamsSchema>;

/** The public types of `kommo.customers.statuses` (see `RecordResource`). */
export interface CustomerStatusResourceTypes {
  item: CustomerStatus;
  ref: CustomerStatusRef;
  create: CustomerStatusCreateParams;
  update: CustomerStatusUpdateParams;
}

/**
 * The schemas of `kommo.customers.statuses` by what they check, for its route spec.
 *
 * @internal
 */
export function customerStatusRouteSchemas() {
  return {
    item: CustomerStatusSchema,
    page: CustomerStatusCollectionSchema,
    ref: CustomerStatusRefSchema,
    create: CustomerStatusCreateParamsSchema,
    update: CustomerStatusUpdateParamsSchema,
  };
}

// ---------------------------------------------------------------------------------------------
// Segments (segments mode).

/** A customer segment as Kommo returns it. */
export const CustomerSegmentSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  /** Hex without `#` (`ae003f`), unlike status colours. */
  color: z.string().nullish(),
  customers_count: z.number().nullish(),
  created_at: z.number().nullish(),
  updated_at: z.number().nullish(),
  custom_fields_values: CustomFieldValuesSchema,
  /** Ids of the catalog price fields customers of this segment buy at. */
  available_products_price_types: z.array(z.number()).nullish(),
  account_id: z.number().nullish(),
  _links: LinksSchema.nullish(),
});
/** A customer segment (segments mode: a customer may be in several). */
export type CustomerSegment = z.infer<typeof CustomerSegmentSchema>;

/** A page of segments. */
export const CustomerSegmentCollectionSchema = collectionSchema('segments', CustomerSegmentSchema);

/** The colours Kommo allows for segments. */
export { SEGMENT_COLORS };
/** A segment colour from Kommo's palette (hex without `#`). */
export type SegmentColor = (typeof SEGMENT_COLORS)[number];

const segmentWriteShape = {
  color: z.enum(SEGMENT_COLORS).optional(),
  available_products_price_types: z.array(IdSchema).optional(),
  /** The segment's own fields (`customFields.list('customers/segments')`). */
  custom_fields_values: CustomFieldValuesInputSchema.optional(),
};

/** The body of a segment create. */
export const CustomerSegmentCreateParamsSchema = z.strictObject({
  name: z.string().trim().min(1),
  ...segmentWriteShape,
});
/** The body of `customers.segments.create`. */
export type CustomerSegmentCreateParams = z.input<typeof CustomerSegmentCreateParamsSchema>;

/** The body of a segment update. */
export const CustomerSegmentUpdateParamsSchema = z.strictObject({
  name: z.string().trim().min(1).optional(),
  ...segmentWriteShape,
});
/** The body of `customers.segments.update`: only the fields you pass are sent. */
export type CustomerSegmentUpdateParams = z.input<typeof CustomerSegmentUpdateParamsSchema>;

/** Params of `customers.segments.list`. */
export const CustomerSegmentListParamsSchema = z.strictObject({
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
});
/** Params of `customers.segments.list`. */
export type CustomerSegmentListParams = z.infer<typeof CustomerSegmentListParamsSchema>;

/** The public types of `kommo.customers.segments` (see `RecordResource`). */
export interface CustomerSegmentResourceTypes {
  item: CustomerSegment;
  ref: CustomerSegment;
  create: CustomerSegmentCreateParams;
  update: CustomerSegmentUpdateParams;
}

/**
 * The schemas of `kommo.customers.segments` by what they check, for its route spec. Kommo
 * answers a segment write with the segment.
 *
 * @internal
 */
export function customerSegmentRouteSchemas() {
  return {
    item: CustomerSegmentSchema,
    page: CustomerSegmentCollectionSchema,
    ref: CustomerSegmentSchema,
    list: CustomerSegmentListParamsSchema,
    create: CustomerSegmentCreateParamsSchema,
    update: CustomerSegmentUpdateParamsSchema,
  };
}

// ---------------------------------------------------------------------------------------------
// Transactions (purchases).

/** A transaction (purchase) as Kommo returns it. */
export const CustomerTransactionSchema = z.looseObject({
  id: z.number(),
  comment: z.string().nullish(),
  price: z.number().nullish(),
  completed_at: z.number().nullish(),
  customer_id: z.number().nullish(),
  created_by: z.number().nullish(),
  updated_by: z.number().nullish(),
  created_at: z.number().nullish(),
  updated_at: z.number().nullish(),
  is_deleted: z.boolean().nullish(),
  account_id: z.number().nullish(),
  _links: LinksSchema.nullish(),
  _embedded: z
    .looseObject({
      customer: idOrObject(EntityRefSchema).nullish(),
      catalog_elements: z.array(idOrObject(EmbeddedCatalogElementSchema)).nullish(),
    })
    .nullish(),
});
/** A purchase of a customer. */
export type CustomerTransaction = z.infer<typeof CustomerTransactionSchema>;

/** A page of transactions. */
export const CustomerTransactionCollectionSchema = collectionSchema(
  'transactions',
  CustomerTransactionSchema,
);

/** What a transaction create returns: `id`, `customer_id`, the echoed `request_id`. */
export const CustomerTransactionRefSchema = z.looseObject({
  id: z.number(),
  customer_id: z.number().nullish(),
  request_id: z.union([z.string(), z.number()]).nullish(),
  _links: LinksSchema.nullish(),
});
/** What a transaction create returns. */
export type CustomerTransactionRef = z.infer<typeof CustomerTransactionRefSchema>;

/** A product bought in a transaction (`_embedded.catalog_elements`). */
const TransactionProductInputSchema = z.strictObject({
  id: IdSchema,
  metadata: z.strictObject({
    catalog_id: IdSchema,
    /** May be fractional. @defaultValue 1 */
    quantity: z.number().positive().optional(),
  }),
});

/** The body of a transaction create. */
export const CustomerTransactionCreateParamsSchema = z.strictObject({
  price: z.number().int().nonnegative(),
  comment: z.string().optional(),
  /** Unix time of the purchase. @defaultValue now */
  completed_at: UnixTimeSchema.optional(),
  /** Updates the customer's expected next purchase. */
  next_price: z.number().int().nonnegative().optional(),
  /** Updates the customer's expected next purchase date (unix time). */
  next_date: UnixTimeSchema.optional(),
  _embedded: z
    .strictObject({ catalog_elements: z.array(TransactionProductInputSchema).optional() })
    .optional(),
  metadata: z
    .strictObject({
      /** A link to the receipt. */
      receipt_link: HttpUrlSchema.optional(),
      /** The purchase's id in your system. */
      external_id: z.string().min(1).optional(),
    })
    .optional(),
  request_id: RequestIdSchema.optional(),
});
/** The body of `customers.transactions.create`: `price` is required. */
export type CustomerTransactionCreateParams = z.input<typeof CustomerTransactionCreateParamsSchema>;

/** Params of `customers.transactions.list` and `listFor`. */
export const CustomerTransactionListParamsSchema = z.strictObject({
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
  filter: z.strictObject({ id: IdsFilterSchema.optional() }).optional(),
});
/** Params of `customers.transactions.list` and `listFor`. */
export type CustomerTransactionListParams = z.infer<typeof CustomerTransactionListParamsSchema>;

/**
 * The schemas of `kommo.customers.transactions` by what they check, for its route spec.
 *
 * @internal
 */
export function customerTransactionRouteSchemas() {
  return {
    item: CustomerTransactionSchema,
    page: CustomerTransactionCollectionSchema,
    ref: CustomerTransactionRefSchema,
    list: CustomerTransactionListParamsSchema,
    create: CustomerTransactionCreateParamsSchema,
    creates: z.array(CustomerTransactionCreateParamsSchema),
  };
}

// ---------------------------------------------------------------------------------------------
// Bonus points.

/** Points to earn or redeem: a positive integer. */
export const BonusPointsSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** What `POST /api/v4/customers/{id}/bonus_points` answers: the balance after the change. */
export const BonusPointsBalanceSchema = z.looseObject({ bonus_points: z.number() });
/** A customer's bonus-point balance after an earn or a redeem. */
export type BonusPointsBalance = z.infer<typeof BonusPointsBalanceSchema>;
