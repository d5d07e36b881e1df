/**
 * How a chat message lands in the CRM, as Kommo does it: the first message of a client creates
 * a contact and an incoming lead (an unsorted entry when the pipeline takes incoming leads, a
 * lead in the first stage otherwise), every client message opens or continues a talk, logs an
 * `incoming_chat_message` event and fires the `message[add]` webhook.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';
import type { ChangeEvent, Ctx } from '../context.js';
import { talksOf, type SandboxTalk } from '../models/talks.js';
import { recordChangeEvents } from '../changes.js';
import { SEED_IDS } from '../seed.js';
import type { Store } from '../state.js';
import type { SandboxCustomFieldValues, SandboxUnsorted } from '../types.js';
import type { SandboxChat, SandboxChatChannel, SandboxChatMessage } from './model.js';

function profileFields(store: Store, chat: SandboxChat): SandboxCustomFieldValues[] | null {
  const out: SandboxCustomFieldValues[] = [];
  const add = (fieldId: number, value: string, enumCode: string): void => {
    const field = store.customFields.get(fieldId);
    if (!field || value === '') return;
    const option = field.enums?.find((e) => e.value === enumCode);
    out.push({
      field_id: field.id,
      field_name: field.name,
      field_code: field.code,
      field_type: field.type,
      values: [{ value, ...(option && { enum_id: option.id, enum_code: option.value }) }],
    });
  };
  add(SEED_IDS.phoneFieldId, chat.user.phone, 'MOB');
  add(SEED_IDS.emailFieldId, chat.user.email, 'WORK');
  return out.length > 0 ? out : null;
}

/** The `message[add]` webhook item of a chat message. */
function messageEvent(
  channel: SandboxChatChannel,
  chat: SandboxChat,
  talk: SandboxTalk | undefined,
  message: SandboxChatMessage,
): ChangeEvent {
  const incoming = message.direction === 'in';
  return {
    setting: 'add_message',
    entity: 'messages',
    action: 'add',
    data: {
      id: message.id,
      chat_id: chat.id,
      talk_id: talk?.talk_id,
      contact_id: chat.contactId,
      text: typeof message.content['text'] === 'string' ? message.content['text'] : '',
      created_at: message.timestamp,
      element_type: chat.leadId === null ? undefined : 2,
      entity_type: chat.leadId === null ? undefined : 'lead',
      element_id: chat.leadId,
      entity_id: chat.leadId,
      type: incoming ? 'incoming' : 'outgoing',
      author: {
        id: incoming ? chat.user.id : (message.sender.ref_id ?? message.sender.id),
        type: incoming ? 'external' : 'internal',
        name: message.sender.name,
        ...(incoming && chat.user.avatar !== '' && { avatar_url: chat.user.avatar }),
      },
      origin: channel.code,
    },
  };
}

/** The fields every lead and contact the channel creates shares. */
function entityBase(ctx: Ctx, id: number, name: string) {
  return {
    id,
    name,
    responsible_user_id: ctx.userId,
    group_id: 0,
    created_by: 0,
    updated_by: 0,
    created_at: ctx.now,
    updated_at: ctx.now,
    closest_task_at: null,
    is_deleted: false,
    account_id: ctx.store.account.id,
    tag_ids: [],
  };
}

function newLead(
  ctx: Ctx,
  chat: SandboxChat,
  channel: SandboxChatChannel,
  unsorted: boolean,
): number {
  const store = ctx.store;
  const pipeline = store.mainPipeline();
  const incomingStage = pipeline?.statuses.find((s) => s.type === 1)?.id;
  const id = store.nextId('lead');
  store.leads.insert({
    ...entityBase(ctx, id, `${channel.title}: ${chat.user.name}`),
    custom_fields_values: null,
    price: 0,
    status_id:
      unsorted && incomingStage !== undefined
        ? incomingStage
        : pipeline
          ? store.firstStage(pipeline)
          : 0,
    pipeline_id: pipeline?.id ?? 0,
    loss_reason_id: null,
    closed_at: null,
    is_unsorted: unsorted,
    score: null,
    labor_cost: null,
  });
  return id;
}

function newContact(ctx: Ctx, chat: SandboxChat, unsorted: boolean): number {
  const store = ctx.store;
  const id = store.nextId('contact');
  store.contacts.set({
    ...entityBase(ctx, id, chat.user.name),
    first_name: chat.user.name,
    last_name: '',
    custom_fields_values: profileFields(store, chat),
    is_unsorted: unsorted,
  });
  return id;
}

/**
 * Lands a client's message in the CRM (call it for messages that are not `silent`); returns the
 * webhooks to send.
 */
export function landIncoming(
  ctx: Ctx,
  channel: SandboxChatChannel,
  chat: SandboxChat,
  message: SandboxChatMessage,
): ChangeEvent[] {
  const store = ctx.store;
  const talks = talksOf(store);
  const events: ChangeEvent[] = [];
  const lead = chat.leadId === null ? undefined : store.leads.get(chat.leadId);
  let talk = talks.openFor(chat.id);
  if (!talk || !lead || lead.is_deleted) {
    const openLead = lead && !lead.is_deleted && lead.closed_at === null;
    if (!openLead) {
      const unsorted =
        store.account.is_unsorted_on && (store.mainPipeline()?.is_unsorted_on ?? false);
      const contactExists =
        chat.contactId !== null && store.contacts.get(chat.contactId) !== undefined;
      const contactId =
        contactExists && chat.contactId !== null ? chat.contactId : newContact(ctx, chat, unsorted);
      const leadId = newLead(ctx, chat, channel, unsorted);
      ctx.store.links.attach('leads', leadId, 'contacts', contactId, { main_contact: true });
      chat.contactId = contactId;
      chat.leadId = leadId;
      if (unsorted) {
        const entry: SandboxUnsorted = {
          uid: randomBytes(20).toString('hex'),
          source_uid: channel.code,
          source_name: channel.title,
          category: 'chats',
          pipeline_id: store.mainPipeline()?.id ?? 0,
          created_at: ctx.now,
          metadata: {
            from: chat.user.name,
            phone: chat.user.phone,
            received_at: ctx.now,
            service: channel.code,
            client: { name: chat.user.name, avatar: chat.user.avatar },
            origin: channel.code,
            last_message: {
              text: typeof message.content['text'] === 'string' ? message.content['text'] : '',
            },
            source_name: channel.title,
          },
          account_id: store.account.id,
          lead_id: leadId,
          contact_id: contactId,
          company_id: null,
          state: 'pending',
        };
        store.unsorted.set(entry.uid, entry);
        chat.unsortedUid = entry.uid;
        events.push({
          setting: 'add_unsorted',
          entity: 'unsorted',
          action: 'add',
          data: {
            uid: entry.uid,
            source_uid: entry.source_uid,
            category: entry.category,
            lead_id: leadId,
            contact_id: contactId,
            pipeline_id: entry.pipeline_id,
            created_at: entry.created_at,
          },
        });
      } else {
        const crm: ChangeEvent[] = [
          {
            setting: 'add_lead',
            entity: 'leads',
            action: 'add',
            data: {
              id: leadId,
              name: store.leads.get(leadId)?.name,
              status_id: store.leads.get(leadId)?.status_id,
              pipeline_id: store.leads.get(leadId)?.pipeline_id,
            },
          },
        ];
        if (!contactExists)
          crm.push({
            setting: 'add_contact',
            entity: 'contacts',
            action: 'add',
            data: { id: contactId, name: chat.user.name },
          });
        recordChangeEvents(store, crm, ctx.now, 0);
        events.push(...crm);
      }
    }
    talk = talks.open({
      contact_id: chat.contactId ?? 0,
      chat_id: chat.id,
      entity_id: chat.leadId,
      entity_type: chat.leadId === null ? null : 'lead',
      origin: channel.code,
      now: ctx.now,
    });
    events.push({ setting: 'add_talk', entity: 'talks', action: 'add', data: { ...talk } });
  } else {
    talks.touch(talk, ctx.now, false);
  }
  if (chat.leadId !== null) {
    store.addEvent({
      type: 'incoming_chat_message',
      entity_id: chat.leadId,
      entity_type: 'lead',
      created_by: 0,
      created_at: ctx.now,
      value_after: [{ message: { id: message.id } }],
      value_before: [],
    });
  }
  events.push(messageEvent(channel, chat, talk, message));
  return events;
}

/** The webhooks of a message a manager sent from Kommo. */
export function outgoingEvents(
  store: Store,
  channel: SandboxChatChannel,
  chat: SandboxChat,
  message: SandboxChatMessage,
  now: number,
): ChangeEvent[] {
  const talk = talksOf(store).openFor(chat.id);
  if (talk) talksOf(store).touch(talk, now, true);
  return [messageEvent(channel, chat, talk, message)];
}
