/**
 * What a write tells the world: the webhook payloads of a lead, contact, company or note
 * change (Kommo's v2 shape, before form encoding) and the audit-log events they leave behind
 * once the answer is a success.
 *
 * @module
 */

import type { WebhookInputData } from '../webhooks/encode.js';
import type { ChangeEvent, Ctx } from './context.js';
import type { AnyEntity } from './entities.js';
import type { SandboxCustomer } from './models/customers.js';
import type { Store } from './state.js';
import type {
  SandboxCardType,
  SandboxCustomFieldValues,
  SandboxLead,
  SandboxNote,
} from './types.js';

/** `lead`, `contact`, `company`, `customer`: the singular of webhook settings and events. */
export const SINGULAR: Readonly<Record<SandboxCardType, string>> = {
  leads: 'lead',
  contacts: 'contact',
  companies: 'company',
  customers: 'customer',
};

/** The numeric `element_type` of notes and tasks in webhooks. */
const ELEMENT_TYPE: Readonly<Record<SandboxCardType, number>> = {
  contacts: 1,
  leads: 2,
  companies: 3,
  customers: 12,
};

function webhookCustomFields(
  values: SandboxCustomFieldValues[] | null,
): WebhookInputData[] | undefined {
  if (!values) return undefined;
  return values.map((cf) => ({
    id: cf.field_id,
    name: cf.field_name,
    ...(cf.field_code ? { code: cf.field_code } : {}),
    values: cf.values.map((v) => {
      const out: Record<string, string | number | boolean> = {};
      const value = v['value'];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
        out['value'] = value;
      else if (value !== undefined) out['value'] = JSON.stringify(value);
      if (typeof v['enum_id'] === 'number') out['enum'] = v['enum_id'];
      return out;
    }),
  }));
}

/** A card a write changed: a lead, contact, company or customer. */
type AnyCard = AnyEntity | SandboxCustomer;

function webhookData(
  ctx: Ctx,
  type: SandboxCardType,
  e: AnyCard,
  extra: WebhookInputData = {},
): WebhookInputData {
  const dictionary = ctx.store.tags.table(type);
  const tags = e.tag_ids.flatMap((id) => {
    const tag = dictionary.get(id);
    return tag ? [{ id: tag.id, name: tag.name }] : [];
  });
  const base: Record<string, WebhookInputData[string]> = { id: e.id, name: e.name };
  if (type === 'leads') {
    const lead = e as SandboxLead;
    base['status_id'] = lead.status_id;
    if (extra['old_status_id'] !== undefined) base['old_status_id'] = extra['old_status_id'];
    base['price'] = lead.price ?? 0;
  } else if (type === 'customers') {
    const customer = e as SandboxCustomer;
    base['status_id'] = customer.status_id;
    base['next_price'] = customer.next_price;
    base['next_date'] = customer.next_date;
    base['periodicity'] = customer.periodicity;
  }
  base['responsible_user_id'] = e.responsible_user_id;
  if (extra['old_responsible_user_id'] !== undefined)
    base['old_responsible_user_id'] = extra['old_responsible_user_id'];
  base['date_create'] = e.created_at;
  base['last_modified'] = e.updated_at;
  base['created_user_id'] = e.created_by;
  base['modified_user_id'] = e.updated_by;
  if (type === 'leads') {
    const lead = e as SandboxLead;
    base['pipeline_id'] = lead.pipeline_id;
    if (extra['old_pipeline_id'] !== undefined) base['old_pipeline_id'] = extra['old_pipeline_id'];
  } else if (type === 'contacts') {
    const company = ctx.store.links.of('contacts', e.id, 'companies')[0];
    if (company) {
      base['linked_company_id'] = company.to_entity_id;
      base['company_name'] = ctx.store.companies.get(company.to_entity_id)?.name ?? '';
    }
  }
  base['account_id'] = e.account_id;
  if (tags.length > 0) base['tags'] = tags;
  const cf = webhookCustomFields(e.custom_fields_values);
  if (cf) base['custom_fields'] = cf;
  base['created_at'] = e.created_at;
  base['updated_at'] = e.updated_at;
  if (type === 'contacts' || type === 'companies') base['type'] = SINGULAR[type];
  return base;
}

/** The webhook events of one card write: `add_*`, or `update_*` plus status/responsible. */
export function changeEvents(
  ctx: Ctx,
  type: SandboxCardType,
  before: AnyCard | undefined,
  after: AnyCard,
): ChangeEvent[] {
  const single = SINGULAR[type];
  const event = (action: string, setting: string, extra?: WebhookInputData): ChangeEvent => ({
    setting,
    entity: type,
    action,
    data: webhookData(ctx, type, after, extra),
  });
  if (!before) return [event('add', `add_${single}`)];
  const events: ChangeEvent[] = [];
  const responsibleChanged = before.responsible_user_id !== after.responsible_user_id;
  const old: Record<string, number> = {};
  if (responsibleChanged) old['old_responsible_user_id'] = before.responsible_user_id;
  if (type === 'leads') {
    const b = before as SandboxLead;
    const a = after as SandboxLead;
    if (b.status_id !== a.status_id || b.pipeline_id !== a.pipeline_id) {
      const statusExtra = { old_status_id: b.status_id, old_pipeline_id: b.pipeline_id };
      events.push(event('status', 'status_lead', statusExtra));
      old['old_status_id'] = b.status_id;
    }
  }
  // `old` carries old_status_id (set above) into the responsible and update payloads.
  if (responsibleChanged) events.push(event('responsible', `responsible_${single}`, old));
  events.unshift(event('update', `update_${single}`, old));
  return events;
}

const NOTE_TYPE_NUMBERS: Readonly<Record<string, number>> = {
  common: 4,
  attachment: 5,
  call_in: 10,
  call_out: 11,
  service_message: 25,
  extended_service_message: 25,
  sms_in: 102,
  sms_out: 103,
};

const sqlDate = (sec: number): string =>
  new Date(sec * 1000).toISOString().slice(0, 19).replace('T', ' ');

/** The webhook event of a note added to a lead, contact, company or customer (`note_lead`…). */
export function noteEvent(note: SandboxNote): ChangeEvent {
  const type = note.entity_type;
  const text = note.params['text'];
  const data: Record<string, unknown> = {
    note: {
      id: note.id,
      note_type: NOTE_TYPE_NUMBERS[note.note_type] ?? 4,
      text: typeof text === 'string' ? text : JSON.stringify(note.params),
      element_type: ELEMENT_TYPE[type],
      element_id: note.entity_id,
      date_create: sqlDate(note.created_at),
      timestamp_x: sqlDate(note.updated_at),
      created_by: note.created_by,
      modified_by: note.updated_by,
      main_user_id: note.responsible_user_id,
      group_id: note.group_id,
      account_id: note.account_id,
      metadata: JSON.stringify({ event_source: { id: note.created_by, type: 1 } }),
      created_at: note.created_at,
      updated_at: note.updated_at,
    },
  };
  if (type === 'contacts' || type === 'companies') data['type'] = SINGULAR[type];
  return { setting: `note_${SINGULAR[type]}`, entity: type, action: 'note', data: data as never };
}

/** Records the audit events of entity changes made by one request (after a 2xx answer). */
export function recordChangeEvents(
  store: Store,
  changes: readonly ChangeEvent[],
  now: number,
  userId: number,
): void {
  for (const change of changes) {
    const id = Number(change.data['id']);
    if (!Number.isSafeInteger(id)) continue;
    // Chat entities (unsorted, talks, messages) record their own events.
    const entity_type = (SINGULAR as Partial<Record<string, string>>)[change.entity];
    if (entity_type === undefined) continue;
    const base = { entity_id: id, entity_type, created_by: userId, created_at: now };
    if (change.action === 'add')
      store.addEvent({ ...base, type: `${entity_type}_added`, value_after: [], value_before: [] });
    else if (change.action === 'status')
      store.addEvent({
        ...base,
        type: 'lead_status_changed',
        value_after: [
          {
            lead_status: { id: change.data['status_id'], pipeline_id: change.data['pipeline_id'] },
          },
        ],
        value_before: [
          {
            lead_status: {
              id: change.data['old_status_id'],
              pipeline_id: change.data['old_pipeline_id'],
            },
          },
        ],
      });
    else if (change.action === 'responsible')
      store.addEvent({
        ...base,
        type: 'entity_responsible_changed',
        value_after: [{ responsible_user: { id: change.data['responsible_user_id'] } }],
        value_before: [{ responsible_user: { id: change.data['old_responsible_user_id'] } }],
      });
  }
}
