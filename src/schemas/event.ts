/**
 * Events (the audit log): answer schemas (lenient), list filters and the follower's cursor
 * (strict).
 *
 * @see https://developers.kommo.com/reference/events-list
 * @module
 */

import { z } from 'zod';
import {
  IdSchema,
  LimitSchema,
  LinksSchema,
  PageSchema,
  TimeFilterSchema,
  UnixTimeSchema,
  UserIdOrZeroSchema,
} from './common.js';
import { openEnum } from './custom-field-values.js';

/** Event types from Kommo's docs; others (and `custom_field_{ID}_value_changed`) may come. */
export type KnownEventType =
  | 'lead_added'
  | 'lead_deleted'
  | 'lead_restored'
  | 'lead_status_changed'
  | 'lead_linked'
  | 'lead_unlinked'
  | 'contact_added'
  | 'contact_deleted'
  | 'contact_restored'
  | 'contact_linked'
  | 'contact_unlinked'
  | 'company_added'
  | 'company_deleted'
  | 'company_restored'
  | 'company_linked'
  | 'company_unlinked'
  | 'customer_added'
  | 'customer_deleted'
  | 'customer_status_changed'
  | 'customer_linked'
  | 'customer_unlinked'
  | 'task_added'
  | 'task_deleted'
  | 'task_completed'
  | 'task_type_changed'
  | 'task_text_changed'
  | 'task_deadline_changed'
  | 'task_result_added'
  | 'incoming_call'
  | 'outgoing_call'
  | 'incoming_chat_message'
  | 'outgoing_chat_message'
  | 'entity_direct_message'
  | 'incoming_sms'
  | 'outgoing_sms'
  | 'incoming_mail'
  | 'outgoing_mail'
  | 'entity_tag_added'
  | 'entity_tag_deleted'
  | 'entity_linked'
  | 'entity_unlinked'
  | 'sale_field_changed'
  | 'name_field_changed'
  | 'ltv_field_changed'
  | 'custom_field_value_changed'
  | 'entity_responsible_changed'
  | 'robot_replied'
  | 'intent_identified'
  | 'nps_rate_added'
  | 'link_followed'
  | 'transaction_added'
  | 'common_note_added'
  | 'common_note_deleted'
  | 'attachment_note_added'
  | 'targeting_in_note_added'
  | 'targeting_out_note_added'
  | 'geo_note_added'
  | 'service_note_added'
  | 'site_visit_note_added'
  | 'message_to_cashier_note_added'
  | 'key_action_completed'
  | 'entity_merged';
/** An event type key: a known one, `custom_field_{ID}_value_changed`, or a new one. */
export type EventType = KnownEventType | `custom_field_${number}_value_changed` | (string & {});

/**
 * One entry of `value_before` / `value_after`: a single-key object such as
 * `{ lead_status: { id, pipeline_id } }` or `{ tag: { name } }`.
 */
const EventValueSchema = z.looseObject({
  lead_status: z
    .looseObject({ id: z.number().nullish(), pipeline_id: z.number().nullish() })
    .nullish(),
  customer_status: z.looseObject({ id: z.number().nullish() }).nullish(),
  responsible_user: z.looseObject({ id: z.number().nullish() }).nullish(),
  note: z.looseObject({ id: z.number().nullish() }).nullish(),
  tag: z.looseObject({ name: z.string().nullish() }).nullish(),
  custom_field_value: z
    .looseObject({
      field_id: z.number().nullish(),
      /** A number here (not the type name of custom-field definitions). */
      field_type: z.number().nullish(),
      enum_id: z.number().nullish(),
      text: z.string().nullish(),
    })
    .nullish(),
  link: z
    .looseObject({
      entity: z.looseObject({ type: z.string().nullish(), id: z.number().nullish() }).nullish(),
    })
    .nullish(),
  /** Chat message ids are uuids. */
  message: z.looseObject({ id: z.union([z.string(), z.number()]).nullish() }).nullish(),
  task_deadline: z.looseObject({ timestamp: z.number().nullish() }).nullish(),
  task_type: z.looseObject({ id: z.number().nullish() }).nullish(),
  task: z.looseObject({ text: z.string().nullish() }).nullish(),
  transaction: z.looseObject({ id: z.number().nullish() }).nullish(),
  nps: z.looseObject({ rate: z.number().nullish() }).nullish(),
  helpbot: z.looseObject({ id: z.number().nullish() }).nullish(),
});
/** One value of an event (`value_after[0]`…): a single-key object. */
export type EventValue = z.infer<typeof EventValueSchema>;

/** An event as Kommo returns it. */
export const EventSchema = z.looseObject({
  /** A string, e.g. `01pz58t6p04ymgsgfbmfyfy1mf`. */
  id: z.string(),
  type: openEnum<EventType>(),
  entity_id: z.number().nullish(),
  /** Singular: `lead`, `contact`, `company`, `customer`, `task`, `catalog_{id}`… */
  entity_type: z.string().nullish(),
  /** `0` for a robot or the system. */
  created_by: z.number().nullish(),
  created_at: z.number(),
  value_after: z.array(z.union([EventValueSchema, z.array(z.unknown())])).nullish(),
  value_before: z.array(z.union([EventValueSchema, z.array(z.unknown())])).nullish(),
  account_id: z.number().nullish(),
  /** Chat-message events tied to a talk: the talk's contact. */
  linked_talk_contact_id: z.number().nullish(),
  _links: LinksSchema.nullish(),
  _embedded: z
    .looseObject({
      entity: z
        .looseObject({
          id: z.number().nullish(),
          /** With `with=lead_name` and the like. */
          name: z.string().nullish(),
          _links: LinksSchema.nullish(),
        })
        .nullish(),
    })
    .nullish(),
});
/** An event of the audit log. Unknown fields Kommo adds are kept. */
export type Event = z.infer<typeof EventSchema>;

/** A page of events. */
export const EventCollectionSchema = z.looseObject({
  _page: z.number().nullish(),
  _links: LinksSchema.nullish(),
  _embedded: z.looseObject({ events: z.array(EventSchema).nullish() }).nullish(),
});

/** An event type of `events.types()`. */
const EventTypeInfoSchema = z.looseObject({
  /** Use this in `filter.type`. */
  key: z.string(),
  /** Numeric id of the type. */
  type: z.number().nullish(),
  /** Name in the requested language. */
  lang: z.string().nullish(),
});
/** An event type: `{ key, type, lang }`. */
export type EventTypeInfo = z.infer<typeof EventTypeInfoSchema>;

/** The answer of `GET /api/v4/events/types`. */
export const EventTypeCollectionSchema = z.looseObject({
  _total_items: z.number().nullish(),
  _embedded: z.looseObject({ events_types: z.array(EventTypeInfoSchema).nullish() }).nullish(),
});

/** Extra names for `with=`. */
const EventWithSchema = z.enum([
  'contact_name',
  'lead_name',
  'company_name',
  'customer_name',
  'catalog_element_name',
  'catalog_name',
]);
/** Extra names an event list can include (`with=`). */
export type EventWith = z.infer<typeof EventWithSchema>;

/** An event entity in a filter (singular; catalogs as `catalog_{id}`). */
const EventEntitySchema = z.union([
  z.enum(['lead', 'contact', 'company', 'customer', 'task']),
  z.string().regex(/^catalog_\d+$/, 'Expected catalog_{id}'),
]);
/** An entity of `filter.entity`: `lead`, `contact`, `company`, `customer`, `task`, `catalog_{id}`. */
export type EventEntity =
  'lead' | 'contact' | 'company' | 'customer' | 'task' | `catalog_${number}`;

const EventTypeFilterSchema = z.string().regex(/^[a-z0-9_]+$/, 'Expected an event type key');

/** `filter.value_before` / `filter.value_after`. */
const EventValueFilterSchema = z.strictObject({
  /** For `lead_status_changed`: both keys per item. */
  leads_statuses: z
    .array(z.strictObject({ pipeline_id: IdSchema, status_id: IdSchema }))
    .min(1)
    .optional(),
  /** For `customer_status_changed`. */
  customers_statuses: z
    .array(z.strictObject({ status_id: IdSchema }))
    .min(1)
    .optional(),
  /** For `entity_responsible_changed` (sent comma-separated). */
  responsible_user_id: z.array(UserIdOrZeroSchema).min(1).optional(),
  /** For `custom_field_{ID}_value_changed` with exactly one type: enum ids (sent comma-separated). */
  custom_field_values: z.array(IdSchema).min(1).optional(),
  /** For `nps_rate_added`, `sale_field_changed`, `name_field_changed`, `ltv_field_changed`, `custom_field_value_changed`. */
  value: z.union([z.string(), z.number()]).optional(),
});
/** A `value_before` / `value_after` filter. */
export type EventValueFilter = z.infer<typeof EventValueFilterSchema>;

const eventFilterShape = {
  created_by: z.array(UserIdOrZeroSchema).min(1).max(10).optional(),
  entity: z.array(EventEntitySchema).min(1).optional(),
  /** At most 10; needs exactly one `entity`. */
  entity_id: z.array(IdSchema).min(1).max(10).optional(),
  type: z.array(EventTypeFilterSchema).min(1).optional(),
  value_before: EventValueFilterSchema.optional(),
  value_after: EventValueFilterSchema.optional(),
};

function entityIdNeedsOneEntity(f: {
  entity_id?: unknown;
  entity?: readonly unknown[] | undefined;
}) {
  return f.entity_id === undefined || f.entity?.length === 1;
}
const ONE_ENTITY = {
  message: 'filter.entity_id needs exactly one filter.entity',
  path: ['entity'],
};

/** Filters of the event list. */
const EventFilterSchema = z
  .strictObject({
    id: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(100)]).optional(),
    created_at: TimeFilterSchema.optional(),
    ...eventFilterShape,
  })
  .refine(entityIdNeedsOneEntity, ONE_ENTITY);
/** Filters of `events.list`. */
export type EventFilter = z.input<typeof EventFilterSchema>;

/** Params of `events.list`. */
export const EventListParamsSchema = z.strictObject({
  with: z.array(EventWithSchema).optional(),
  page: PageSchema.optional(),
  /** Kommo's RU docs cap events at 100 per page, its English docs at 250. @defaultValue 100 */
  limit: LimitSchema.optional(),
  filter: EventFilterSchema.optional(),
});
/** Params of `events.list`. */
export type EventListParams = z.input<typeof EventListParamsSchema>;

/**
 * Where a follower stands: every event up to `lastTs` (unix seconds) was delivered, plus the
 * events at exactly `lastTs` listed in `seenIds`. Store it after handling each event and pass
 * it back to resume.
 */
const EventCursorSchema = z.strictObject({
  lastTs: UnixTimeSchema,
  seenIds: z.array(z.string().min(1)),
});
/** A follower's position, safe to `JSON.stringify` and store. */
export type EventCursor = z.infer<typeof EventCursorSchema>;

/** Params of `events.follow`. */
export const EventFollowParamsSchema = z.strictObject({
  /** Where to start: a saved cursor, or `{ lastTs: since, seenIds: [] }`. */
  cursor: EventCursorSchema,
  with: z.array(EventWithSchema).optional(),
  filter: z.strictObject(eventFilterShape).refine(entityIdNeedsOneEntity, ONE_ENTITY).optional(),
  /** Page size of each poll. @defaultValue 100 */
  limit: LimitSchema.optional(),
  /** Wait between polls that found everything. @defaultValue 60000 */
  intervalMs: z.number().int().nonnegative().optional(),
  /** Events younger than this are left for the next poll, so late writes settle. @defaultValue 5 */
  settleSec: z.number().int().nonnegative().max(3600).optional(),
  /** Stop after the first poll (catch up once, e.g. from a cron job). @defaultValue false */
  once: z.boolean().optional(),
});
/** Params of `events.follow`. */
export type EventFollowParams = z.input<typeof EventFollowParamsSchema>;

/** Params of `events.types`. */
export const EventTypesParamsSchema = z.strictObject({
  /** Language of `lang`; default: the user's. */
  language_code: z.enum(['en', 'es', 'ru', 'pt']).optional(),
});
/** Params of `events.types`. */
export type EventTypesParams = z.infer<typeof EventTypesParamsSchema>;

/**
 * The schemas of `kommo.events` by what they check, for its route spec.
 *
 * @internal
 */
export function eventRouteSchemas() {
  return {
    item: EventSchema,
    page: EventCollectionSchema,
    list: EventListParamsSchema,
    // Event ids are opaque strings such as `01pz58t6p04ymgsgfbmfyfy1mf`.
    id: z.string().regex(/^[A-Za-z0-9]{1,64}$/, 'Expected an event id'),
    follow: EventFollowParamsSchema,
    types: EventTypesParamsSchema,
    typesAnswer: EventTypeCollectionSchema,
  };
}
