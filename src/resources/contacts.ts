/**
 * `kommo.contacts`: list, search, read, create, update, link and note contacts.
 *
 * @see https://developers.kommo.com/reference/contacts-list
 * @module
 */

import { type ContactResourceTypes, contactRouteSchemas } from '../schemas/contact.js';
import { SearchableEntityResource } from './bases.js';
import { route } from './resource.js';

const contacts = route({
  path: '/api/v4/contacts',
  key: 'contacts',
  names: ['contact', 'contacts'],
  nonEmptyUpdate: true,
  schemas: contactRouteSchemas,
});

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
}
