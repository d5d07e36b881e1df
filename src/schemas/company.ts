/**
 * Companies: answer schemas (lenient) and input schemas (strict). Phones, e-mails, the web site
 * and the address are predefined custom fields (`PHONE`, `EMAIL` multitext, `WEB` url,
 * `ADDRESS` textarea).
 *
 * @see https://developers.kommo.com/reference/companies-list
 * @module
 */

import { z } from 'zod';
import {
  EmbeddedTagInputSchema,
  EntityRefSchema,
  IdSchema,
  RequestIdSchema,
  TagSchema,
  WriteRefSchema,
  collectionSchema,
  idOrObject,
} from './common.js';
import { EmbeddedCatalogElementSchema } from './lead.js';
import {
  PartyFilterSchema,
  partyListParams,
  partyShape,
  partyUpdateShape,
  partyWriteShape,
} from './party.js';

/** A company as Kommo returns it. */
export const CompanySchema = z.looseObject({
  ...partyShape,
  _embedded: z
    .looseObject({
      /** Company tags never have a color (`null`). */
      tags: z.array(idOrObject(TagSchema)).nullish(),
      contacts: z.array(idOrObject(EntityRefSchema)).nullish(),
      leads: z.array(idOrObject(EntityRefSchema)).nullish(),
      customers: z.array(idOrObject(EntityRefSchema)).nullish(),
      catalog_elements: z.array(idOrObject(EmbeddedCatalogElementSchema)).nullish(),
    })
    .nullish(),
});
/** A company. Unknown fields Kommo adds are kept. */
export type Company = z.infer<typeof CompanySchema>;

/** A page of companies. */
export const CompanyCollectionSchema = collectionSchema('companies', CompanySchema);

/** What a company write returns. */
export const CompanyRefSchema = WriteRefSchema;
/** What a company write returns (`id`, `request_id`, `updated_at`, `_links`; not the company). */
export type CompanyRef = z.infer<typeof CompanyRefSchema>;

/** Extra data for `with=`. */
const CompanyWithSchema = z.enum(['catalog_elements', 'leads', 'customers', 'contacts']);
/** Extra data a company read can include (`with=`). */
export type CompanyWith = z.infer<typeof CompanyWithSchema>;

/** Filters of `companies.list` (Kommo bills API filtering as an add-on on some accounts). */
export type CompanyFilter = z.infer<typeof PartyFilterSchema>;

/** Params of `companies.list`. */
export const CompanyListParamsSchema = partyListParams(CompanyWithSchema);
/** Params of `companies.list`. */
export type CompanyListParams = z.infer<typeof CompanyListParamsSchema>;

/** Params of `companies.search`: the list params without `query`. */
export const CompanySearchParamsSchema = CompanyListParamsSchema.omit({ query: true });
/** Params of `companies.search`. */
export type CompanySearchParams = z.infer<typeof CompanySearchParamsSchema>;

/** Params of `companies.get`. */
export const CompanyGetParamsSchema = z.strictObject({
  with: z.array(CompanyWithSchema).optional(),
});
/** Params of `companies.get`. */
export type CompanyGetParams = z.infer<typeof CompanyGetParamsSchema>;

/** The body of a company create. */
export const CompanyCreateParamsSchema = z.strictObject({
  ...partyWriteShape,
  _embedded: z.strictObject({ tags: z.array(EmbeddedTagInputSchema).optional() }).optional(),
  request_id: RequestIdSchema.optional(),
});
/** The body of a company create. */
export type CompanyCreateParams = z.input<typeof CompanyCreateParamsSchema>;

/** The body of a company update: only the fields you pass are sent. */
export const CompanyUpdateParamsSchema = z.strictObject(partyUpdateShape);
/** The body of `companies.update`. A multitext field you send replaces all its values. */
export type CompanyUpdateParams = z.input<typeof CompanyUpdateParamsSchema>;

/** One item of `companies.updateMany`. */
export const CompanyUpdateItemSchema = CompanyUpdateParamsSchema.extend({
  id: IdSchema,
  request_id: RequestIdSchema.optional(),
});
/** One item of `companies.updateMany`. */
export type CompanyUpdateItem = z.input<typeof CompanyUpdateItemSchema>;

/** The public types of `kommo.companies`, by what they are (see `EntityResource`). */
export interface CompanyResourceTypes {
  item: Company;
  ref: CompanyRef;
  listParams: CompanyListParams;
  searchParams: CompanySearchParams;
  getParams: CompanyGetParams;
  create: CompanyCreateParams;
  update: CompanyUpdateParams;
  updateItem: CompanyUpdateItem;
}

/**
 * The schemas of `kommo.companies` by what they check, for its route spec.
 *
 * @internal
 */
export function companyRouteSchemas() {
  return {
    item: CompanySchema,
    page: CompanyCollectionSchema,
    ref: CompanyRefSchema,
    list: CompanyListParamsSchema,
    search: CompanySearchParamsSchema,
    get: CompanyGetParamsSchema,
    create: CompanyCreateParamsSchema,
    update: CompanyUpdateParamsSchema,
    updateItem: CompanyUpdateItemSchema,
  };
}
