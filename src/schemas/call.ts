/**
 * Calls (`POST /api/v4/calls`): a call logged by phone number into the card Kommo finds for it,
 * stored as a `call_in` / `call_out` note. Input schema (strict) and the answer (lenient).
 *
 * @see https://www.amocrm.ru/developers/content/crm_platform/calls-api
 * @module
 */

import { z } from 'zod';
import {
  HttpUrlSchema,
  IdSchema,
  LinksSchema,
  RequestIdSchema,
  UnixTimeSchema,
  UserIdOrZeroSchema,
} from './common.js';
import { openEnum } from './custom-field-values.js';
import { CALL_STATUS } from '../facts.js';

/** `inbound` (a client called) or `outbound` (a manager called). */
export type CallDirection = 'inbound' | 'outbound';

/** The entity a call was logged into. */
export type CallEntityType = 'lead' | 'contact' | 'company' | 'customer';

const callStatuses = Object.values(CALL_STATUS) as [number, ...number[]];

/** One call to log. */
export const CallCreateParamsSchema = z.strictObject({
  direction: z.enum(['inbound', 'outbound']),
  /** Seconds. */
  duration: z.number().int().nonnegative(),
  /** Your integration's code or name. */
  source: z.string().trim().min(1),
  /** The number Kommo searches contacts and companies by (its last 10 digits). */
  phone: z.string().trim().min(1),
  /** Your id of the call. */
  uniq: z.string().min(1).optional(),
  /** The recording. */
  link: HttpUrlSchema.optional(),
  /**
   * Inbound: who was called; outbound: who called — a user id, a phone number or a name.
   * Without it Kommo shows `created_by`.
   */
  call_responsible: z
    .union([IdSchema, z.string().min(1)])
    .nullable()
    .optional(),
  /** Free text, e.g. "Talked about the order". */
  call_result: z.string().optional(),
  /** One of {@link CALL_STATUS}. */
  call_status: z
    .number()
    .int()
    .refine((n) => callStatuses.includes(n), 'Expected a CALL_STATUS value (1–8)')
    .optional(),
  /** Who may work with the call note (delete it, …). */
  responsible_user_id: IdSchema.optional(),
  created_by: UserIdOrZeroSchema.optional(),
  updated_by: UserIdOrZeroSchema.optional(),
  created_at: UnixTimeSchema.optional(),
  updated_at: UnixTimeSchema.optional(),
  request_id: RequestIdSchema.optional(),
});
/**
 * One call to log: `direction`, `duration`, `source` and `phone` are required. Kommo finds the
 * contact or company by the phone's last 10 digits and logs the call into its one open lead
 * (when it has no customers), else its one customer (when it has no open leads), else the card
 * itself. No contact or company with that number: the call is not logged (no contact is made).
 */
export type CallCreateParams = z.input<typeof CallCreateParamsSchema>;

/** What Kommo answers for one logged call. */
export const CallRefSchema = z.looseObject({
  /** The id of the call note Kommo created. */
  id: z.number(),
  /** Where the call was logged. */
  entity_id: z.number().nullish(),
  /** `lead`, `contact`, `company` or `customer` (a string, whatever the docs' table says). */
  entity_type: openEnum<CallEntityType>().nullish(),
  account_id: z.number().nullish(),
  /** Your `request_id`, or the one the SDK set (the item's input index). */
  request_id: z.union([z.string(), z.number()]).nullish(),
  _embedded: z
    .looseObject({
      entity: z.looseObject({ id: z.number(), _links: LinksSchema.nullish() }).nullish(),
    })
    .nullish(),
});
/** A logged call: the note id and where it went. */
export type CallRef = z.infer<typeof CallRefSchema>;

/**
 * One entry of the `errors` list `/api/v4/calls` answers with (a call that was not logged).
 * Only `title` has been seen (`"Entity not found"`); the rest is kept as sent.
 */
export const CallErrorSchema = z.looseObject({
  title: z.string().nullish(),
  detail: z.string().nullish(),
  request_id: z.union([z.string(), z.number()]).nullish(),
});

/** The whole answer of `POST /api/v4/calls`: the logged calls and the refused ones. */
export const CallAnswerSchema = z.looseObject({
  _total_items: z.number().nullish(),
  errors: z.array(CallErrorSchema).nullish(),
  _embedded: z.looseObject({ calls: z.array(CallRefSchema).nullish() }).nullish(),
});

/**
 * The schemas of `kommo.calls`, loaded on its first use.
 *
 * @internal
 */
export function callSchemas() {
  return { creates: z.array(CallCreateParamsSchema), answer: CallAnswerSchema };
}
