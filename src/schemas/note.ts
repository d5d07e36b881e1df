/**
 * Notes: every note type Kommo documents, as a discriminated union on `note_type`, for reading
 * (lenient; unknown types are kept with opaque `params`) and writing (strict).
 *
 * @see https://developers.kommo.com/reference/notes-list
 * @module
 */

import { z } from 'zod';
import {
  IdSchema,
  IdsFilterSchema,
  LimitSchema,
  LinksSchema,
  NumberOrStringSchema,
  PageSchema,
  RequestIdSchema,
  SortDirectionSchema,
  TimeFilterSchema,
  UnixTimeSchema,
  UserIdOrZeroSchema,
  WriteRefSchema,
  collectionSchema,
} from './common.js';
import { openEnum } from './custom-field-values.js';

/** Entity types that have notes. */
export const NoteEntityTypeSchema = z.enum(['leads', 'contacts', 'companies', 'customers']);
/** Entity types that have notes. */
export type NoteEntityType = z.infer<typeof NoteEntityTypeSchema>;

// ---------------------------------------------------------------------------------------------
// Read.

const noteBase = {
  id: z.number(),
  entity_id: z.number().nullish(),
  created_by: z.number().nullish(),
  updated_by: z.number().nullish(),
  created_at: z.number().nullish(),
  updated_at: z.number().nullish(),
  responsible_user_id: z.number().nullish(),
  group_id: z.number().nullish(),
  account_id: z.number().nullish(),
  is_pinned: z.boolean().nullish(),
  _links: LinksSchema.nullish(),
};

const str = z.string().nullish();

/** Params of `call_in`/`call_out` notes. */
const CallNoteParamsSchema = z.looseObject({
  uniq: str,
  duration: NumberOrStringSchema.nullish(),
  source: str,
  /** Recording URL (may be `""`). */
  link: str,
  phone: NumberOrStringSchema.nullish(),
  /** A name (string) or a user id (number). */
  call_responsible: NumberOrStringSchema.nullish(),
  call_status: z.number().nullish(),
  call_result: str,
});

const textParams = z.looseObject({ text: str });
const serviceParams = z.looseObject({ service: str, text: str });
const smsParams = z.looseObject({ text: str, phone: NumberOrStringSchema.nullish() });
const mailParty = z.looseObject({ email: str, name: str });

const KNOWN_READ = {
  common: textParams,
  call_in: CallNoteParamsSchema,
  call_out: CallNoteParamsSchema,
  service_message: serviceParams,
  extended_service_message: serviceParams,
  message_cashier: z.looseObject({
    status: openEnum<'created' | 'shown' | 'canceled'>().nullish(),
    text: str,
  }),
  geolocation: z.looseObject({
    text: str,
    address: str,
    longitude: NumberOrStringSchema.nullish(),
    latitude: NumberOrStringSchema.nullish(),
  }),
  sms_in: smsParams,
  sms_out: smsParams,
  attachment: z.looseObject({
    file_uuid: str,
    version_uuid: str,
    file_name: str,
    original_name: str,
    is_drive_attachment: z.boolean().nullish(),
    text: str,
  }),
  amomail_message: z.looseObject({
    income: z.boolean().nullish(),
    from: mailParty.nullish(),
    to: mailParty.nullish(),
    subject: str,
    thread_id: z.number().nullish(),
    message_id: z.number().nullish(),
    content_summary: str,
    attach_cnt: z.number().nullish(),
    delivery: z.looseObject({ status: str, time: z.number().nullish() }).nullish(),
    private: z.boolean().nullish(),
  }),
  invoice_paid: z.looseObject({ service: str, text: str, icon_url: str }),
  bill_paid: z.looseObject({ service: str, text: str, icon_url: str }),
  site_visit: z.looseObject({ url: str }),
  link_followed: z.looseObject({ url: str }),
  targeting_in: z.looseObject({}),
  targeting_out: z.looseObject({}),
  transaction: z.looseObject({ transaction_id: NumberOrStringSchema.nullish() }),
  zoom_meeting: z.looseObject({
    conference: z.unknown().optional(),
    recordings: z.unknown().optional(),
  }),
  dropbox_attachment: z.looseObject({}),
  ai_result: z.looseObject({
    text: str,
    answer_id: NumberOrStringSchema.nullish(),
    is_error: z.boolean().nullish(),
    talk_id: NumberOrStringSchema.nullish(),
  }),
  chat: z.looseObject({}),
} as const;

/** Note types the SDK knows the `params` of. */
export type KnownNoteType = keyof typeof KNOWN_READ;
/** A note type: a known one, or any string Kommo adds later. */
export type NoteType = KnownNoteType | (string & {});

// Concrete schema types (not `KNOWN_READ[T]` inside a generic) keep each variant's params typed.
function variant<T extends KnownNoteType, P extends z.ZodType>(type: T, params: P) {
  return z.looseObject({ ...noteBase, note_type: z.literal(type), params: params.nullish() });
}

const KnownNoteSchema = z.discriminatedUnion('note_type', [
  variant('common', KNOWN_READ.common),
  variant('call_in', KNOWN_READ.call_in),
  variant('call_out', KNOWN_READ.call_out),
  variant('service_message', KNOWN_READ.service_message),
  variant('extended_service_message', KNOWN_READ.extended_service_message),
  variant('message_cashier', KNOWN_READ.message_cashier),
  variant('geolocation', KNOWN_READ.geolocation),
  variant('sms_in', KNOWN_READ.sms_in),
  variant('sms_out', KNOWN_READ.sms_out),
  variant('attachment', KNOWN_READ.attachment),
  variant('amomail_message', KNOWN_READ.amomail_message),
  variant('invoice_paid', KNOWN_READ.invoice_paid),
  variant('bill_paid', KNOWN_READ.bill_paid),
  variant('site_visit', KNOWN_READ.site_visit),
  variant('link_followed', KNOWN_READ.link_followed),
  variant('targeting_in', KNOWN_READ.targeting_in),
  variant('targeting_out', KNOWN_READ.targeting_out),
  variant('transaction', KNOWN_READ.transaction),
  variant('zoom_meeting', KNOWN_READ.zoom_meeting),
  variant('dropbox_attachment', KNOWN_READ.dropbox_attachment),
  variant('ai_result', KNOWN_READ.ai_result),
  variant('chat', KNOWN_READ.chat),
]);
/** A note of a type the SDK knows, with typed `params`. */
export type KnownNote = z.infer<typeof KnownNoteSchema>;

/** A note of any other type (or one whose params do not fit): kept as it came. */
const OtherNoteSchema = z.looseObject({
  ...noteBase,
  note_type: z.union([z.string(), z.number()]),
  params: z.unknown().optional(),
});
/** A note whose type the SDK does not know: `params` is kept opaque. */
export type OtherNote = z.infer<typeof OtherNoteSchema>;

/** A note as Kommo returns it. */
export const NoteSchema = z.union([KnownNoteSchema, OtherNoteSchema]);
/**
 * A note. Narrow it with {@link isNoteType} (a plain `note.note_type === 'common'` cannot exclude
 * the open `OtherNote` member).
 */
export type Note = z.infer<typeof NoteSchema>;

/** A page of notes. */
export const NoteCollectionSchema = collectionSchema('notes', NoteSchema);

/** What a note write returns. */
export const NoteRefSchema = WriteRefSchema.extend({ entity_id: z.number().nullish() });
/** What a note write returns. */
export type NoteRef = z.infer<typeof NoteRefSchema>;

// ---------------------------------------------------------------------------------------------
// Write.

const text = z.string().min(1);
const callParamsInput = z.strictObject({
  /** Your unique id of the call (e.g. the PBX call id). */
  uniq: z.string().min(1),
  /** Seconds. */
  duration: z.number().int().nonnegative(),
  /** The telephony's name. */
  source: z.string().min(1),
  /** Recording URL. */
  link: z.string().optional(),
  phone: z.string().min(1),
  /** A name or a user id. */
  call_responsible: z.union([z.string(), IdSchema]).optional(),
  /** 1 voicemail, 2 call back later, 3 not available, 4 conversation, 5 wrong number, 6 no answer, 7 busy, 8 undefined. */
  call_status: z.number().int().min(1).max(8).optional(),
  call_result: z.string().optional(),
});
const serviceParamsInput = z.strictObject({ service: z.string().min(1), text });
const smsParamsInput = z.strictObject({ text, phone: z.string().min(1) });

const KNOWN_WRITE = {
  common: z.strictObject({ text }),
  call_in: callParamsInput,
  call_out: callParamsInput,
  service_message: serviceParamsInput,
  extended_service_message: serviceParamsInput,
  message_cashier: z.strictObject({ status: z.enum(['created', 'shown', 'canceled']), text }),
  geolocation: z.strictObject({
    text,
    address: z.string(),
    longitude: z.string(),
    latitude: z.string(),
  }),
  sms_in: smsParamsInput,
  sms_out: smsParamsInput,
  attachment: z.strictObject({
    file_uuid: z.string().min(1),
    version_uuid: z.string().optional(),
    file_name: z.string().min(1),
  }),
  invoice_paid: z.strictObject({
    service: z.string().optional(),
    text,
    icon_url: z.string().optional(),
  }),
} as const;

/** Note types that can be written. */
export type WritableNoteType = keyof typeof KNOWN_WRITE;

const writeBase = {
  created_by: UserIdOrZeroSchema.optional(),
  responsible_user_id: IdSchema.optional(),
  created_at: UnixTimeSchema.optional(),
  /** `false` keeps Digital Pipeline triggers ("call made"…) from firing. */
  is_need_to_trigger_digital_pipeline: z.boolean().optional(),
  request_id: RequestIdSchema.optional(),
};

function writeVariant<
  T extends WritableNoteType,
  P extends z.ZodType,
  E extends z.core.$ZodLooseShape,
>(type: T, params: P, extra: E) {
  return z.strictObject({ ...writeBase, ...extra, note_type: z.literal(type), params });
}

function writeUnion<E extends z.core.$ZodLooseShape>(extra: E) {
  return z.discriminatedUnion('note_type', [
    writeVariant('common', KNOWN_WRITE.common, extra),
    writeVariant('call_in', KNOWN_WRITE.call_in, extra),
    writeVariant('call_out', KNOWN_WRITE.call_out, extra),
    writeVariant('service_message', KNOWN_WRITE.service_message, extra),
    writeVariant('extended_service_message', KNOWN_WRITE.extended_service_message, extra),
    writeVariant('message_cashier', KNOWN_WRITE.message_cashier, extra),
    writeVariant('geolocation', KNOWN_WRITE.geolocation, extra),
    writeVariant('sms_in', KNOWN_WRITE.sms_in, extra),
    writeVariant('sms_out', KNOWN_WRITE.sms_out, extra),
    writeVariant('attachment', KNOWN_WRITE.attachment, extra),
    writeVariant('invoice_paid', KNOWN_WRITE.invoice_paid, extra),
  ]);
}

/** A note to add to one entity (`notes.create`). */
export const NoteCreateParamsSchema = writeUnion({});
/** A note to add: `note_type` and the `params` that type needs. */
export type NoteCreateParams = z.input<typeof NoteCreateParamsSchema>;

/** A note of `notes.createMany`: with its `entity_id`. */
export const NoteCreateItemSchema = writeUnion({ entity_id: IdSchema });
/** A note of `notes.createMany`, with the `entity_id` it belongs to. */
export type NoteCreateItem = z.input<typeof NoteCreateItemSchema>;

/** A note change (`notes.update`). */
export const NoteUpdateParamsSchema = writeUnion({});
/** A note change: its `note_type` and new `params`. */
export type NoteUpdateParams = z.input<typeof NoteUpdateParamsSchema>;

/** One item of `notes.updateMany`: with its `id`. */
export const NoteUpdateItemSchema = writeUnion({ id: IdSchema, entity_id: IdSchema.optional() });
/** One item of `notes.updateMany`. */
export type NoteUpdateItem = z.input<typeof NoteUpdateItemSchema>;

// ---------------------------------------------------------------------------------------------
// List params.

/** Filters of the note lists. */
const NoteFilterSchema = z.strictObject({
  id: IdsFilterSchema.optional(),
  entity_id: IdsFilterSchema.optional(),
  note_type: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  updated_at: TimeFilterSchema.optional(),
});

/** Params of `notes.list`. */
export const NoteListParamsSchema = z.strictObject({
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
  filter: NoteFilterSchema.optional(),
  order: z
    .strictObject({
      updated_at: SortDirectionSchema.optional(),
      id: SortDirectionSchema.optional(),
    })
    .optional(),
  with: z.array(z.enum(['is_pinned'])).optional(),
});
/** Params of `notes.list`. */
export type NoteListParams = z.infer<typeof NoteListParamsSchema>;

/** Params of `notes.listFor`: without the `entity_id` filter. */
export const NoteListForParamsSchema = NoteListParamsSchema.extend({
  filter: NoteFilterSchema.omit({ entity_id: true }).optional(),
});
/** Params of `notes.listFor`. */
export type NoteListForParams = z.infer<typeof NoteListForParamsSchema>;

/**
 * The schemas of `kommo.notes` by what they check, for its route spec.
 *
 * @internal
 */
export function noteRouteSchemas() {
  return {
    item: NoteSchema,
    page: NoteCollectionSchema,
    ref: NoteRefSchema,
    list: NoteListParamsSchema,
    create: NoteCreateParamsSchema,
    createItem: NoteCreateItemSchema,
    update: NoteUpdateParamsSchema,
    updateItem: NoteUpdateItemSchema,
    entityType: NoteEntityTypeSchema,
  };
}
