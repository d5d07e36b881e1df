/**
 * Schemas of `/api/v4/contacts/chats`: which Chats API (amojo) chats belong to which contacts.
 *
 * @module
 */

import { z } from 'zod';
import { MAX_BATCH_ITEMS } from '../facts.js';
import { IdSchema, RequestIdSchema } from './common.js';

/** A chat ↔ contact link. `id` is the link's id: it changes when the chat is linked again. */
export const ContactChatSchema = z.looseObject({
  id: z.number().nullish(),
  /** The amojo chat id (a uuid). */
  chat_id: z.string(),
  contact_id: z.number(),
  /** Echoed by `link`. */
  request_id: z.string().nullish(),
});
/** A chat ↔ contact link. */
export type ContactChat = z.infer<typeof ContactChatSchema>;

/** The answer of both routes: the links under `_embedded.chats`. */
export const ContactChatsAnswerSchema = z.looseObject({
  _total_items: z.number().nullish(),
  _embedded: z.looseObject({ chats: z.array(ContactChatSchema).nullish() }).nullish(),
});

const ChatIdSchema = z.string().min(1).max(128);

/** Params of `contacts.chats.list`: at least one filter. */
export const ContactChatListParamsSchema = z
  .strictObject({
    /** Amojo chat ids. */
    chat_id: z.union([ChatIdSchema, z.array(ChatIdSchema).min(1)]).optional(),
    /** Contact ids. */
    contact_id: z.union([IdSchema, z.array(IdSchema).min(1)]).optional(),
  })
  .refine((p) => p.chat_id !== undefined || p.contact_id !== undefined, {
    message: 'Give `chat_id` and/or `contact_id`',
  });
/** Params of `contacts.chats.list`. */
export type ContactChatListParams = z.input<typeof ContactChatListParamsSchema>;

/** One link to create. */
export const ContactChatLinkSchema = z.strictObject({
  /** The amojo chat id. */
  chat_id: ChatIdSchema,
  contact_id: IdSchema,
  request_id: RequestIdSchema.optional(),
});
/** One link to create. */
export type ContactChatLinkInput = z.input<typeof ContactChatLinkSchema>;

/**
 * The schemas of `kommo.contacts.chats`, loaded on its first use.
 *
 * @internal
 */
export function contactChatSchemas() {
  return {
    answer: ContactChatsAnswerSchema,
    list: ContactChatListParamsSchema,
    links: z.array(ContactChatLinkSchema).min(1).max(MAX_BATCH_ITEMS),
  };
}
