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

/** A contact as Kommo returns it. */
export const ContactSchema = z.looseObject({
  ...partyShape,
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  is_unsorted: z.boolean().nullish(),
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

/** Filters of `contacts.list`. */
export type ContactFilter = z.infer<typeof PartyFilterSchema>;

/** Params of `contacts.list`. */
export const ContactListParamsSchema = partyListParams(ContactWithSchema);
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

/** A person's names, on top of the shared write fields. */
const contactNames = {
  first_name: z.string().optional(),
  last_name: z.string().optional(),
};

/** The body of a contact create. */
export const ContactCreateParamsSchema = z.strictObject({
  ...partyWriteShape,
  ...contactNames,
  _embedded: z
    .strictObject({ tags: z.array(EmbeddedTagInputSchema).nullable().optional() })
    .optional(),
  request_id: RequestIdSchema.optional(),
});
/** The body of a contact create. */
export type ContactCreateParams = z.input<typeof ContactCreateParamsSchema>;

/** The body of a contact update: only the fields you pass are sent. */
export const ContactUpdateParamsSchema = z.strictObject({ ...partyUpdateShape, ...contactNames });
/** The body of `contacts.update`. A multitext field you send replaces all its values. */
export type ContactUpdateParams = z.input<typeof ContactUpdateParamsSchema>;

/** One item of `contacts.updateMany`. */
export const ContactUpdateItemSchema = ContactUpdateParamsSchema.extend({
  id: IdSchema,
  request_id: RequestIdSchema.optional(),
});
/** One item of `contacts.updateMany`. */
export type ContactUpdateItem = z.input<typeof ContactUpdateItemSchema>;

/** The public types of `kommo.contacts`, by what they are (see `EntityResource`). */
export interface ContactResourceTypes {
  item: Contact;
  ref: ContactRef;
  listParams: ContactListParams;
  searchParams: ContactSearchParams;
  getParams: ContactGetParams;
  create: ContactCreateParams;
  update: ContactUpdateParams;
  updateItem: ContactUpdateItem;
}

/**
 * The schemas of `kommo.contacts` by what they check, for its route spec.
 *
 * @internal
 */
export function contactRouteSchemas() {
  return {
    item: ContactSchema,
    page: ContactCollectionSchema,
    ref: ContactRefSchema,
    list: ContactListParamsSchema,
    search: ContactSearchParamsSchema,
    get: ContactGetParamsSchema,
    create: ContactCreateParamsSchema,
    update: ContactUpdateParamsSchema,
    updateItem: ContactUpdateItemSchema,
  };
}
