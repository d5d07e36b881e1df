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
  IdsFilterSchema,
  LimitSchema,
  LinksSchema,
  PageSchema,
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
import { CustomFieldsFilterSchema, EmbeddedCatalogElementSchema } from './lead.js';

/** A company as Kommo returns it. */
export const CompanySchema = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  responsible_user_id: z.number().nullish(),
  group_id: z.number().nullish(),
  created_by: z.number().nullish(),
  updated_by: z.number().nullish(),
  created_at: z.number().nullish(),
  updated_at: z.number().nullish(),
  closest_task_at: z.number().nullish(),
  is_deleted: z.boolean().nullish(),
  custom_fields_values: CustomFieldValuesSchema,
  account_id: z.number().nullish(),
  _links: LinksSchema.nullish(),
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

/** Filters of the company list. */
const CompanyFilterSchema = z.strictObject({
  id: IdsFilterSchema.optional(),
  name: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
  created_by: UserIdsFilterSchema.optional(),
  updated_by: UserIdsFilterSchema.optional(),
  responsible_user_id: UserIdsFilterSchema.optional(),
  created_at: TimeFilterSchema.optional(),
  updated_at: TimeFilterSchema.optional(),
  closest_task_at: TimeFilterSchema.optional(),
  custom_fields_values: CustomFieldsFilterSchema.optional(),
});
/** Filters of `companies.list` (Kommo bills API filtering as an add-on on some accounts). */
export type CompanyFilter = z.infer<typeof CompanyFilterSchema>;

/** Params of `companies.list`. */
export const CompanyListParamsSchema = z.strictObject({
  with: z.array(CompanyWithSchema).optional(),
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
  /** Full-text search over the name and filled fields (phones and e-mails included). */
  query: z.union([z.string().min(1), z.number()]).optional(),
  filter: CompanyFilterSchema.optional(),
  order: z
    .strictObject({
      updated_at: SortDirectionSchema.optional(),
      id: SortDirectionSchema.optional(),
    })
    .optional(),
});
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

const companyWriteShape = {
  name: z.string().optional(),
  responsible_user_id: IdSchema.optional(),
  created_by: UserIdOrZeroSchema.optional(),
  updated_by: UserIdOrZeroSchema.optional(),
  created_at: UnixTimeSchema.optional(),
  updated_at: UnixTimeSchema.optional(),
  custom_fields_values: CustomFieldValuesInputSchema.optional(),
  tags_to_add: z.array(TagInputSchema).optional(),
};

/** The body of a company create. */
export const CompanyCreateParamsSchema = z.strictObject({
  ...companyWriteShape,
  _embedded: z.strictObject({ tags: z.array(EmbeddedTagInputSchema).optional() }).optional(),
  request_id: RequestIdSchema.optional(),
});
/** The body of a company create. */
export type CompanyCreateParams = z.input<typeof CompanyCreateParamsSchema>;

/** The body of a company update: only the fields you pass are sent. */
export const CompanyUpdateParamsSchema = z.strictObject({
  ...companyWriteShape,
  tags_to_delete: z.array(TagInputSchema).optional(),
  /** Replaces every tag (`null` removes all); prefer `tags_to_add`/`tags_to_delete`. */
  _embedded: z
    .strictObject({ tags: z.array(EmbeddedTagInputSchema).nullable().optional() })
    .optional(),
});
/** The body of `companies.update`. A multitext field you send replaces all its values. */
export type CompanyUpdateParams = z.input<typeof CompanyUpdateParamsSchema>;

/** One item of `companies.updateMany`. */
export const CompanyUpdateItemSchema = CompanyUpdateParamsSchema.extend({
  id: IdSchema,
  request_id: RequestIdSchema.optional(),
});
/** One item of `companies.updateMany`. */
export type CompanyUpdateItem = z.input<typeof CompanyUpdateItemSchema>;
