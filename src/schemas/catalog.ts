/**
 * Catalogs (lists) and their elements: answer schemas (lenient) and inputs (strict).
 *
 * @see https://developers.kommo.com/reference/lists
 * @module
 */

import { z } from 'zod';
import {
  IdSchema,
  IdsFilterSchema,
  LimitSchema,
  LinksSchema,
  PageSchema,
  RequestIdSchema,
  collectionSchema,
} from './common.js';
import {
  CustomFieldValuesInputSchema,
  CustomFieldValuesSchema,
  openEnum,
} from './custom-field-values.js';

/** Catalog types. */
export type CatalogType = 'regular' | 'invoices' | 'products' | 'suppliers';

/** A catalog as Kommo returns it. */
export const CatalogSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  created_by: z.number().nullish(),
  updated_by: z.number().nullish(),
  created_at: z.number().nullish(),
  updated_at: z.number().nullish(),
  sort: z.number().nullish(),
  type: openEnum<CatalogType>().nullish(),
  can_add_elements: z.boolean().nullish(),
  /** Invoices only. */
  can_show_in_cards: z.boolean().nullish(),
  can_link_multiple: z.boolean().nullish(),
  can_be_deleted: z.boolean().nullish(),
  sdk_widget_code: z.union([z.string(), z.number()]).nullish(),
  account_id: z.number().nullish(),
  request_id: z.union([z.string(), z.number()]).nullish(),
  _links: LinksSchema.nullish(),
});
/** A catalog (list). Unknown fields Kommo adds are kept. Writes return the full catalog. */
export type Catalog = z.infer<typeof CatalogSchema>;

/** A page of catalogs. */
export const CatalogCollectionSchema = collectionSchema('catalogs', CatalogSchema);

/** Params of `catalogs.list`. */
export const CatalogListParamsSchema = z.strictObject({
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
});
/** Params of `catalogs.list`. */
export type CatalogListParams = z.infer<typeof CatalogListParamsSchema>;

/** The body of a catalog create. */
export const CatalogCreateParamsSchema = z.strictObject({
  name: z.string().trim().min(1),
  /** At most one `invoices` and one `products` catalog per account. @defaultValue `'regular'` */
  type: z.enum(['regular', 'invoices', 'products']).optional(),
  sort: z.number().int().optional(),
  can_add_elements: z.boolean().optional(),
  can_link_multiple: z.boolean().optional(),
  request_id: RequestIdSchema.optional(),
});
/** The body of a catalog create. */
export type CatalogCreateParams = z.input<typeof CatalogCreateParamsSchema>;

/** The body of a catalog update (Kommo's doc marks `name` required). */
export const CatalogUpdateParamsSchema = z.strictObject({
  name: z.string().trim().min(1),
  can_add_elements: z.boolean().optional(),
  can_link_multiple: z.boolean().optional(),
});
/** The body of `catalogs.update`: `name` is required by Kommo even here. */
export type CatalogUpdateParams = z.input<typeof CatalogUpdateParamsSchema>;

/** One item of `catalogs.updateMany`. */
export const CatalogUpdateItemSchema = CatalogUpdateParamsSchema.extend({
  id: IdSchema,
  request_id: RequestIdSchema.optional(),
});
/** One item of `catalogs.updateMany`. */
export type CatalogUpdateItem = z.input<typeof CatalogUpdateItemSchema>;

/** A catalog element as Kommo returns it. */
export const CatalogElementSchema = z.looseObject({
  id: z.number(),
  catalog_id: z.number().nullish(),
  name: z.string().nullish(),
  created_by: z.number().nullish(),
  updated_by: z.number().nullish(),
  created_at: z.number().nullish(),
  updated_at: z.number().nullish(),
  is_deleted: z.boolean().nullish(),
  custom_fields_values: CustomFieldValuesSchema,
  account_id: z.number().nullish(),
  currency_id: z.number().nullish(),
  /** Invoices, with `with=invoice_link`. */
  invoice_link: z.string().nullish(),
  /** A number (`0` or the element id) in Kommo's examples; a string when you sent one. */
  request_id: z.union([z.string(), z.number()]).nullish(),
  _links: LinksSchema.nullish(),
  _embedded: z
    .looseObject({
      /** Invoices only: a recalculation warning. */
      warning: z.looseObject({ message: z.string().nullish() }).nullish(),
    })
    .nullish(),
});
/** An element of a catalog (a product, an invoice…). Writes return the full element. */
export type CatalogElement = z.infer<typeof CatalogElementSchema>;

/** A page of catalog elements. */
export const CatalogElementCollectionSchema = collectionSchema('elements', CatalogElementSchema);

/** Params of `catalogs.elements.list`. */
export const CatalogElementListParamsSchema = z.strictObject({
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
  /** Full-text search in filled fields. */
  query: z.union([z.string().min(1), z.number()]).optional(),
  filter: z.strictObject({ id: IdsFilterSchema.optional() }).optional(),
  with: z.array(z.enum(['invoice_link'])).optional(),
});
/** Params of `catalogs.elements.list`. */
export type CatalogElementListParams = z.infer<typeof CatalogElementListParamsSchema>;

/** Params of `catalogs.elements.get`. */
export const CatalogElementGetParamsSchema = z.strictObject({
  with: z.array(z.enum(['invoice_link'])).optional(),
});
/** Params of `catalogs.elements.get`. */
export type CatalogElementGetParams = z.infer<typeof CatalogElementGetParamsSchema>;

/** The body of an element create. */
export const CatalogElementCreateParamsSchema = z.strictObject({
  name: z.string().trim().min(1),
  custom_fields_values: CustomFieldValuesInputSchema.optional(),
  request_id: RequestIdSchema.optional(),
});
/** The body of an element create (products: `SKU`, `PRICE`, `DESCRIPTION`, `GROUP` fields). */
export type CatalogElementCreateParams = z.input<typeof CatalogElementCreateParamsSchema>;

/** The body of an element update (Kommo's doc marks `name` required). */
export const CatalogElementUpdateParamsSchema = z.strictObject({
  name: z.string().trim().min(1),
  custom_fields_values: CustomFieldValuesInputSchema.optional(),
});
/** The body of `catalogs.elements.update`: `name` is required by Kommo even here. */
export type CatalogElementUpdateParams = z.input<typeof CatalogElementUpdateParamsSchema>;

/** One item of `catalogs.elements.updateMany`. */
export const CatalogElementUpdateItemSchema = CatalogElementUpdateParamsSchema.extend({
  id: IdSchema,
  request_id: RequestIdSchema.optional(),
});
/** One item of `catalogs.elements.updateMany`. */
export type CatalogElementUpdateItem = z.input<typeof CatalogElementUpdateItemSchema>;

/** A link from an element to a lead or customer. */
export const CatalogElementLinkInputSchema = z.strictObject({
  to_entity_id: IdSchema,
  to_entity_type: z.enum(['leads', 'customers']),
  metadata: z
    .strictObject({
      quantity: z.number().positive().optional(),
      price_id: IdSchema.nullable().optional(),
    })
    .optional(),
});
/** A link from a catalog element to a lead or customer, with quantity and price field. */
export type CatalogElementLinkInput = z.input<typeof CatalogElementLinkInputSchema>;

/** The public types of `kommo.catalogs`, by what they are (see `RecordResource`). */
export interface CatalogResourceTypes {
  item: Catalog;
  ref: Catalog;
  create: CatalogCreateParams;
  update: CatalogUpdateParams;
}

/** The public types of `kommo.catalogs.elements`, by what they are (see `ScopedRecordResource`). */
export interface CatalogElementResourceTypes {
  item: CatalogElement;
  ref: CatalogElement;
  listParams: CatalogElementListParams;
  create: CatalogElementCreateParams;
  update: CatalogElementUpdateParams;
}

/**
 * The schemas of `kommo.catalogs` by what they check, for its route spec. Kommo answers catalog writes with the whole catalog.
 *
 * @internal
 */
export function catalogRouteSchemas() {
  return {
    item: CatalogSchema,
    page: CatalogCollectionSchema,
    ref: CatalogSchema,
    list: CatalogListParamsSchema,
    create: CatalogCreateParamsSchema,
    update: CatalogUpdateParamsSchema,
    updateItem: CatalogUpdateItemSchema,
  };
}

/**
 * The schemas of `kommo.catalogs.elements` by what they check, for its route spec. Kommo answers element writes with the whole element.
 *
 * @internal
 */
export function catalogElementRouteSchemas() {
  return {
    item: CatalogElementSchema,
    page: CatalogElementCollectionSchema,
    ref: CatalogElementSchema,
    list: CatalogElementListParamsSchema,
    get: CatalogElementGetParamsSchema,
    create: CatalogElementCreateParamsSchema,
    update: CatalogElementUpdateParamsSchema,
    updateItem: CatalogElementUpdateItemSchema,
    link: CatalogElementLinkInputSchema,
  };
}
