/**
 * What contacts and companies share — the "parties" leads are linked to: the answer fields, the
 * list filters and params, and the write fields. `contact.ts` and `company.ts` add their own
 * (a contact's names, their `_embedded` lists, their `with` values).
 *
 * @module
 */

import { z } from 'zod';
import {
  EmbeddedTagInputSchema,
  IdSchema,
  IdsFilterSchema,
  LimitSchema,
  LinksSchema,
  PageSchema,
  SortDirectionSchema,
  TagInputSchema,
  TimeFilterSchema,
  UnixTimeSchema,
  UserIdOrZeroSchema,
  UserIdsFilterSchema,
} from './common.js';
import { CustomFieldValuesInputSchema, CustomFieldValuesSchema } from './custom-field-values.js';
import { CustomFieldsFilterSchema } from './lead.js';

/** The answer fields of a contact or a company, but `_embedded`. */
export const partyShape = {
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
};

/** Filters of the contact and company lists. */
export const PartyFilterSchema = z.strictObject({
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

/** The list params of contacts or companies, with their own `with` values. */
export function partyListParams<W extends z.ZodType>(withValues: W) {
  return z.strictObject({
    with: z.array(withValues).optional(),
    page: PageSchema.optional(),
    limit: LimitSchema.optional(),
    /** Full-text search over the name and filled fields (phones and e-mails included). */
    query: z.union([z.string().min(1), z.number()]).optional(),
    filter: PartyFilterSchema.optional(),
    order: z
      .strictObject({
        updated_at: SortDirectionSchema.optional(),
        id: SortDirectionSchema.optional(),
      })
      .optional(),
  });
}

/** The fields a contact or company create and update may send. */
export const partyWriteShape = {
  /** For a contact, assembled by Kommo from `first_name`/`last_name` when omitted. */
  name: z.string().optional(),
  responsible_user_id: IdSchema.optional(),
  created_by: UserIdOrZeroSchema.optional(),
  updated_by: UserIdOrZeroSchema.optional(),
  created_at: UnixTimeSchema.optional(),
  updated_at: UnixTimeSchema.optional(),
  custom_fields_values: CustomFieldValuesInputSchema.optional(),
  tags_to_add: z.array(TagInputSchema).optional(),
};

/** The fields of a contact or company update. */
export const partyUpdateShape = {
  ...partyWriteShape,
  tags_to_delete: z.array(TagInputSchema).optional(),
  /** Replaces every tag (`null` removes all); prefer `tags_to_add`/`tags_to_delete`. */
  _embedded: z
    .strictObject({ tags: z.array(EmbeddedTagInputSchema).nullable().optional() })
    .optional(),
};
