/**
 * Contacts: the shared entity routes; `query` also matches first and last names, e-mails and
 * phone digits, and a create answer carries `is_deleted` and `is_unsorted`. Also
 * `/api/v4/contacts/chats` (`kommo.contacts.chats`): which amojo chats belong to which contacts.
 * A chat gets its contact when its first message lands; `POST` relinks it (a new link id each
 * time, as Kommo documents).
 *
 * @module
 */

import { chatsOf, type SandboxChat } from '../amojo/model.js';
import type { Ctx } from '../context.js';
import { fail, type Reply } from '../problems.js';
import { intsOf, listOf } from '../query.js';
import { renderContact } from '../render.js';
import { family } from '../router.js';
import { entityRoutes } from './crud.js';
import { batchBody } from './shared.js';

const linkIds = new WeakMap<SandboxChat, number>();

function render(ctx: Ctx, chat: SandboxChat, requestId?: string): Record<string, unknown> {
  let id = linkIds.get(chat);
  if (id === undefined) {
    id = ctx.store.nextId('contact_chat_link', 1);
    linkIds.set(chat, id);
  }
  return {
    id,
    chat_id: chat.id,
    contact_id: chat.contactId,
    ...(requestId !== undefined && { request_id: requestId }),
  };
}

function listChats(ctx: Ctx): Reply {
  const chatIds = listOf(ctx.query['chat_id']);
  const contactIds = intsOf(ctx.query['contact_id']);
  if (chatIds.length === 0 && contactIds.length === 0)
    fail(400, 'chat_id or contact_id is required');
  const items = [...chatsOf(ctx.store).chats.values()]
    .filter(
      (c) =>
        c.contactId !== null &&
        (chatIds.length === 0 || chatIds.includes(c.id)) &&
        (contactIds.length === 0 || contactIds.includes(c.contactId)),
    )
    .map((c) => render(ctx, c));
  if (items.length === 0) return { status: 204 };
  return { status: 200, body: { _total_items: items.length, _embedded: { chats: items } } };
}

function linkChats(ctx: Ctx): Reply {
  const chats = chatsOf(ctx.store);
  const items = batchBody(ctx).map((raw, index) => {
    const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const chat = typeof item['chat_id'] === 'string' ? chats.chats.get(item['chat_id']) : undefined;
    const contactId = item['contact_id'];
    if (!chat) fail(400, `chat_id of item ${String(index)} is not a chat of this account`);
    if (typeof contactId !== 'number' || !ctx.store.contacts.get(contactId))
      fail(400, `contact_id of item ${String(index)} is not a contact`);
    return {
      chat,
      contactId,
      requestId: typeof item['request_id'] === 'string' ? item['request_id'] : String(index),
    };
  });
  const out = items.map(({ chat, contactId, requestId }) => {
    chat.contactId = contactId;
    linkIds.delete(chat); // the link id changes on relink
    return render(ctx, chat, requestId);
  });
  return { status: 200, body: { _total_items: out.length, _embedded: { chats: out } } };
}

/** The contact routes, and the contacts' chats. */
export const contacts = family('contacts', {
  ...entityRoutes({
    type: 'contacts',
    title: 'Contact',
    render: renderContact,
    orderBy: ['updated_at', 'id'],
    all: (ctx) => ctx.store.contacts.values(),
    createdFields: { is_deleted: false, is_unsorted: false },
  }),
  'GET /api/v4/contacts/chats': listChats,
  'POST /api/v4/contacts/chats': linkChats,
});
