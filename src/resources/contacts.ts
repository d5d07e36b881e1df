/**
 * `kommo.contacts`: list, search, read, create, update, link and note contacts.
 *
 * @see https://developers.kommo.com/reference/contacts-list
 * @module
 */

import type { RawResponse } from '../core/http.js';
import type { RequestOptions } from '../core/options.js';
import { lazy, parseInput, parseResponse } from '../core/schema.js';
import type { ContactResourceTypes } from '../schemas/contact.js';
import type {
  ContactChat,
  ContactChatLinkInput,
  ContactChatListParams,
} from '../schemas/contact-chat.js';
import { SearchableEntityResource } from './bases.js';
import { APIResource, route } from './resource.js';

const contacts = route({
  path: '/api/v4/contacts',
  key: 'contacts',
  names: ['contact', 'contacts'],
  nonEmptyUpdate: true,
  schemas: () => import('../schemas/contact.js').then((m) => m.contactRouteSchemas()),
});

const chatSchemas = lazy(() =>
  import('../schemas/contact-chat.js').then((m) => m.contactChatSchemas()),
);

/**
 * Contacts (people): the {@link SearchableEntityResource} verbs. Phones and e-mails are
 * `multitext` custom fields: an update that sends one replaces all its values.
 *
 * @example
 * ```ts
 * const existing = await kommo.contacts.search('+1 555 0100').toArray({ max: 1 });
 * const ref = existing[0] ?? (await kommo.contacts.create({
 *   first_name: 'Ann',
 *   custom_fields_values: [cf.phones(['+1 555 0100'], 'MOB'), cf.emails(['ann@example.com'])],
 * }));
 * ```
 * @see https://developers.kommo.com/reference/contacts-list
 */
export class Contacts extends SearchableEntityResource<ContactResourceTypes> {
  /** @internal */
  protected readonly _verbs = contacts.on(this._client);
  /** Chats API chats linked to contacts (`/api/v4/contacts/chats`): `list`, `link`. */
  readonly chats: ContactChats = new ContactChats(this._client);
}

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
  async #links(response: RawResponse, what: string): Promise<ContactChat[]> {
    if (response.body === undefined) return [];
    const answer = parseResponse((await chatSchemas()).answer, response.body, {
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
    const p = parseInput((await chatSchemas()).list, params, 'contact chat list params');
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
    const body = parseInput((await chatSchemas()).links, links, 'chat links');
    const response = await this._client._send(
      { method: 'POST', path: '/api/v4/contacts/chats', body },
      options,
    );
    return this.#links(response, 'contact chat links');
  }
}
