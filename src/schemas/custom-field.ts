/**
 * Custom-field definitions and groups: answer schemas (lenient) and input schemas (strict).
 *
 * @see https://developers.kommo.com/reference/custom-fields-list
 * @module
 */

import { z } from 'zod';
import {
  IdSchema,
  LimitSchema,
  LinksSchema,
  NumberOrStringSchema,
  PageSchema,
  RequestIdSchema,
  SortDirectionSchema,
  WriteRefSchema,
  collectionSchema,
} from './common.js';
import { openEnum, type KnownCustomFieldType } from './custom-field-values.js';

/**
 * Entities with custom fields: `leads`, `contacts`, `companies`, `customers`,
 * `customers/segments`, or a catalog as `catalogs/<id>`.
 */
export type CustomFieldEntityType =
  'leads' | 'contacts' | 'companies' | 'customers' | 'customers/segments' | `catalogs/${number}`;

/** Validates a {@link CustomFieldEntityType}. */
export const CustomFieldEntityTypeSchema = z
  .string()
  .regex(
    /^(leads|contacts|companies|customers|customers\/segments|catalogs\/[1-9]\d{0,15})$/,
    'Expected leads, contacts, companies, customers, customers/segments or catalogs/<id>',
  );

/**
 * Entities with field groups (tabs): `leads`, `contacts`, `companies`, `customers`, or a
 * catalog as `catalogs/<id>`. Segments have fields but no groups.
 */
export type CustomFieldGroupEntityType =
  'leads' | 'contacts' | 'companies' | 'customers' | `catalogs/${number}`;

/** Validates a {@link CustomFieldGroupEntityType}. */
export const CustomFieldGroupEntityTypeSchema = z
  .string()
  .regex(
    /^(leads|contacts|companies|customers|catalogs\/[1-9]\d{0,15})$/,
    'Expected leads, contacts, companies, customers or catalogs/<id>',
  );

/** An option of an enum field (`select`, `multiselect`, `radiobutton`, `multitext`). */
const CustomFieldEnumSchema = z.looseObject({
  id: z.number(),
  /** The label; for multitext the kind code (`WORK`, `MOB`…). */
  value: z.string().nullish(),
  sort: z.number().nullish(),
  code: z.string().nullish(),
});
/** An option of an enum field. */
export type CustomFieldEnum = z.infer<typeof CustomFieldEnumSchema>;

/** A `{ status_id, pipeline_id }` pair. */
const StatusRefSchema = z.looseObject({
  status_id: z.number().nullish(),
  pipeline_id: z.number().nullish(),
});

/** A custom-field definition as Kommo returns it. */
export const CustomFieldSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  type: openEnum<KnownCustomFieldType>().nullish(),
  account_id: z.number().nullish(),
  /** Symbolic code: `PHONE`, `EMAIL`, `POSITION`, `UTM_SOURCE`… */
  code: z.string().nullish(),
  sort: z.number().nullish(),
  entity_type: z.string().nullish(),
  is_api_only: z.boolean().nullish(),
  is_predefined: z.boolean().nullish(),
  is_deletable: z.boolean().nullish(),
  /** Leads: a formula field (read-only). */
  is_computed: z.boolean().nullish(),
  is_visible: z.boolean().nullish(),
  is_required: z.boolean().nullish(),
  settings: z.unknown().optional(),
  /** Birthday fields: `never`, `day`, `week`, `month`. */
  remind: z.string().nullish(),
  /** Monetary fields: ISO currency. */
  currency: z.string().nullish(),
  enums: z.array(CustomFieldEnumSchema).nullish(),
  nested: z
    .array(
      z.looseObject({
        id: z.number(),
        parent_id: z.number().nullish(),
        value: z.string().nullish(),
        sort: z.number().nullish(),
      }),
    )
    .nullish(),
  /** A group id: a string such as `"leads_29741591099841"`. */
  group_id: NumberOrStringSchema.nullish(),
  required_statuses: z.array(StatusRefSchema).nullish(),
  hidden_statuses: z.array(StatusRefSchema).nullish(),
  chained_lists: z
    .array(
      z.looseObject({
        title: z.string().nullish(),
        catalog_id: z.number().nullish(),
        parent_catalog_id: z.number().nullish(),
      }),
    )
    .nullish(),
  tracking_callback: z.string().nullish(),
  search_in: z.string().nullish(),
  triggers: z.array(z.unknown()).nullish(),
  _links: LinksSchema.nullish(),
});
/** A custom-field definition: find field ids, enum ids and codes here. */
export type CustomField = z.infer<typeof CustomFieldSchema>;

/** A page of field definitions. */
export const CustomFieldCollectionSchema = collectionSchema('custom_fields', CustomFieldSchema);

/** A custom-field group as Kommo returns it. */
export const CustomFieldGroupSchema = z.looseObject({
  /** A string id, e.g. `"leads_29741591099841"`. */
  id: NumberOrStringSchema,
  name: z.string().nullish(),
  sort: z.number().nullish(),
  entity_type: z.string().nullish(),
  is_predefined: z.boolean().nullish(),
  /** `custom_field_group`, or `linked_group` for product groups. */
  type: z.string().nullish(),
  _links: LinksSchema.nullish(),
});
/** A group of custom fields (a tab in Kommo's UI). */
export type CustomFieldGroup = z.infer<typeof CustomFieldGroupSchema>;

/** A page of groups. */
export const CustomFieldGroupCollectionSchema = collectionSchema(
  'custom_field_groups',
  CustomFieldGroupSchema,
);

/** What a field write returns. */
export const CustomFieldRefSchema = WriteRefSchema;
/** What a field write returns (Kommo echoes the definition; extra fields are kept). */
export type CustomFieldRef = z.infer<typeof CustomFieldRefSchema>;

/** What a group write returns. */
export const CustomFieldGroupRefSchema = z.looseObject({
  id: NumberOrStringSchema,
  request_id: z.union([z.string(), z.number()]).nullish(),
  _links: LinksSchema.nullish(),
});
/** What a group write returns. */
export type CustomFieldGroupRef = z.infer<typeof CustomFieldGroupRefSchema>;

/** Params of `customFields.list`. */
export const CustomFieldListParamsSchema = z.strictObject({
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
  filter: z
    .strictObject({
      type: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    })
    .optional(),
  order: z
    .strictObject({ sort: SortDirectionSchema.optional(), id: SortDirectionSchema.optional() })
    .optional(),
});
/** Params of `customFields.list`. */
export type CustomFieldListParams = z.infer<typeof CustomFieldListParamsSchema>;

const statusPair = z.strictObject({ status_id: IdSchema, pipeline_id: IdSchema });
const enumInput = z.strictObject({
  /** Existing option id, to keep or rename it on update. */
  id: IdSchema.optional(),
  value: z.string().min(1),
  sort: z.number().int().optional(),
  code: z.string().optional(),
});

const fieldWriteShape = {
  name: z.string().min(1),
  code: z.string().optional(),
  sort: z.number().int().optional(),
  group_id: z.string().optional(),
  is_api_only: z.boolean().optional(),
  required_statuses: z.array(statusPair).optional(),
  hidden_statuses: z.array(statusPair).optional(),
  settings: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional(),
  is_visible: z.boolean().optional(),
  is_required: z.boolean().optional(),
  remind: z.enum(['never', 'day', 'week', 'month']).optional(),
  enums: z.array(enumInput).optional(),
  nested: z
    .array(
      z.strictObject({
        id: IdSchema.optional(),
        parent_id: IdSchema.optional(),
        value: z.string().min(1),
        sort: z.number().int().optional(),
        request_id: z.string().optional(),
        parent_request_id: z.string().optional(),
      }),
    )
    .optional(),
  tracking_callback: z.string().optional(),
  chained_lists: z
    .array(
      z.strictObject({
        title: z.string().optional(),
        catalog_id: IdSchema,
        parent_catalog_id: z.number().int().nonnegative().optional(),
      }),
    )
    .optional(),
  search_in: z.string().optional(),
  currency: z.string().length(3).optional(),
};

/** A field type to create: a documented one, or a newer one Kommo accepts. */
const fieldTypeInput: z.ZodType<KnownCustomFieldType | (string & {}), string> = z.string().min(1);

/** The body of a field create. */
export const CustomFieldCreateParamsSchema = z.strictObject({
  ...fieldWriteShape,
  type: fieldTypeInput,
  request_id: RequestIdSchema.optional(),
});
/** The body of `customFields.create` (admin only). */
export type CustomFieldCreateParams = z.input<typeof CustomFieldCreateParamsSchema>;

/** The body of a field update. */
export const CustomFieldUpdateParamsSchema = z
  .strictObject({ ...fieldWriteShape, name: fieldWriteShape.name.optional() })
  .refine((v) => Object.keys(v).length > 0, 'Give at least one field to change');
/** The body of `customFields.update`: only the fields you pass are sent. */
export type CustomFieldUpdateParams = z.input<typeof CustomFieldUpdateParamsSchema>;

/** One item of `customFields.updateMany`. */
export const CustomFieldUpdateItemSchema = z.strictObject({
  ...fieldWriteShape,
  name: fieldWriteShape.name.optional(),
  id: IdSchema,
  request_id: RequestIdSchema.optional(),
});
/** One item of `customFields.updateMany`. */
export type CustomFieldUpdateItem = z.input<typeof CustomFieldUpdateItemSchema>;

/** A group id (`"leads_29741591099841"`). */
export const CustomFieldGroupIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_]{1,100}$/, 'Expected a group id such as "leads_29741591099841"');

/** The body of a group create. */
export const CustomFieldGroupCreateParamsSchema = z.strictObject({
  name: z.string().min(1),
  sort: z.number().int().optional(),
  request_id: RequestIdSchema.optional(),
});
/** The body of `customFields.groups.create`. */
export type CustomFieldGroupCreateParams = z.input<typeof CustomFieldGroupCreateParamsSchema>;

/** The body of a group update. */
export const CustomFieldGroupUpdateParamsSchema = z
  .strictObject({ name: z.string().min(1).optional(), sort: z.number().int().optional() })
  .refine((v) => Object.keys(v).length > 0, 'Give at least one field to change');
/** The body of `customFields.groups.update`. */
export type CustomFieldGroupUpdateParams = z.input<typeof CustomFieldGroupUpdateParamsSchema>;

/** The public types of `kommo.customFields`, by what they are (see `ScopedRecordResource`). */
export interface CustomFieldResourceTypes {
  item: CustomField;
  ref: CustomFieldRef;
  listParams: CustomFieldListParams;
  create: CustomFieldCreateParams;
  update: CustomFieldUpdateParams;
}

/**
 * The schemas of `kommo.customFields` by what they check, for its route spec.
 *
 * @internal
 */
export function customFieldRouteSchemas() {
  return {
    item: CustomFieldSchema,
    page: CustomFieldCollectionSchema,
    ref: CustomFieldRefSchema,
    list: CustomFieldListParamsSchema,
    create: CustomFieldCreateParamsSchema,
    update: CustomFieldUpdateParamsSchema,
    updateItem: CustomFieldUpdateItemSchema,
    entityType: CustomFieldEntityTypeSchema,
  };
}

/**
 * The schemas of `kommo.customFields.groups` by what they check, for its route spec. Group ids are strings.
 *
 * @internal
 */
export function customFieldGroupRouteSchemas() {
  return {
    item: CustomFieldGroupSchema,
    page: CustomFieldGroupCollectionSchema,
    ref: CustomFieldGroupRefSchema,
    create: CustomFieldGroupCreateParamsSchema,
    update: CustomFieldGroupUpdateParamsSchema,
    id: CustomFieldGroupIdSchema,
    // Segments have fields but no groups: the group routes take the narrower type.
    entityType: CustomFieldGroupEntityTypeSchema,
  };
}
