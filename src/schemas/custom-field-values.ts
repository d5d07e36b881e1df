/**
 * Custom-field values (`custom_fields_values`): the read shape and the strict write shape. The
 * `cf` builders and the readers (`getFieldValue`…) are in `src/values.ts`.
 *
 * @see https://www.amocrm.com/developers/content/crm_platform/custom-fields#cf-fill-examples
 * @module
 */

import { z } from 'zod';
import { IdSchema } from './common.js';

/** Field types Kommo documents. New ones appear: the type stays open (`string`). */
export type KnownCustomFieldType =
  | 'text'
  | 'numeric'
  | 'checkbox'
  | 'select'
  | 'multiselect'
  | 'multitext'
  | 'date'
  | 'date_time'
  | 'birthday'
  | 'url'
  | 'textarea'
  | 'radiobutton'
  | 'streetaddress'
  | 'smart_address'
  | 'legal_entity'
  | 'price'
  | 'monetary'
  | 'category'
  | 'items'
  | 'chained_list'
  | 'tracking_data'
  | 'linked_entity'
  | 'file'
  | 'payer'
  | 'supplier';

/** A custom-field type: a documented one, or any string Kommo adds later. */
export type CustomFieldType = KnownCustomFieldType | (string & {});

/** A string schema typed as an open enum (`Known | (string & {})`). @internal */
export function openEnum<T extends string>(): z.ZodType<T | (string & {}), string> {
  // `string` is assignable to `T | (string & {})`; the annotation keeps the known values for editors.
  return z.string();
}

// ---------------------------------------------------------------------------------------------
// Read shape.

/** What a field value's `value` holds: depends on the field type. */
export type RawFieldValue =
  string | number | boolean | null | readonly unknown[] | Record<string, unknown>;

/**
 * One value of a field as Kommo returns it. Which keys are set depends on the field type: `value`
 * for most, `enum_id`/`enum_code` for enum fields, `catalog_id`/`catalog_element_id` for
 * chained lists; old accounts send the legacy `enum` code in multitext values.
 */
const CustomFieldValueItemSchema = z.looseObject({
  // Accepted as it comes (no check): its shape depends on the field type, unknown types must
  // pass, and a 5-way union here was most of the cost of validating a page of leads.
  value: z.custom<RawFieldValue>(() => true).optional(),
  enum_id: z.number().nullish(),
  enum_code: z.string().nullish(),
  /** Legacy multitext code (`"WORK"`); Kommo refuses it on write. */
  enum: z.string().nullish(),
  catalog_id: z.number().nullish(),
  catalog_element_id: z.number().nullish(),
});
/** One value of a custom field, as read. */
export type CustomFieldValueItem = z.infer<typeof CustomFieldValueItemSchema>;

/** One entry of an entity's `custom_fields_values`, as read. */
const CustomFieldValueSchema = z.looseObject({
  field_id: z.number(),
  field_name: z.string().nullish(),
  field_code: z.string().nullish(),
  field_type: openEnum<KnownCustomFieldType>().nullish(),
  values: z.array(CustomFieldValueItemSchema).nullish(),
});
/** One entry of an entity's `custom_fields_values`, as read. */
export type CustomFieldValue = z.infer<typeof CustomFieldValueSchema>;

/** `custom_fields_values` as read: `null` (not `[]`) when the entity has none. */
export const CustomFieldValuesSchema = z.array(CustomFieldValueSchema).nullish();

// ---------------------------------------------------------------------------------------------
// Write shape (strict).

/** One value to write. */
const CustomFieldValueItemInputSchema = z.strictObject({
  value: z
    .union([
      z.string(),
      z.number(),
      z.boolean(),
      z.array(z.unknown()),
      z.record(z.string(), z.unknown()),
    ])
    .optional(),
  enum_id: IdSchema.optional(),
  enum_code: z.string().min(1).optional(),
  catalog_id: IdSchema.optional(),
  catalog_element_id: IdSchema.optional(),
});
/** One value to write: `{ value }`, `{ enum_id }`, `{ enum_code }`, `{ value, enum_code }`, … */
export type CustomFieldValueItemInput = z.infer<typeof CustomFieldValueItemInputSchema>;

/**
 * One field to write: identified by `field_id` or `field_code` (exactly one); `values: null`
 * clears it. Build these with {@link cf}.
 */
const CustomFieldValueInputSchema = z
  .strictObject({
    field_id: IdSchema.optional(),
    field_code: z.string().min(1).optional(),
    values: z.array(CustomFieldValueItemInputSchema).nullable(),
  })
  .superRefine((entry, ctx) => {
    if ((entry.field_id === undefined) === (entry.field_code === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'Give exactly one of field_id or field_code',
        path: ['field_id'],
      });
    }
  });
/** One field to write, as the {@link cf} builders produce it. */
export type CustomFieldValueInput =
  | { field_id: number; values: CustomFieldValueItemInput[] | null }
  | { field_code: string; values: CustomFieldValueItemInput[] | null };

/** `custom_fields_values` of a create/update body. */
export const CustomFieldValuesInputSchema = z.array(CustomFieldValueInputSchema);
