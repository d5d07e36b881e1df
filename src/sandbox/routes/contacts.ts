/**
 * Contacts: the shared entity routes; `query` also matches first and last names, e-mails and
 * phone digits, and a create answer carries `is_deleted` and `is_unsorted`.
 *
 * @module
 */

import { renderContact } from '../render.js';
import { family } from '../router.js';
import { entityRoutes } from './crud.js';

/** The contact routes. */
export const contacts = family(
  'contacts',
  entityRoutes({
    type: 'contacts',
    title: 'Contact',
    render: renderContact,
    orderBy: ['updated_at', 'id'],
    all: (ctx) => ctx.store.contacts.values(),
    createdFields: { is_deleted: false, is_unsorted: false },
  }),
);
