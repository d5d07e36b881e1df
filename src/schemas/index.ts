/**
 * Public types of Kommo's entities and of the SDK's inputs, plus the custom-field value
 * builders (`cf`) and readers. The zod schemas themselves stay internal.
 *
 * Every module of this folder builds zod schemas when it is evaluated, so the main entry
 * takes only types from them (`export type`): a family's schema module is loaded by its
 * resource on first use (`import()` in its route spec). The values exported here come from
 * `../values.ts` and `../facts.ts`, which build none. eslint enforces both rules.
 *
 * @module
 */
// The rule for every family's schemas (here, in src/resources, anywhere): a schema stays out of
// the public API by NOT being re-exported from an entry; never give it, nor anything else a
// public type names, the TSDoc "internal" tag. `stripInternal` deletes such a declaration from
// the .d.ts even while a public type (`type Catalog = z.infer<typeof CatalogSchema>`) names
// it: the shipped types then fail to compile, and under skipLibCheck they silently become `any`.
// (It reads the tag in any comment, `//` ones too, and would drop the export below: so the tag
// is not spelled out here.) `npm run test:package` catches both; add each new item type to the
// probe table in scripts/package-smoke/types/consumer.ts.
export { embeddedIds, isNoteType } from '../values.js';
export type {
  IdOrObject,
  NumberOrString,
  HalLinks,
  Tag,
  EntityRef,
  WriteRef,
  SortDirection,
  Range,
  TagInput,
  LinkEntityType,
  EntityLinkInput,
} from './common.js';
export type {
  KnownCustomFieldType,
  CustomFieldType,
  CustomFieldValue,
  CustomFieldValueItem,
  CustomFieldValueInput,
  CustomFieldValueItemInput,
} from './custom-field-values.js';
export {
  cf,
  getField,
  getFieldValue,
  getFieldValues,
  getPhones,
  getEmails,
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
} from '../values.js';
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
  LeadResourceTypes,
} from './lead.js';
export type {
  Contact,
  ContactRef,
  ContactWith,
  ContactFilter,
  ContactListParams,
  ContactSearchParams,
  ContactGetParams,
  ContactCreateParams,
  ContactUpdateParams,
  ContactUpdateItem,
  ContactResourceTypes,
} from './contact.js';
export { STATUS_COLORS } from '../facts.js';
export type {
  Pipeline,
  PipelineRef,
  PipelineStatus,
  PipelineStatusRef,
  StatusDescription,
  StatusDescriptionLevel,
  StatusColor,
  PipelineCreateParams,
  PipelineUpdateParams,
  PipelineStatusCreateParams,
  PipelineStatusUpdateParams,
  PipelineStatusWith,
  PipelineStatusGetParams,
  PipelineResourceTypes,
  PipelineStatusResourceTypes,
} from './pipeline.js';
export type {
  User,
  UserRights,
  EntityRights,
  StatusRight,
  RightLetter,
  UserWith,
  UserListParams,
  UserGetParams,
  Role,
  RoleListParams,
  RoleRef,
  RoleRightsInput,
  RoleCreateParams,
  RoleUpdateParams,
  RoleResourceTypes,
} from './user.js';
export { CALL_STATUS } from '../facts.js';
export type {
  Note,
  KnownNote,
  OtherNote,
  NoteType,
  KnownNoteType,
  WritableNoteType,
  NoteRef,
  NoteEntityType,
  NoteCreateParams,
  NoteCreateItem,
  NoteUpdateParams,
  NoteUpdateItem,
  NoteListParams,
  NoteListForParams,
} from './note.js';
export type {
  CustomField,
  CustomFieldEnum,
  CustomFieldEntityType,
  CustomFieldGroupEntityType,
  CustomFieldGroup,
  CustomFieldRef,
  CustomFieldGroupRef,
  CustomFieldListParams,
  CustomFieldCreateParams,
  CustomFieldUpdateParams,
  CustomFieldUpdateItem,
  CustomFieldGroupCreateParams,
  CustomFieldGroupUpdateParams,
  CustomFieldResourceTypes,
} from './custom-field.js';
export type {
  Account,
  AccountWith,
  AccountGetParams,
  TaskType,
  UsersGroup,
  DatetimeSettings,
  CustomersMode,
} from './account.js';
export type {
  Company,
  CompanyRef,
  CompanyWith,
  CompanyFilter,
  CompanyListParams,
  CompanySearchParams,
  CompanyGetParams,
  CompanyCreateParams,
  CompanyUpdateParams,
  CompanyUpdateItem,
  CompanyResourceTypes,
} from './company.js';
export { FOLLOW_UP_TASK_TYPE_ID, MEETING_TASK_TYPE_ID } from '../facts.js';
export type {
  Task,
  TaskRef,
  TaskResult,
  TaskEntityType,
  TaskFilter,
  TaskListParams,
  TaskCreateParams,
  TaskUpdateParams,
  TaskUpdateItem,
  TaskCompleteItem,
  TaskResourceTypes,
} from './task.js';
export { TAG_COLORS } from '../facts.js';
export type {
  TagColor,
  TagEntityType,
  TagRef,
  TagListParams,
  TagCreateParams,
  TagRefInput,
  TagChange,
} from './tag.js';
export type {
  LinkSourceType,
  EntityLink,
  LinkFilter,
  LinkListParams,
  EntityLinkManyItem,
} from './link.js';
export type {
  Event as KommoEvent,
  KnownEventType,
  EventType,
  EventValue,
  EventTypeInfo,
  EventWith,
  EventEntity,
  EventValueFilter,
  EventFilter,
  EventListParams,
  EventCursor,
  EventFollowParams,
  EventTypesParams,
} from './event.js';
export type {
  Unsorted,
  UnsortedCategory,
  UnsortedRef,
  UnsortedActionResult,
  UnsortedSummary,
  UnsortedListParams,
  UnsortedSummaryParams,
  UnsortedFormMetadata,
  UnsortedCallMetadata,
  UnsortedFormCreateParams,
  UnsortedCallCreateParams,
  UnsortedAcceptParams,
  UnsortedDeclineParams,
  UnsortedLinkParams,
} from './unsorted.js';
export type {
  LossReasonRef,
  LossReasonListParams,
  LossReasonCreateParams,
  LossReasonUpdateParams,
  LossReasonResourceTypes,
} from './loss-reason.js';
export type {
  Source,
  SourceListParams,
  SourceServiceInput,
  SourceCreateParams,
  SourceUpdateParams,
  SourceUpdateItem,
  SourceResourceTypes,
} from './source.js';
export type {
  Catalog,
  CatalogType,
  CatalogListParams,
  CatalogCreateParams,
  CatalogUpdateParams,
  CatalogUpdateItem,
  CatalogElement,
  CatalogElementListParams,
  CatalogElementGetParams,
  CatalogElementCreateParams,
  CatalogElementUpdateParams,
  CatalogElementUpdateItem,
  CatalogElementLinkInput,
  CatalogResourceTypes,
  CatalogElementResourceTypes,
} from './catalog.js';
export type { ContactChat, ContactChatListParams, ContactChatLinkInput } from './contact-chat.js';
export { SEGMENT_COLORS } from '../facts.js';
export type {
  Customer,
  CustomerRef,
  CustomerWith,
  CustomerListParams,
  CustomerGetParams,
  CustomerCreateParams,
  CustomerUpdateParams,
  CustomerUpdateItem,
  CustomerResourceTypes,
  CustomersModeName,
  CustomersModeParams,
  CustomersModeResult,
  CustomerStatus,
  CustomerStatusType,
  CustomerStatusRef,
  CustomerStatusCreateParams,
  CustomerStatusUpdateParams,
  CustomerStatusResourceTypes,
  CustomerSegment,
  SegmentColor,
  CustomerSegmentListParams,
  CustomerSegmentCreateParams,
  CustomerSegmentUpdateParams,
  CustomerSegmentResourceTypes,
  CustomerTransaction,
  CustomerTransactionRef,
  CustomerTransactionCreateParams,
  CustomerTransactionListParams,
  BonusPointsBalance,
} from './customer.js';
export type { CallDirection, CallEntityType, CallCreateParams, CallRef } from './call.js';
export type { Talk, TalkListParams, TalkCloseParams } from './talk.js';
export type { ShortLink, ShortLinkCreateParams } from './short-link.js';
export type {
  Widget,
  WidgetSettingType,
  WidgetSettingTemplate,
  WidgetListParams,
  WidgetInstallParams,
} from './widget.js';
export type {
  ChatTemplate,
  ChatTemplateType,
  ChatTemplateReviewStatus,
  WabaCategory,
  ChatTemplateButton,
  ChatTemplateButtonInput,
  ChatTemplateReview,
  ChatTemplateListParams,
  ChatTemplateGetParams,
  ChatTemplateCreateParams,
  ChatTemplateUpdateParams,
  ChatTemplateUpdateItem,
  ChatTemplateReviewParams,
  ChatTemplateResourceTypes,
} from './chat-template.js';
export type {
  WebsiteButton,
  WebsiteButtonCreated,
  WebsiteButtonCreateParams,
  WebsiteButtonUpdateParams,
  WebsiteButtonListParams,
  WebsiteButtonGetParams,
} from './website-button.js';
export type { Currency, CurrencyListParams } from './currency.js';
export type {
  EntitySubscription,
  SubscriptionEntityType,
  EntitySubscriptionListParams,
} from './entity-subscription.js';
export type {
  DriveFile,
  DriveFileType,
  DriveFileVersion,
  FileListParams,
  FileUpdateParams,
  FileUploadParams,
  FileEntityType,
  EntityFile,
  EntityFileListParams,
  FileLinks,
} from './file.js';
export {
  MAX_SALESBOT_TASKS,
  MAX_SALESBOT_HANDLERS,
  MAX_SALESBOT_SHOW_LENGTH,
  MAX_SALESBOT_BUTTONS,
} from '../facts.js';
export type {
  SalesbotBotType,
  SalesbotRunTask,
  SalesbotHandler,
  SalesbotContinueParams,
  SalesbotContinueTarget,
} from './salesbot.js';
