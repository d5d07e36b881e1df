/**
 * Talks (`/api/v4/talks`): one conversation episode of a chat, opened when a client writes and
 * closed by a manager (or after the NPS bot). Answer schema (lenient) and inputs (strict).
 *
 * @see https://www.amocrm.ru/developers/content/crm_platform/talks-api
 * @module
 */

import { z } from 'zod';
import {
  IdsFilterSchema,
  LimitSchema,
  LinksSchema,
  PageSchema,
  collectionSchema,
  idOrObject,
} from './common.js';
import { openEnum } from './custom-field-values.js';

/** A reference in a talk's `_embedded` (a contact, lead or customer; at most one each). */
const TalkEntityRefSchema = z.looseObject({ id: z.number(), _links: LinksSchema.nullish() });

/** A talk as Kommo returns it. */
export const TalkSchema = z.looseObject({
  /** The talk's id (Kommo's name for it: there is no `id`). */
  talk_id: z.number(),
  created_at: z.number().nullish(),
  updated_at: z.number().nullish(),
  /** The client's NPS score, `0` when none. */
  rate: z.number().nullish(),
  contact_id: z.number().nullish(),
  /** The amojo chat id (a uuid). */
  chat_id: z.string().nullish(),
  entity_id: z.number().nullish(),
  /** `lead` or `customer`; `null` when the talk is about no entity. */
  entity_type: openEnum<'lead' | 'customer'>().nullish(),
  /** Open (not closed). */
  is_in_work: z.boolean().nullish(),
  is_read: z.boolean().nullish(),
  /** The channel: `telegram`, `instagram_business`, a custom channel's code… */
  origin: z.string().nullish(),
  /** When the talk went unanswered past the account's limit (unix time), else `null`. */
  missed_at: z.number().nullish(),
  /** Seen in lists: `in_work`, `closed`, `nps_scheduled`, `nps_in_progress`, `with_error`. */
  status: z.string().nullish(),
  account_id: z.number().nullish(),
  _links: LinksSchema.nullish(),
  _embedded: z
    .looseObject({
      contacts: z.array(idOrObject(TalkEntityRefSchema)).nullish(),
      leads: z.array(idOrObject(TalkEntityRefSchema)).nullish(),
      customers: z.array(idOrObject(TalkEntityRefSchema)).nullish(),
    })
    .nullish(),
});
/** A talk: one conversation episode of a chat. */
export type Talk = z.infer<typeof TalkSchema>;

/** A page of talks. */
export const TalkCollectionSchema = collectionSchema('talks', TalkSchema);

/** Params of `talks.list`. */
export const TalkListParamsSchema = z.strictObject({
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
  filter: z
    .strictObject({
      talk_id: IdsFilterSchema.optional(),
      contact_id: IdsFilterSchema.optional(),
      entity_id: IdsFilterSchema.optional(),
      /** With `entity_id`: the type of those ids. */
      entity_type: z.enum(['lead', 'customer']).optional(),
      /** Only open talks (Kommo reads the key's presence, so only `true` is offered). */
      only_in_work: z.literal(true).optional(),
    })
    .optional(),
});
/** Params of `talks.list`. */
export type TalkListParams = z.infer<typeof TalkListParamsSchema>;

/** The body of `talks.close`. */
export const TalkCloseParamsSchema = z.strictObject({
  /**
   * `true` closes the talk at once; without it Kommo runs the NPS bot instead (when the account
   * has it enabled and its plan includes it). @defaultValue false
   */
  force_close: z.boolean().optional(),
});
/** The body of `talks.close`. */
export type TalkCloseParams = z.infer<typeof TalkCloseParamsSchema>;

/**
 * The schemas of `kommo.talks` by what they check, for its route spec.
 *
 * @internal
 */
export function talkRouteSchemas() {
  return {
    item: TalkSchema,
    page: TalkCollectionSchema,
    list: TalkListParamsSchema,
    close: TalkCloseParamsSchema,
  };
}
