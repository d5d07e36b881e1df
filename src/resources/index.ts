/**
 * The resource modules and the list/batch types they share.
 *
 * @module
 */
export { APIResource } from './resource.js';
export {
  WritableResource,
  RecordResource,
  EntityResource,
  SearchableEntityResource,
  ScopedRecordResource,
  type RecordTypes,
  type EntityTypes,
  type SearchableEntityTypes,
  type ScopedRecordTypes,
} from './bases.js';
export { Leads, WON_STATUS_ID, LOST_STATUS_ID } from './leads.js';
export { Contacts, ContactChats } from './contacts.js';
export { Pipelines, PipelineStatuses } from './pipelines.js';
export { Users, Roles } from './users.js';
export { Notes } from './notes.js';
export { CustomFields, CustomFieldGroups } from './custom-fields.js';
export { AccountParameters } from './account.js';
export { Companies } from './companies.js';
export { Tasks } from './tasks.js';
export { Tags } from './tags.js';
export { Links } from './links.js';
export { Events, EventFollower, type EventFollowOptions } from './events.js';
export { UnsortedLeads } from './unsorted.js';
export { LossReasons } from './loss-reasons.js';
export { Sources } from './sources.js';
export { Catalogs, CatalogElements } from './catalogs.js';
export { Files, FileAttachments, fileFieldValue, type FileUploadOptions } from './files.js';
export { Salesbot } from './salesbot.js';
export {
  WebhookSubscriptions,
  WEBHOOK_SETTINGS,
  type WebhookSubscription,
  type WebhookSubscriptionSetting,
  type WebhookListParams,
  type WebhookSubscribeParams,
} from './webhooks.js';
export {
  Customers,
  CustomerStatuses,
  CustomerSegments,
  CustomerTransactions,
  CustomerBonusPoints,
  type CustomerTransactionOptions,
} from './customers.js';
export { Calls } from './calls.js';
export { Talks } from './talks.js';
export { ShortLinks } from './short-links.js';
export { Widgets } from './widgets.js';
export { ChatTemplates } from './chat-templates.js';
export { WebsiteButtons } from './website-buttons.js';
export { Currencies } from './currencies.js';
export { EntitySubscriptions } from './entity-subscriptions.js';
// The names before 0.2.0, kept for one minor version (see the changelog).
/* eslint-disable @typescript-eslint/no-deprecated */
export { AccountResource } from './account.js';
export { UnsortedResource } from './unsorted.js';
export { Webhooks } from './webhooks.js';
/* eslint-enable @typescript-eslint/no-deprecated */
export {
  PagePromise,
  DEFAULT_PAGE_SIZE,
  DEFAULT_READ_AHEAD,
  type Page,
  type ListOptions,
} from '../core/pagination.js';
export {
  BatchError,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_BATCH_CONCURRENCY,
  type BatchOptions,
  type BatchProgress,
  type BatchItemResult,
  type BatchItemStatus,
} from '../core/batch.js';
