/**
 * Builders and readers of entity values: custom-field values (the `cf` builders, which produce
 * Kommo's write shapes, and `getFieldValue`/`getFieldValues`/`getPhones`…), the ids of
 * `_embedded` lists (`embeddedIds`) and note types (`isNoteType`). Plain functions: they
 * build no schema, so the main entry exports them without loading any (see src/schemas).
 *
 * @see https://www.amocrm.com/developers/content/crm_platform/custom-fields#cf-fill-examples
 * @module
 */

import type {
  CustomFieldValue,
  CustomFieldValueInput,
  CustomFieldValueItem,
  CustomFieldValueItemInput,
} from './schemas/custom-field-values.js';
import type { KnownNote, KnownNoteType, Note } from './schemas/note.js';

// ---------------------------------------------------------------------------------------------
// Custom-field values: builders.

/** A field id (number) or a field code (string such as `'PHONE'`). */
export type FieldRef = number | string;

/** An option of an enum field: by id, by code, or by its label text. */
export type EnumChoice = { enum_id: number } | { enum_code: string } | { value: string };

/** A date for `date`, `date_time` and `birthday` fields: a `Date`, unix seconds, or an RFC-3339 string. */
export type DateInput = Date | number | string;

/** A multitext value (phone, e-mail, IM): the text and, optionally, its kind. */
export interface MultitextInput {
  /** The phone number, e-mail address… as it should be stored. */
  value: string;
  /** Kind: `WORK`, `WORKDD`, `MOB`, `FAX`, `HOME`, `OTHER` (phones); `WORK`, `PRIV`, `OTHER` (e-mails). */
  enum_code?: string;
  /** The account's numeric id of the kind (from the field definition's `enums`). */
  enum_id?: number;
}

/** Phone kinds Kommo predefines. */
export type PhoneEnumCode = 'WORK' | 'WORKDD' | 'MOB' | 'FAX' | 'HOME' | 'OTHER' | (string & {});
/** E-mail kinds Kommo predefines. */
export type EmailEnumCode = 'WORK' | 'PRIV' | 'OTHER' | (string & {});

/** Parts of a `smart_address` field. */
export interface SmartAddressInput {
  address_line_1?: string;
  address_line_2?: string;
  city?: string;
  state?: string;
  zip?: string;
  /** ISO country code, e.g. `RU`. */
  country?: string;
}

/** Requisites of a `legal_entity` field. Unknown keys are passed on. */
export interface LegalEntityInput {
  name?: string;
  /** 1 private person, 2 legal entity. */
  entity_type?: number;
  address?: string;
  real_address?: string;
  bank_account_number?: string;
  director?: string;
  vat_id?: string;
  tax_registration_reason_code?: string;
  kpp?: string;
  bank_code?: string;
  unp?: string;
  bin?: string;
  egrpou?: string;
  mfo?: string;
  oked?: string;
  external_uid?: string;
  [key: string]: unknown;
}

/** A file of a `file` field (upload it to Kommo's drive first). */
export interface FileValueInput {
  file_uuid: string;
  version_uuid?: string;
  file_name?: string;
  file_size?: number;
  [key: string]: unknown;
}

/** The entity a `linked_entity` field points to. */
export interface LinkedEntityInput {
  entity_id: number;
  entity_type: string;
  name?: string;
  catalog_id?: number;
  [key: string]: unknown;
}

/** One catalog element of a `chained_list` field. */
export interface ChainedListInput {
  catalog_id: number;
  catalog_element_id: number;
}

/** The smart-address part codes and their fixed enum ids. */
const SMART_ADDRESS_IDS: Record<keyof SmartAddressInput, number> = {
  address_line_1: 1,
  address_line_2: 2,
  city: 3,
  state: 4,
  zip: 5,
  country: 6,
};

function target(ref: FieldRef): { field_id: number } | { field_code: string } {
  return typeof ref === 'number' ? { field_id: ref } : { field_code: ref };
}

function entry(ref: FieldRef, values: CustomFieldValueItemInput[] | null): CustomFieldValueInput {
  return { ...target(ref), values };
}

function one(ref: FieldRef, value: CustomFieldValueItemInput['value']): CustomFieldValueInput {
  return entry(ref, [{ value }]);
}

function toUnixOrString(date: DateInput): number | string {
  if (date instanceof Date) {
    const ms = date.getTime();
    if (Number.isNaN(ms)) throw new TypeError('cf: invalid Date');
    return Math.floor(ms / 1000);
  }
  return date;
}

function enumChoice(choice: EnumChoice): CustomFieldValueItemInput {
  if ('enum_id' in choice) return { enum_id: choice.enum_id };
  if ('enum_code' in choice) return { enum_code: choice.enum_code };
  return { value: choice.value };
}

function multitextItem(
  item: MultitextInput | string,
  defaultCode: string | undefined,
): CustomFieldValueItemInput {
  const input = typeof item === 'string' ? { value: item } : item;
  const out: CustomFieldValueItemInput = { value: input.value };
  if (input.enum_id !== undefined) out.enum_id = input.enum_id;
  else if (input.enum_code !== undefined) out.enum_code = input.enum_code;
  else if (defaultCode !== undefined) out.enum_code = defaultCode;
  return out;
}

/**
 * Builders of `custom_fields_values` entries, one per field type. Each returns exactly Kommo's
 * write shape: `{ field_id | field_code, values }`. Pass a number for `field_id`, a string for
 * `field_code`. A sent field's values replace its old ones as a whole; fields you do not send are
 * left alone.
 *
 * @example
 * ```ts
 * await kommo.leads.update(42, {
 *   custom_fields_values: [
 *     cf.text(294471, 'Our first client'),
 *     cf.select(111, { enum_id: 17 }),
 *     cf.date(9, new Date('2020-01-01T00:00:00Z')),
 *     cf.clear(5),
 *   ],
 * });
 * await kommo.contacts.create({ name: 'Ann', custom_fields_values: [cf.phones(['+15550100'])] });
 * ```
 * @see https://www.amocrm.com/developers/content/crm_platform/custom-fields
 */
export const cf = {
  /** `text`: `{ values: [{ value }] }`. */
  text: (ref: FieldRef, value: string): CustomFieldValueInput => one(ref, value),
  /** `textarea`. */
  textarea: (ref: FieldRef, value: string): CustomFieldValueInput => one(ref, value),
  /** `url`. */
  url: (ref: FieldRef, value: string): CustomFieldValueInput => one(ref, value),
  /** `streetaddress` (the one-line address). */
  streetAddress: (ref: FieldRef, value: string): CustomFieldValueInput => one(ref, value),
  /** `tracking_data` (`utm_source`, `referrer`, `gclid`…). */
  trackingData: (ref: FieldRef, value: string): CustomFieldValueInput => one(ref, value),
  /** `numeric`: a number, or a decimal string to keep its exact digits. */
  numeric: (ref: FieldRef, value: number | string): CustomFieldValueInput => one(ref, value),
  /** `monetary` (the currency is the field's own). */
  monetary: (ref: FieldRef, value: number | string): CustomFieldValueInput => one(ref, value),
  /** `price` (catalogs). */
  price: (ref: FieldRef, value: number | string): CustomFieldValueInput => one(ref, value),
  /** `checkbox`. */
  checkbox: (ref: FieldRef, value: boolean): CustomFieldValueInput => one(ref, value),
  /** `date`: a `Date` becomes unix seconds; numbers and RFC-3339 strings are sent as given. */
  date: (ref: FieldRef, value: DateInput): CustomFieldValueInput => one(ref, toUnixOrString(value)),
  /** `date_time`. */
  dateTime: (ref: FieldRef, value: DateInput): CustomFieldValueInput =>
    one(ref, toUnixOrString(value)),
  /** `birthday`. */
  birthday: (ref: FieldRef, value: DateInput): CustomFieldValueInput =>
    one(ref, toUnixOrString(value)),
  /** `select`: one option, by `enum_id`, `enum_code` or label `value`. */
  select: (ref: FieldRef, choice: EnumChoice): CustomFieldValueInput =>
    entry(ref, [enumChoice(choice)]),
  /** `radiobutton`: one option. */
  radiobutton: (ref: FieldRef, choice: EnumChoice): CustomFieldValueInput =>
    entry(ref, [enumChoice(choice)]),
  /** `category` (catalogs): one option. */
  category: (ref: FieldRef, choice: EnumChoice): CustomFieldValueInput =>
    entry(ref, [enumChoice(choice)]),
  /** `multiselect`: the full list of chosen options (it replaces the old list). */
  multiselect: (ref: FieldRef, choices: readonly EnumChoice[]): CustomFieldValueInput =>
    entry(ref, choices.map(enumChoice)),
  /**
   * `multitext` (phones, e-mails, IM): the full list of values (it replaces the old list).
   * Strings get no kind.
   */
  multitext: (
    ref: FieldRef,
    values: ReadonlyArray<MultitextInput | string>,
  ): CustomFieldValueInput =>
    entry(
      ref,
      values.map((v) => multitextItem(v, undefined)),
    ),
  /**
   * The predefined `PHONE` field of contacts and companies. Strings get the kind
   * `defaultCode`.
   *
   * @param defaultCode - kind of values given as plain strings. @defaultValue `'WORK'`
   */
  phones: (
    values: ReadonlyArray<MultitextInput | string>,
    defaultCode: PhoneEnumCode = 'WORK',
  ): CustomFieldValueInput =>
    entry(
      'PHONE',
      values.map((v) => multitextItem(v, defaultCode)),
    ),
  /**
   * The predefined `EMAIL` field of contacts and companies.
   *
   * @param defaultCode - kind of values given as plain strings. @defaultValue `'WORK'`
   */
  emails: (
    values: ReadonlyArray<MultitextInput | string>,
    defaultCode: EmailEnumCode = 'WORK',
  ): CustomFieldValueInput =>
    entry(
      'EMAIL',
      values.map((v) => multitextItem(v, defaultCode)),
    ),
  /** `smart_address`: one value per part, with the part's fixed `enum_id` (1–6). */
  smartAddress: (ref: FieldRef, address: SmartAddressInput): CustomFieldValueInput =>
    entry(
      ref,
      (Object.keys(SMART_ADDRESS_IDS) as Array<keyof SmartAddressInput>)
        .filter((part) => address[part] !== undefined)
        .map((part) => ({ value: address[part] as string, enum_id: SMART_ADDRESS_IDS[part] })),
    ),
  /** `legal_entity`: `{ values: [{ value: { name, vat_id, … } }] }`. */
  legalEntity: (ref: FieldRef, value: LegalEntityInput): CustomFieldValueInput =>
    one(ref, { ...value }),
  /** `file`: `{ values: [{ value: { file_uuid, … } }] }`. */
  file: (ref: FieldRef, value: FileValueInput): CustomFieldValueInput => one(ref, { ...value }),
  /** `linked_entity`. */
  linkedEntity: (ref: FieldRef, value: LinkedEntityInput): CustomFieldValueInput =>
    one(ref, { ...value }),
  /** `items` (invoices): one value per line item. */
  items: (ref: FieldRef, items: ReadonlyArray<Record<string, unknown>>): CustomFieldValueInput =>
    entry(
      ref,
      items.map((value) => ({ value: { ...value } })),
    ),
  /** `payer` (invoices). */
  payer: (ref: FieldRef, value: Record<string, unknown>): CustomFieldValueInput =>
    one(ref, { ...value }),
  /** `supplier` (invoices). */
  supplier: (ref: FieldRef, value: Record<string, unknown>): CustomFieldValueInput =>
    one(ref, { ...value }),
  /** `chained_list`: catalog elements, `{ catalog_id, catalog_element_id }` each (at most 5). */
  chainedList: (ref: FieldRef, elements: readonly ChainedListInput[]): CustomFieldValueInput =>
    entry(
      ref,
      elements.map((e) => ({ catalog_id: e.catalog_id, catalog_element_id: e.catalog_element_id })),
    ),
  /**
   * Clears a field: `{ field_id, values: null }`, the only form Kommo reliably honours (`""`,
   * `[]` or `{ value: null }` do not clear).
   */
  clear: (ref: FieldRef): CustomFieldValueInput => entry(ref, null),
  /** Any other shape, for field types the SDK does not know yet. */
  raw: (ref: FieldRef, values: CustomFieldValueItemInput[] | null): CustomFieldValueInput =>
    entry(ref, values),
} as const;

// ---------------------------------------------------------------------------------------------
// Custom-field values: readers.

/** Anything that carries `custom_fields_values` (a lead, contact, company…). */
export interface WithCustomFields {
  custom_fields_values?: readonly CustomFieldValue[] | null | undefined;
}

/** A read value, normalised: see {@link getFieldValues}. */
export type FieldValue =
  string | number | boolean | Record<string, unknown> | readonly unknown[] | null;

/**
 * The `custom_fields_values` entry of a field, by `field_id` (number) or `field_code` (string,
 * case-insensitive), or `undefined`.
 */
export function getField(
  entity: WithCustomFields | null | undefined,
  ref: FieldRef,
): CustomFieldValue | undefined {
  const list = entity?.custom_fields_values;
  if (!list) return undefined;
  if (typeof ref === 'number') return list.find((f) => f.field_id === ref);
  const code = ref.toUpperCase();
  return list.find((f) => typeof f.field_code === 'string' && f.field_code.toUpperCase() === code);
}

const NUMERIC_TYPES = new Set(['numeric', 'monetary', 'price']);
const DATE_TYPES = new Set(['date', 'date_time', 'birthday']);

function normalise(type: string | null | undefined, item: CustomFieldValueItem): FieldValue {
  if (item.value === undefined) {
    // chained_list values have no `value`: the element itself is the value.
    if (item.catalog_id != null || item.catalog_element_id != null) {
      return {
        catalog_id: item.catalog_id ?? null,
        catalog_element_id: item.catalog_element_id ?? null,
      };
    }
    return null;
  }
  const value = item.value;
  if (typeof value === 'string' && type && (NUMERIC_TYPES.has(type) || DATE_TYPES.has(type))) {
    // Kommo sends numbers as strings in places ("12.5", "0012.50"); RFC-3339 dates stay strings.
    const n = Number(value);
    return value.trim() !== '' && Number.isFinite(n) ? n : value;
  }
  if (type === 'checkbox' && (value === '1' || value === '0')) return value === '1';
  return value;
}

/**
 * Every value of a field, normalised: numbers sent as strings (`numeric`, `monetary`, `price`,
 * dates) become numbers, webhook-style `"1"`/`"0"` checkboxes become booleans, enum fields give
 * their label, object values (`legal_entity`, `file`, …) come as they are, and `chained_list`
 * gives `{ catalog_id, catalog_element_id }`. Unknown field types give their values untouched.
 * An absent field gives `[]`. Use {@link getField} for `enum_id`/`enum_code`.
 *
 * @example
 * ```ts
 * const funnel = getFieldValues(lead, 1276694); // ['03 - PRE-BOOKING', '05 - FOLLOW-UP']
 * ```
 */
export function getFieldValues(
  entity: WithCustomFields | null | undefined,
  ref: FieldRef,
): FieldValue[] {
  const field = getField(entity, ref);
  if (!field?.values) return [];
  return field.values.map((item) => normalise(field.field_type, item));
}

/**
 * The first value of a field (see {@link getFieldValues} for the normalisation), or `undefined`
 * when the field has no value.
 *
 * @example
 * ```ts
 * const discount = getFieldValue(lead, 1268301); // 12.5 (sent by Kommo as "12.5")
 * const phone = getFieldValue(contact, 'PHONE'); // '+1 965 179 6212'
 * ```
 */
export function getFieldValue(
  entity: WithCustomFields | null | undefined,
  ref: FieldRef,
): FieldValue | undefined {
  return getFieldValues(entity, ref)[0];
}

/** A multitext value as read: the text and its kind (`enum_code`, or the legacy `enum`). */
export interface MultitextValue {
  value: string;
  enum_code: string | null;
  enum_id: number | null;
}

function multitextValues(
  entity: WithCustomFields | null | undefined,
  code: string,
): MultitextValue[] {
  const field = getField(entity, code);
  if (!field?.values) return [];
  return field.values.flatMap((v) =>
    typeof v.value === 'string' || typeof v.value === 'number'
      ? [
          {
            value: String(v.value),
            enum_code: v.enum_code ?? v.enum ?? null,
            enum_id: v.enum_id ?? null,
          },
        ]
      : [],
  );
}

/** The phones of a contact or company (`PHONE` field), with their kinds. */
export function getPhones(entity: WithCustomFields | null | undefined): MultitextValue[] {
  return multitextValues(entity, 'PHONE');
}

/** The e-mails of a contact or company (`EMAIL` field), with their kinds. */
export function getEmails(entity: WithCustomFields | null | undefined): MultitextValue[] {
  return multitextValues(entity, 'EMAIL');
}

// ---------------------------------------------------------------------------------------------
// `_embedded` lists and notes.

/**
 * The ids of an `_embedded` list, whichever shape each entry came in (bare ids or objects);
 * `[]` for a missing list.
 *
 * @example
 * ```ts
 * const userIds = embeddedIds(role._embedded?.users); // [5012345, 5012346]
 * const contactIds = embeddedIds(lead._embedded?.contacts);
 * ```
 */
export function embeddedIds(
  list: ReadonlyArray<number | { id: number }> | null | undefined,
): number[] {
  return (list ?? []).map((entry) => (typeof entry === 'number' ? entry : entry.id));
}

/**
 * Narrows a note to a known type, with its typed `params`.
 *
 * @example
 * ```ts
 * for await (const note of kommo.notes.listFor('leads', 42)) {
 *   if (isNoteType(note, 'call_in')) console.log(note.params?.duration);
 * }
 * ```
 */
export function isNoteType<T extends KnownNoteType>(
  note: Note,
  type: T,
): note is Extract<KnownNote, { note_type: T }> {
  return note.note_type === type;
}
