/**
 * Contacts: answer schemas (lenient) and input schemas (strict). Phones and e-mails are
 * `multitext` custom fields (`PHONE`, `EMAIL`): build them with `cf.phones`/`cf.emails`, read
 * them with `getPhones`/`getEmails`.
 *
 * @see https://developers.kommo.com/reference/contacts-list
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

/** A contact as Kommo returns it. */
export const ContactSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  responsible_user_id: z.number().nullish(),
  group_id: z.number().nullish(),
  created_by: z.number().nullish(),
  updated_by: z.number().nullish(),
  created_at: z.number().nullish(),
  updated_at: z.number().nullish(),
  closest_task_at: z.number().nullish(),
  is_deleted: z.boolean().nullish(),
  is_unsorted: z.boolean().nullish(),
  custom_fields_values: CustomFieldValuesSchema,
  account_id: z.number().nullish(),
  _links: LinksSchema.nullish(),
  _embedded: z
    .looseObject({
      tags: z.array(idOrObject(TagSchema)).nullish(),
      companies: z.array(idOrObject(EntityRefSchema)).nullish(),
      leads: z.array(idOrObject(EntityRefSchema)).nullish(),
      customers: z.array(idOrObject(EntityRefSchema)).nullish(),
      catalog_elements: z.array(idOrObject(EmbeddedCatalogElementSchema)).nullish(),
    })
    .nullish(),
});
/** A contact. Unknown fields Kommo adds are kept. */
export type Contact = z.infer<typeof ContactSchema>;

/** A page of contacts. */
export const ContactCollectionSchema = collectionSchema('contacts', ContactSchema);

/** What a contact write returns. */
export const ContactRefSchema = WriteRefSchema.extend({
  is_deleted: z.boolean().nullish(),
  is_unsorted: z.boolean().nullish(),
});
/** What a contact write returns (Kommo does not send the contact back). */
export type ContactRef = z.infer<typeof ContactRefSchema>;

/** Extra data for `with=`. */
const ContactWithSchema = z.enum(['catalog_elements', 'leads', 'customers']);
/** Extra data a contact read can include (`with=`). */
export type ContactWith = z.infer<typeof ContactWithSchema>;

/** Filters of the contact list. */
const ContactFilterSchema = z.strictObject({
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
/** Filters of `contacts.list`. */
export type ContactFilter = z.infer<typeof ContactFilterSchema>;

/** Params of `contacts.list`. */
export const ContactListParamsSchema = z.strictObject({
  with: z.array(ContactWithSchema).optional(),
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
  /** Full-text search: name, phone, e-mail and other filled fields. */
  query: z.union([z.string().min(1), z.number()]).optional(),
  filter: ContactFilterSchema.optional(),
  order: z
    .strictObject({
      updated_at: SortDirectionSchema.optional(),
      id: SortDirectionSchema.optional(),
    })
    .optional(),
});
/** Params of `contacts.list`. */
export type ContactListParams = z.infer<typeof ContactListParamsSchema>;

/** Params of `contacts.search`: the list params without `query`. */
export const ContactSearchParamsSchema = ContactListParamsSchema.omit({ query: true });
/** Params of `contacts.search`. */
export type ContactSearchParams = z.infer<typeof ContactSearchParamsSchema>;

/** Params of `contacts.get`. */
export const ContactGetParamsSchema = z.strictObject({
  with: z.array(ContactWithSchema).optional(),
});
/** Params of `contacts.get`. */
export type ContactGetParams = z.infer<typeof ContactGetParamsSchema>;

const contactWriteShape = {
  /** Assembled by Kommo from `first_name`/`last_name` when omitted. */
  name: z.string().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  responsible_user_id: IdSchema.optional(),
  created_by: UserIdOrZeroSchema.optional(),
  updated_by: UserIdOrZeroSchema.optional(),
  created_at: UnixTimeSchema.optional(),
  updated_at: UnixTimeSchema.optional(),
  custom_fields_values: CustomFieldValuesInputSchema.optional(),
  tags_to_add: z.array(TagInputSchema).optional(),
};

/** The body of a contact create. */
export const ContactCreateParamsSchema = z.strictObject({
  ...contactWriteShape,
  _embedded: z
    .strictObject({ tags: z.array(EmbeddedTagInputSchema).nullable().optional() })
    .optional(),
  request_id: RequestIdSchema.optional(),
});
/** The body of a contact create. */
export type ContactCreateParams = z.input<typeof ContactCreateParamsSchema>;

/** The body of a contact update: only the fields you pass are sent. */
export const ContactUpdateParamsSchema = z.strictObject({
  ...contactWriteShape,
  tags_to_delete: z.array(TagInputSchema).optional(),
  _embedded: z
    .strictObject({ tags: z.array(EmbeddedTagInputSchema).nullable().optional() })
    .optional(),
});
/** The body of `contacts.update`. A multitext field you send replaces all its values. */
export type ContactUpdateParams = z.input<typeof ContactUpdateParamsSchema>;

/** One item of `contacts.updateMany`. */
export const ContactUpdateItemSchema = ContactUpdateParamsSchema.extend({
  id: IdSchema,
  request_id: RequestIdSchema.optional(),
});
/** One item of `contacts.updateMany`. */
export type ContactUpdateItem = z.input<typeof ContactUpdateItemSchema>;
