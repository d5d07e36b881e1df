/**
 * `kommo.contacts.chats`: which Chats API (amojo) chats belong to which contacts
 * (`/api/v4/contacts/chats`).
 *
 * @module
 */

import { z } from 'zod';
import type { RawResponse } from '../core/http.js';
import type { RequestOptions } from '../core/options.js';
import { parseResponse } from '../core/schema.js';
import { IdSchema, RequestIdSchema, parseInput } from '../schemas/common.js';
import { APIResource } from './resource.js';

/** A chat ↔ contact link. `id` is the link's id: it changes when the chat is linked again. */
const ContactChatSchema = z.looseObject({
  id: z.number().nullish(),
  /** The amojo chat id (a uuid). */
  chat_id: z.string(),
  contact_id: z.number(),
  /** Echoed by `link`. */
  request_id: z.string().nullish(),
});
/** A chat ↔ contact link. */
export type ContactChat = z.infer<typeof ContactChatSchema>;

const ContactChatsAnswerSchema = z.looseObject({
  _total_items: z.number().nullish(),
  _embedded: z.looseObject({ chats: z.array(ContactChatSchema).nullish() }).nullish(),
});

const ChatIdSchema = z.string().min(1).max(128);

/** Params of `contacts.chats.list`: at least one filter. */
const ContactChatListParamsSchema = z
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
const ContactChatLinkSchema = z.strictObject({
  /** The amojo chat id. */
  chat_id: ChatIdSchema,
  contact_id: IdSchema,
  request_id: RequestIdSchema.optional(),
});
/** One link to create. */
export type ContactChatLinkInput = z.input<typeof ContactChatLinkSchema>;

const asList = <T>(value: T | readonly T[] | undefined): T[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? [...(value as T[])] : [value as T];

/**
 * Chats of the integration's own channels and the contacts they belong to. Admin only, and the
 * integration's uuid must be set in the channel settings. A chat belongs to one contact, a
 * contact to many chats; for a chat still in unsorted, Kommo returns the unsorted contact.
 *
 * @example
 * ```ts
 * const links = await kommo.contacts.chats.list({ chat_id: chat.id });
 * await kommo.contacts.chats.link([{ chat_id: chat.id, contact_id: 123 }]);
 * ```
 * @see docs/chats.md
 */
export class ContactChats extends APIResource {
  #links(response: RawResponse, what: string): ContactChat[] {
    if (response.body === undefined) return [];
    const answer = parseResponse(ContactChatsAnswerSchema, response.body, {
      what,
      validate: this._client._validateResponses,
      requestId: response.requestId,
    });
    return answer._embedded?.chats ?? [];
  }

  /**
   * Lists the links of the given chats and/or contacts (`[]` when Kommo answers 204).
   *
   * @throws {@link RequestValidationError} without a filter.
   */
  async list(params: ContactChatListParams, options?: RequestOptions): Promise<ContactChat[]> {
    const p = parseInput(ContactChatListParamsSchema, params, 'contact chat list params');
    const response = await this._client._send(
      {
        method: 'GET',
        path: '/api/v4/contacts/chats',
        // Arrays go as `chat_id[]=…`: Kommo's docs do not show the encoding; the SDK's
        // bracket style is what its other filters use.
        query: { chat_id: asList(p.chat_id), contact_id: asList(p.contact_id) },
      },
      options,
    );
    return this.#links(response, 'contact chats');
  }

  /**
   * Links chats to contacts (moving a chat to another contact relinks it, with a new link id).
   *
   * @returns The links Kommo created, with their `request_id`.
   */
  async link(
    links: readonly ContactChatLinkInput[],
    options?: RequestOptions,
  ): Promise<ContactChat[]> {
    const body = parseInput(z.array(ContactChatLinkSchema).min(1).max(250), links, 'chat links');
    const response = await this._client._send(
      { method: 'POST', path: '/api/v4/contacts/chats', body },
      options,
    );
    return this.#links(response, 'contact chat links');
  }
}
