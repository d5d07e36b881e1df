/**
 * The data the sandbox keeps, in Kommo's field names. `sandbox.state` hands these out
 * read-only; the HTTP API renders them with `_links` and `_embedded` as Kommo does.
 *
 * @module
 */

/** The entity types that carry custom fields, tags, notes and links. */
export type SandboxEntityType = 'leads' | 'contacts' | 'companies';

/** The cards with notes and tags: the entities, and customers (`models/customers.ts`). */
export type SandboxCardType = SandboxEntityType | 'customers';

/** Where custom fields live: the cards, customer segments, and catalogs (`catalogs/<id>`). */
export type SandboxFieldEntityType = SandboxCardType | 'customers/segments' | `catalogs/${number}`;

/** One value of a custom field, as Kommo answers it (`{value, enum_id, enum_code}`…). */
export type SandboxFieldValue = Record<string, unknown>;

/** One entry of `custom_fields_values`. */
export interface SandboxCustomFieldValues {
  field_id: number;
  field_name: string;
  field_code: string | null;
  field_type: string;
  values: SandboxFieldValue[];
}

/** A tag of one entity type's dictionary. */
export interface SandboxTag {
  id: number;
  name: string;
  /** Hex without `#`; only lead tags have colors. */
  color: string | null;
}

/** Fields shared by leads, contacts and companies. */
export interface SandboxEntityBase {
  id: number;
  name: string;
  responsible_user_id: number;
  group_id: number;
  created_by: number;
  updated_by: number;
  created_at: number;
  updated_at: number;
  closest_task_at: number | null;
  is_deleted: boolean;
  custom_fields_values: SandboxCustomFieldValues[] | null;
  account_id: number;
  /** Ids of attached tags (rendered as `_embedded.tags`). */
  tag_ids: number[];
}

/** A lead. */
export interface SandboxLead extends SandboxEntityBase {
  price: number | null;
  status_id: number;
  pipeline_id: number;
  loss_reason_id: number | null;
  closed_at: number | null;
  is_unsorted: boolean;
  score: number | null;
  labor_cost: number | null;
}

/** A contact. Phones and e-mails live in `custom_fields_values` (`PHONE`/`EMAIL` multitext). */
export interface SandboxContact extends SandboxEntityBase {
  first_name: string;
  last_name: string;
  is_unsorted: boolean;
}

/** A company. */
export type SandboxCompany = SandboxEntityBase;

/** A note of a lead, contact, company or customer. */
export interface SandboxNote {
  id: number;
  entity_type: SandboxCardType;
  entity_id: number;
  created_by: number;
  updated_by: number;
  created_at: number;
  updated_at: number;
  responsible_user_id: number;
  group_id: number;
  note_type: string;
  params: Record<string, unknown>;
  account_id: number;
  is_pinned: boolean;
}

/** A stage of a pipeline. */
export interface SandboxStatus {
  id: number;
  name: string;
  sort: number;
  is_editable: boolean;
  pipeline_id: number;
  color: string;
  /** `1` = incoming leads (unsorted), `0` = regular. */
  type: number;
  account_id: number;
  descriptions: Array<Record<string, unknown>>;
}

/** A pipeline with its stages (sorted by `sort`). */
export interface SandboxPipeline {
  id: number;
  name: string;
  sort: number;
  is_main: boolean;
  is_unsorted_on: boolean;
  is_archive: boolean;
  account_id: number;
  statuses: SandboxStatus[];
}

/** A user of the account. `rights.is_active: false` marks an inactive user. */
export interface SandboxUser {
  id: number;
  name: string;
  email: string;
  lang: string;
  uuid: string | null;
  amojo_id: string | null;
  user_rank: string | null;
  phone_number: string | null;
  rights: Record<string, unknown> & {
    is_admin: boolean;
    is_active: boolean;
    is_free: boolean;
    group_id: number | null;
    role_id: number | null;
  };
}

/** A role. */
export interface SandboxRole {
  id: number;
  name: string;
  /** As written through `/api/v4/roles`; seeded roles have none (everything denied). */
  rights?: Record<string, unknown>;
}

/** A users group. */
export interface SandboxUsersGroup {
  id: number;
  name: string;
  uuid: string | null;
}

/** An enum option of a select/multiselect/radiobutton/multitext field. */
export interface SandboxFieldEnum {
  id: number;
  value: string;
  sort: number;
  code?: string | null;
}

/** A custom field definition. */
export interface SandboxCustomField {
  id: number;
  name: string;
  type: string;
  account_id: number;
  code: string | null;
  sort: number;
  is_api_only: boolean;
  enums: SandboxFieldEnum[] | null;
  group_id: string | null;
  required_statuses: Array<{ status_id: number; pipeline_id: number }>;
  is_deletable: boolean;
  is_predefined: boolean;
  entity_type: SandboxFieldEntityType;
  remind: string | null;
  currency: string | null;
  hidden_statuses: Array<{ status_id: number; pipeline_id: number }>;
  is_computed: boolean;
}

/** A custom field group (string id). */
export interface SandboxCustomFieldGroup {
  id: string;
  name: string;
  sort: number;
  entity_type: SandboxFieldEntityType;
  is_predefined: boolean;
  type: string;
}

/** A link between two entities (`metadata` as Kommo answers it). */
export interface SandboxLink {
  entity_type: string;
  entity_id: number;
  to_entity_type: string;
  to_entity_id: number;
  metadata: Record<string, unknown> | null;
}

/** A loss reason. */
export interface SandboxLossReason {
  id: number;
  name: string;
  sort: number;
  created_at: number;
  updated_at: number;
}

/** A webhook subscription (`/api/v4/webhooks`). */
export interface SandboxWebhookSubscription {
  id: number;
  destination: string;
  created_at: number;
  updated_at: number;
  account_id: number;
  created_by: number;
  sort: number;
  disabled: boolean;
  settings: string[];
}

/** The account (`/api/v4/account`). */
export interface SandboxAccount {
  id: number;
  name: string;
  subdomain: string;
  /** The host `referer` and webhooks name, e.g. `sandbox.kommo.com`. */
  domain: string;
  created_at: number;
  created_by: number;
  updated_at: number;
  updated_by: number;
  current_user_id: number;
  country: string;
  currency: string;
  currency_symbol: string;
  customers_mode: string;
  is_unsorted_on: boolean;
  is_loss_reason_enabled: boolean;
  is_helpbot_enabled: boolean;
  is_technical_account: boolean;
  contact_name_display_order: number;
  amojo_id: string;
  uuid: string;
  version: number;
  task_types: Array<{
    id: number;
    name: string;
    color: string | null;
    icon_id: number | null;
    code: string | null;
  }>;
  timezone: string;
}

/** A task (`/api/v4/tasks`). */
export interface SandboxTask {
  id: number;
  created_by: number;
  updated_by: number;
  created_at: number;
  updated_at: number;
  responsible_user_id: number;
  group_id: number;
  entity_id: number | null;
  entity_type: string | null;
  duration: number;
  is_completed: boolean;
  task_type_id: number;
  text: string;
  /** `null` renders as Kommo's `[]`. */
  result: { text: string } | null;
  complete_till: number;
  account_id: number;
}

/** An audit-log event (`/api/v4/events`); ids are strings. */
export interface SandboxEvent {
  id: string;
  type: string;
  entity_id: number;
  /** Singular: `lead`, `contact`, `company`, `task`. */
  entity_type: string;
  created_by: number;
  created_at: number;
  value_after: Array<Record<string, unknown>>;
  value_before: Array<Record<string, unknown>>;
  account_id: number;
}

/** An unsorted item (`/api/v4/leads/unsorted`). */
export interface SandboxUnsorted {
  uid: string;
  source_uid: string;
  source_name: string;
  category: 'forms' | 'sip' | 'chats';
  pipeline_id: number;
  created_at: number;
  metadata: Record<string, unknown>;
  account_id: number;
  lead_id: number;
  contact_id: number | null;
  company_id: number | null;
  /** `accepted`/`declined` items leave the list. */
  state: 'pending' | 'accepted' | 'declined';
}

/** A source of the integration (`/api/v4/sources`). */
export interface SandboxSource {
  id: number;
  name: string;
  external_id: string;
  pipeline_id: number;
  default: boolean;
  origin_code: string | null;
  services: unknown[];
}

/** A catalog (list). */
export interface SandboxCatalog {
  id: number;
  name: string;
  created_by: number;
  updated_by: number;
  created_at: number;
  updated_at: number;
  sort: number;
  type: string;
  can_add_elements: boolean;
  can_show_in_cards: boolean;
  can_link_multiple: boolean;
  can_be_deleted: boolean;
  sdk_widget_code: null;
  account_id: number;
}

/** An element of a catalog. */
export interface SandboxCatalogElement {
  id: number;
  catalog_id: number;
  name: string;
  created_by: number;
  updated_by: number;
  created_at: number;
  updated_at: number;
  is_deleted: boolean;
  custom_fields_values: unknown[] | null;
  account_id: number;
}
