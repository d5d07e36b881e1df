/**
 * The typed shape of parsed Kommo webhooks: {@link WebhookPayload} and the {@link WebhookEvent}
 * union, discriminated on `type`.
 *
 * Kommo sends every value as a string. {@link parseWebhook} converts ids, counts and unix
 * times to numbers and `is_*` flags to booleans; date strings (`"2024-09-17 16:38:11"` in task
 * and note events) stay strings because Kommo sends them in the account's time zone. Every
 * item keeps the keys the SDK does not know (the index signature), so nothing Kommo adds is lost.
 *
 * @module
 */

import type { WEBHOOK_EVENTS, WebhookEventAction, WebhookEventEntity } from './events.js';
import type { WebhookFormTree } from './form.js';

/** The account a webhook comes from (`account[...]`): use it to route multi-account integrations. */
export interface WebhookAccount {
  /** Account id. Absent only in very old deliveries, which carried the subdomain alone. */
  id?: number;
  /** Account subdomain, e.g. `acme`. */
  subdomain: string;
  /** Account URL from `account[_links][self]`, e.g. `https://acme.kommo.com`. */
  baseUrl?: string;
}

/** One value of a custom field in a webhook. */
export interface WebhookCustomFieldValue {
  /**
   * The value as Kommo sent it: text, a number as text, a unix time for dates, `"1"`/`"0"` for
   * checkboxes, the option text for selects.
   */
  value: string;
  /** The enum (option) id, for select, multiselect, radiobutton and multitext fields. */
  enum?: number;
  /** Keys the SDK does not know. */
  [key: string]: unknown;
}

/**
 * A custom field in a webhook, in one shape whichever of Kommo's variants arrived
 * (`values[0][value]`, the bare `values[0]` of dates and checkboxes, or the radiobutton's
 * `values[value]` object).
 */
export interface WebhookCustomField {
  /** Field id. */
  id: number;
  /** Field name, as shown in the account. */
  name?: string;
  /** Code of predefined fields: `PHONE`, `EMAIL`, `POSITION`… */
  code?: string;
  /** The values; empty when Kommo sent none. */
  values: WebhookCustomFieldValue[];
  /** Keys the SDK does not know. */
  [key: string]: unknown;
}

/** A tag on a lead, contact or company. */
export interface WebhookTag {
  id: number;
  name?: string;
  [key: string]: unknown;
}

/** Fields shared by leads, contacts, companies and customers. */
export interface WebhookEntityFields {
  /** Entity id. */
  id: number;
  name?: string;
  responsible_user_id?: number;
  /** Set on responsible changes. */
  old_responsible_user_id?: number;
  created_user_id?: number;
  modified_user_id?: number;
  account_id?: number;
  /** Unix time. */
  date_create?: number;
  /** Unix time. */
  last_modified?: number;
  /** Unix time. */
  created_at?: number;
  /** Unix time. */
  updated_at?: number;
  tags?: WebhookTag[];
  custom_fields?: WebhookCustomField[];
  /** Keys the SDK does not know. */
  [key: string]: unknown;
}

/** A lead in a `leads.*` webhook. `delete` items carry only `id`, `status_id` and `pipeline_id`. */
export interface WebhookLead extends WebhookEntityFields {
  status_id?: number;
  /** Set on `leads.status` (and on some `leads.update`). */
  old_status_id?: number;
  pipeline_id?: number;
  /** Set on `leads.status`. */
  old_pipeline_id?: number;
  price?: number;
}

/** A contact or a company in a `contacts.*` / `companies.*` webhook. */
export interface WebhookContact extends WebhookEntityFields {
  /** `contact` or `company`: Kommo sends companies under `contacts`. */
  type?: 'contact' | 'company' | (string & {});
  company_name?: string;
  linked_company_id?: number;
  /** Ids of the linked leads (Kommo's `linked_leads_id[<id>][ID]` map, as a list). */
  linked_leads_id?: number[];
}

/**
 * A customer in a `customers.*` webhook (periodic purchases). No real capture is known: the
 * fields are those of the customer in the API, every one optional but the id.
 */
export interface WebhookCustomer extends WebhookEntityFields {
  /** The status of the customers pipeline (periodicity mode). */
  status_id?: number;
  /** The expected amount of the next purchase. */
  next_price?: number;
  /** Unix time of the next expected purchase. */
  next_date?: number;
  /** Days between purchases. */
  periodicity?: number;
}

/** A task in a `tasks.*` webhook (Kommo's key is the singular `task`). */
export interface WebhookTask {
  id: number;
  /** Id of the entity the task belongs to. */
  element_id?: number;
  /** 1 contact, 2 lead, 3 company, 12 customer. */
  element_type?: number;
  task_type?: number;
  text?: string;
  /** The previous text, on updates. */
  old_text?: string;
  /** 0 open, 1 completed. */
  status?: number;
  /** `true` when this update completed the task. */
  action_close?: boolean;
  responsible_user_id?: number;
  old_responsible_user_id?: number;
  created_user_id?: number;
  account_id?: number;
  /** `"YYYY-MM-DD HH:MM:SS"` in the account's time zone. */
  date_create?: string;
  /** `"YYYY-MM-DD HH:MM:SS"` in the account's time zone. */
  last_modified?: string;
  /** `"YYYY-MM-DD HH:MM:SS"` in the account's time zone. */
  complete_till?: string;
  /** Unix time of the deadline. */
  complete_before?: number;
  created_at?: number;
  updated_at?: number;
  [key: string]: unknown;
}

/** A note in a `leads.note`, `contacts.note`, `companies.note` or `customers.note` webhook. */
export interface WebhookNote {
  id: number;
  /** Numeric note type: 4 common, 5 file, 10 incoming call, 11 outgoing call, 25 service… */
  note_type?: number;
  /** The text; for call notes Kommo puts a JSON string here. */
  text?: string;
  /** Drive path of a file note (Kommo's spelling). */
  attachement?: string;
  element_id?: number;
  element_type?: number;
  /** Kommo's `metadata`: parsed when it is valid JSON, else the string as sent. */
  metadata?: unknown;
  /** `"YYYY-MM-DD HH:MM:SS"` in the account's time zone. */
  date_create?: string;
  /** `"YYYY-MM-DD HH:MM:SS"` in the account's time zone. */
  timestamp_x?: string;
  created_by?: number;
  modified_by?: number;
  main_user_id?: number;
  account_id?: number;
  created_at?: number;
  updated_at?: number;
  [key: string]: unknown;
}

/** An incoming-lead (unsorted) item. */
export interface WebhookUnsorted {
  /** Unsorted uid (a hex string). */
  uid?: string;
  /** `forms`, `sip`, `chats`, `mail`… */
  category?: string;
  pipeline_id?: number;
  lead_id?: number;
  account_id?: number;
  source_data?: Record<string, unknown>;
  data?: Record<string, unknown>;
  created_at?: number;
  [key: string]: unknown;
}

/** A chat message in a `messages.add` webhook. */
export interface WebhookMessage {
  /** Message uuid. */
  id?: string;
  /** Chat uuid. */
  chat_id?: string;
  talk_id?: number;
  contact_id?: number;
  text?: string;
  /** `incoming` or `outgoing`. */
  type?: 'incoming' | 'outgoing' | (string & {});
  element_type?: number;
  element_id?: number;
  entity_type?: string;
  entity_id?: number;
  /** `telegram`, `instagram_business`, `com.wazzup24…`… */
  origin?: string;
  author?: {
    id?: string;
    type?: string;
    name?: string;
    avatar_url?: string;
    [key: string]: unknown;
  };
  created_at?: number;
  [key: string]: unknown;
}

/** A conversation in a `talks.*` webhook. */
export interface WebhookTalk {
  talk_id?: number;
  chat_id?: string;
  contact_id?: number;
  entity_id?: number;
  entity_type?: string;
  is_in_work?: boolean;
  is_read?: boolean;
  rate?: number;
  origin?: string;
  created_at?: number;
  updated_at?: number;
  [key: string]: unknown;
}

/** A catalog (list) element in a `catalogs.*` webhook. */
export interface WebhookCatalogElement {
  id: number;
  catalog_id?: number;
  name?: string;
  custom_fields?: WebhookCustomField[];
  [key: string]: unknown;
}

/**
 * The fields of every event: `type` is `'<entity>.<action>'`. A union of actions gives one
 * member per action, so `type` discriminates.
 */
export type WebhookEventBase<E extends string, A extends string, D, Id = number> = A extends string
  ? {
      type: `${E}.${A}`;
      entity: E;
      action: A;
      /** The item's id (for talks `talk_id`, for unsorted `uid`, for messages the uuid). */
      id?: Id;
      /** The item, with converted values and every unknown key kept. */
      data: D;
    }
  : never;

/**
 * The data of each entity's events, by entity of {@link WEBHOOK_EVENTS} (a `note` action
 * carries a {@link WebhookNote} instead). A new entity in the table needs its line here.
 */
interface WebhookEntityData {
  leads: WebhookLead;
  contacts: WebhookContact;
  companies: WebhookContact;
  customers: WebhookCustomer;
  tasks: WebhookTask;
  talks: WebhookTalk;
  unsorted: WebhookUnsorted;
  messages: WebhookMessage;
  catalogs: WebhookCatalogElement;
}

/** The type of an entity's event `id`: the type of the field the table names (`id` by default). */
type WebhookIdOf<E extends WebhookEventEntity> = NonNullable<
  WebhookEntityData[E][(typeof WEBHOOK_EVENTS)[E] extends { id: infer K extends string }
    ? K & keyof WebhookEntityData[E]
    : 'id']
>;

/** Every event of one entity: its actions from {@link WEBHOOK_EVENTS}, its data from the map above. */
type WebhookEventsOf<E extends WebhookEventEntity> =
  | WebhookEventBase<
      E,
      Exclude<WebhookEventAction<E>, 'note'>,
      WebhookEntityData[E],
      WebhookIdOf<E>
    >
  | WebhookEventBase<E, Extract<WebhookEventAction<E>, 'note'>, WebhookNote>;

/** Lead actions Kommo sends. */
export type WebhookLeadAction = WebhookEventAction<'leads'>;
/** Contact and company actions Kommo sends. */
export type WebhookContactAction = WebhookEventAction<'contacts'>;
/** Customer actions Kommo sends. */
export type WebhookCustomerAction = WebhookEventAction<'customers'>;
/** Task actions Kommo sends. */
export type WebhookTaskAction = WebhookEventAction<'tasks'>;

/** A `leads.*` event. */
export type WebhookLeadEvent = WebhookEventsOf<'leads'>;
/** A `contacts.*` event. */
export type WebhookContactEvent = WebhookEventsOf<'contacts'>;
/** A `companies.*` event (Kommo sends it under `contacts` with `type=company`). */
export type WebhookCompanyEvent = WebhookEventsOf<'companies'>;
/** A `customers.*` event. */
export type WebhookCustomerEvent = WebhookEventsOf<'customers'>;
/** A `tasks.*` event. */
export type WebhookTaskEvent = WebhookEventsOf<'tasks'>;
/** An `unsorted.*` event; accept/decline arrive as `delete` with `action` in the data. */
export type WebhookUnsortedEvent = WebhookEventsOf<'unsorted'>;
/** A `messages.add` event. */
export type WebhookMessageEvent = WebhookEventsOf<'messages'>;
/** A `talks.*` event. */
export type WebhookTalkEvent = WebhookEventsOf<'talks'>;
/** A `catalogs.*` event. */
export type WebhookCatalogEvent = WebhookEventsOf<'catalogs'>;

/** An event the SDK does not know (a new entity or action): kept as decoded, never thrown on. */
export interface WebhookUnknownEvent {
  type: 'unknown';
  /** The top-level key as Kommo sent it. */
  entity: string;
  /** The second-level key (empty when there was none). */
  action: string;
  id?: number | string;
  data: Record<string, unknown>;
}

/**
 * Every event {@link parseWebhook} returns, discriminated on `type`: one member per entity and
 * action of the events table in `events.ts` ({@link WebhookLeadEvent}, {@link WebhookCompanyEvent}, …),
 * plus {@link WebhookUnknownEvent}.
 */
export type WebhookEvent =
  { [E in WebhookEventEntity]: WebhookEventsOf<E> }[WebhookEventEntity] | WebhookUnknownEvent;

/** Every event `type`: `'leads.status'`, `'companies.add'`, …, `'unknown'`. */
export type WebhookEventType = WebhookEvent['type'];

/** The event of one `type`. */
export type WebhookEventOf<T extends WebhookEventType> = Extract<WebhookEvent, { type: T }>;

/** A parsed delivery: the account and one event per item. */
export interface WebhookPayload {
  account: WebhookAccount;
  /** One event per item, in the order of the body. */
  events: WebhookEvent[];
  /** The decoded body as strings (lists for `[0]…[n]` maps), for anything the events leave out. */
  raw: WebhookFormTree;
}
