/**
 * `kommo.contacts`: list, search, read, create, update and link contacts.
 *
 * @see https://developers.kommo.com/reference/contacts-list
 * @module
 */

import { z } from 'zod';
import {
  refRequestIds,
  runBatch,
  sendWrite,
  sendWriteOne,
  type BatchOptions,
} from '../core/batch.js';
import type { RequestOptions } from '../core/options.js';
import { getOne, listPages, type ListOptions, type PagePromise } from '../core/pagination.js';
import { assertId, path } from '../core/path.js';
import { joinWith, parseInput, requireSomeField, type EntityLinkInput } from '../schemas/common.js';
import {
  ContactCollectionSchema,
  ContactCreateParamsSchema,
  ContactGetParamsSchema,
  ContactListParamsSchema,
  ContactRefSchema,
  ContactSchema,
  ContactSearchParamsSchema,
  ContactUpdateItemSchema,
  ContactUpdateParamsSchema,
  type Contact,
  type ContactCreateParams,
  type ContactGetParams,
  type ContactListParams,
  type ContactRef,
  type ContactSearchParams,
  type ContactUpdateItem,
  type ContactUpdateParams,
} from '../schemas/contact.js';
import type { NoteRef } from '../schemas/note.js';
// A sub-resource kept in its own file until the declarative resource specs absorb it.
// eslint-disable-next-line no-restricted-imports
import { ContactChats } from './contact-chats.js';
import { APIResource, addTextNote, sendEntityLinks } from './resource.js';

/**
 * Contacts (people). Phones and e-mails are `multitext` custom fields.
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
export class Contacts extends APIResource {
  /** Chats API chats linked to contacts (`/api/v4/contacts/chats`): `list`, `link`. */
  readonly chats: ContactChats = new ContactChats(this._client);

  /**
   * Lists contacts. `await` gives the first page; `for await` walks every contact lazily.
   *
   * @throws {@link RequestValidationError} (on first use) for invalid params.
   */
  list(params?: ContactListParams, options?: ListOptions): PagePromise<Contact> {
    return listPages<Contact>(
      this._client,
      () => {
        const p = parseInput(ContactListParamsSchema, params ?? {}, 'contact list params');
        return {
          path: '/api/v4/contacts',
          query: { with: joinWith(p.with), query: p.query, filter: p.filter, order: p.order },
          key: 'contacts',
          schema: ContactCollectionSchema,
          what: 'contacts',
          page: p.page,
          limit: p.limit,
        };
      },
      options,
    );
  }

  /**
   * Searches contacts by name, phone, e-mail or any filled field (Kommo's `query`). Phones are
   * stored as typed, so search with the digits the user typed; a 204 is an empty result.
   *
   * @example
   * ```ts
   * const [contact] = await kommo.contacts.search('ann@example.com').toArray({ max: 1 });
   * ```
   */
  search(
    query: string | number,
    params?: ContactSearchParams,
    options?: ListOptions,
  ): PagePromise<Contact> {
    return listPages<Contact>(
      this._client,
      () => {
        const q = parseInput(
          z.union([z.string().trim().min(1), z.number()]),
          query,
          'contact search query',
        );
        const p = parseInput(ContactSearchParamsSchema, params ?? {}, 'contact search params');
        return {
          path: '/api/v4/contacts',
          query: { with: joinWith(p.with), query: q, filter: p.filter, order: p.order },
          key: 'contacts',
          schema: ContactCollectionSchema,
          what: 'contacts',
          page: p.page,
          limit: p.limit,
        };
      },
      options,
    );
  }

  /**
   * Reads one contact.
   *
   * @throws {@link NotFoundError} when no contact has this id (Kommo answers 204).
   */
  async get(id: number, params?: ContactGetParams, options?: RequestOptions): Promise<Contact> {
    const p = parseInput(ContactGetParamsSchema, params ?? {}, 'contact get params');
    return getOne(
      this._client,
      { path: path`/api/v4/contacts/${id}`, query: { with: joinWith(p.with) } },
      ContactSchema,
      `contact ${id}`,
      options,
    );
  }

  /** Creates one contact. @throws {@link RequestValidationError} before sending, for invalid input. */
  async create(params: ContactCreateParams, options?: RequestOptions): Promise<ContactRef> {
    const body = parseInput(ContactCreateParamsSchema, params, 'contact');
    return sendWriteOne(
      this._client,
      { method: 'POST', path: '/api/v4/contacts', body: [body] },
      'contacts',
      ContactRefSchema,
      'contact',
      options,
    );
  }

  /**
   * Creates any number of contacts in chunks; refs come back in input order.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async createMany(
    items: readonly ContactCreateParams[],
    options?: BatchOptions,
  ): Promise<ContactRef[]> {
    const bodies = parseInput(z.array(ContactCreateParamsSchema), items, 'contacts');
    return runBatch(
      bodies,
      {
        maxChunkSize: 250,
        what: 'contacts',
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'POST', path: '/api/v4/contacts', body: chunk },
            'contacts',
            ContactRefSchema,
            'contacts',
            opts,
          ),
      },
      options,
    );
  }

  /**
   * Updates one contact with exactly the fields you pass. A multitext field (phones, e-mails)
   * you send replaces all its values: send the old ones too to add one.
   */
  async update(
    id: number,
    params: ContactUpdateParams,
    options?: RequestOptions,
  ): Promise<ContactRef> {
    assertId(id);
    const body = requireSomeField(
      parseInput(ContactUpdateParamsSchema, params, 'contact update'),
      'contact update',
    );
    return sendWriteOne(
      this._client,
      { method: 'PATCH', path: path`/api/v4/contacts/${id}`, body },
      'contacts',
      ContactRefSchema,
      'contact',
      options,
    );
  }

  /**
   * Updates any number of contacts (each with its `id`) in chunks.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async updateMany(
    items: readonly ContactUpdateItem[],
    options?: BatchOptions,
  ): Promise<ContactRef[]> {
    const bodies = parseInput(z.array(ContactUpdateItemSchema), items, 'contact updates');
    return runBatch(
      bodies,
      {
        maxChunkSize: 250,
        what: 'contacts',
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'PATCH', path: '/api/v4/contacts', body: chunk },
            'contacts',
            ContactRefSchema,
            'contacts',
            opts,
          ),
      },
      options,
    );
  }

  /**
   * Links leads, companies, customers or catalog elements to a contact.
   *
   * @example
   * ```ts
   * await kommo.contacts.link(7, [{ to_entity_id: 42, to_entity_type: 'leads' }]);
   * ```
   */
  link(id: number, links: readonly EntityLinkInput[], options?: RequestOptions): Promise<void> {
    return sendEntityLinks(this._client, 'contacts', id, 'link', links, options);
  }

  /** Removes links from a contact. */
  unlink(id: number, links: readonly EntityLinkInput[], options?: RequestOptions): Promise<void> {
    return sendEntityLinks(this._client, 'contacts', id, 'unlink', links, options);
  }

  /** Adds a common (text) note to a contact. */
  addNote(id: number, text: string, options?: RequestOptions): Promise<NoteRef> {
    return addTextNote(this._client, 'contacts', id, text, options);
  }
}
