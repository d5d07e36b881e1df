/**
 * Public types of Kommo's entities and of the SDK's inputs, plus the custom-field value
 * builders (`cf`) and readers. The zod schemas themselves stay internal.
 *
 * @module
 */
export type {
  NumberOrString,
  Links,
  Tag,
  EntityRef,
  WriteRef,
  SortDirection,
  Range,
  TagInput,
  LinkEntityType,
  EntityLinkInput,
} from './common.js';
export {
  cf,
  getField,
  getFieldValue,
  getFieldValues,
  getPhones,
  getEmails,
  type KnownCustomFieldType,
  type CustomFieldType,
  type CustomFieldValue,
  type CustomFieldValueItem,
  type CustomFieldValueInput,
  type CustomFieldValueItemInput,
  type FieldRef,
  type EnumChoice,
  type DateInput,
  type MultitextInput,
  type MultitextValue,
  type PhoneEnumCode,
  type EmailEnumCode,
  type SmartAddressInput,
  type LegalEntityInput,
  type FileValueInput,
  type LinkedEntityInput,
  type ChainedListInput,
  type WithCustomFields,
  type FieldValue,
} from './custom-field-values.js';
export type {
  Lead,
  LeadRef,
  LeadWith,
  LeadFilter,
  LeadListParams,
  LeadGetParams,
  LeadCreateParams,
  LeadUpdateParams,
  LeadUpdateItem,
  LeadMoveParams,
  LeadComplexParams,
  LeadComplexResult,
  LossReason,
  EmbeddedCatalogElement,
} from './lead.js';
