/**
 * Compact answers: the fields an agent needs, in words it can use (stage and user names, ISO
 * dates, custom fields by name and value), never raw HAL (`_links`, `_embedded`, enum ids).
 *
 * @module
 */

import {
  LOST_STATUS_ID,
  WON_STATUS_ID,
  embeddedIds,
  getEmails,
  getFieldValues,
  getPhones,
  type Contact,
  type CustomField,
  type KommoEvent,
  type FieldValue,
  type Lead,
  type Pipeline,
  type PipelineStatus,
  type Task,
  type User,
  type WithCustomFields,
} from 'kommo-sdk';
import { toIso } from './resolve.js';

/** What names are known when compacting (each list optional: ids are shown without names). */
export interface Names {
  pipelines?: readonly Pipeline[] | undefined;
  users?: readonly User[] | undefined;
}

/** A reference with its name, when known. */
export interface Named {
  id: number;
  name?: string;
}

function named(id: number | null | undefined, name: string | null | undefined): Named | null {
  if (typeof id !== 'number') return null;
  return typeof name === 'string' && name !== '' ? { id, name } : { id };
}

function userRef(names: Names, id: number | null | undefined): Named | null {
  return named(id, names.users?.find((u) => u.id === id)?.name);
}

/** Custom fields by name: one value, or a list when the field holds several. */
function customFieldsByName(
  entity: WithCustomFields,
  skipCodes: readonly string[] = [],
): Record<string, FieldValue | FieldValue[]> {
  const out: Record<string, FieldValue | FieldValue[]> = {};
  for (const field of entity.custom_fields_values ?? []) {
    if (field.field_code && skipCodes.includes(field.field_code.toUpperCase())) continue;
    const values = getFieldValues(entity, field.field_id);
    const key = field.field_name ?? field.field_code ?? String(field.field_id);
    out[key] = values.length === 1 ? (values[0] as FieldValue) : values;
  }
  return out;
}

/** The kind of a stage, in words. */
function stageKind(status: PipelineStatus): 'incoming' | 'open' | 'won' | 'lost' {
  if (status.id === WON_STATUS_ID) return 'won';
  if (status.id === LOST_STATUS_ID) return 'lost';
  return status.type === 1 ? 'incoming' : 'open';
}

/** A pipeline and its stages in board order. */
export function compactPipeline(p: Pipeline) {
  const stages = [...(p._embedded?.statuses ?? [])].sort(
    (a, b) => (a.sort ?? 0) - (b.sort ?? 0) || a.id - b.id,
  );
  return {
    id: p.id,
    name: p.name ?? null,
    is_main: p.is_main === true,
    stages: stages.map((s) => ({ id: s.id, name: s.name ?? null, kind: stageKind(s) })),
  };
}

function stageOf(
  names: Names,
  pipelineId: number | null | undefined,
  statusId: number | null | undefined,
) {
  const pipeline = names.pipelines?.find((p) => p.id === pipelineId);
  const status = pipeline?._embedded?.statuses?.find((s) => s.id === statusId);
  return {
    pipeline: named(pipelineId, pipeline?.name),
    stage: named(statusId, status?.name),
  };
}

function tagNames(
  tags: ReadonlyArray<number | { id: number; name?: string | null | undefined }> | null | undefined,
): string[] {
  return (tags ?? []).flatMap((t) =>
    typeof t === 'number' ? [String(t)] : t.name ? [t.name] : [String(t.id)],
  );
}

/** A lead as an agent reads it. */
export function compactLead(lead: Lead, names: Names) {
  const embedded = lead._embedded;
  const lossReason = embedded?.loss_reason;
  const reason = Array.isArray(lossReason) ? lossReason[0] : lossReason;
  return {
    id: lead.id,
    name: lead.name ?? null,
    price: lead.price ?? null,
    ...stageOf(names, lead.pipeline_id, lead.status_id),
    responsible_user: userRef(names, lead.responsible_user_id),
    ...(typeof reason === 'object' && reason !== null
      ? { loss_reason: named(reason.id, reason.name) }
      : typeof reason === 'number'
        ? { loss_reason: { id: reason } }
        : {}),
    tags: tagNames(embedded?.tags),
    contacts: (embedded?.contacts ?? []).map((c) =>
      typeof c === 'number' ? { id: c } : { id: c.id, ...(c.is_main ? { is_main: true } : {}) },
    ),
    companies: embeddedIds(embedded?.companies),
    created_at: toIso(lead.created_at),
    updated_at: toIso(lead.updated_at),
    closed_at: toIso(lead.closed_at),
    custom_fields: customFieldsByName(lead),
  };
}

/** A contact as an agent reads it (phones and e-mails apart from the other fields). */
export function compactContact(contact: Contact, names: Names) {
  const embedded = contact._embedded;
  return {
    id: contact.id,
    name: contact.name ?? null,
    first_name: contact.first_name ?? null,
    last_name: contact.last_name ?? null,
    phones: getPhones(contact).map((p) => p.value),
    emails: getEmails(contact).map((e) => e.value),
    responsible_user: userRef(names, contact.responsible_user_id),
    tags: tagNames(embedded?.tags),
    leads: embeddedIds(embedded?.leads),
    companies: embeddedIds(embedded?.companies),
    created_at: toIso(contact.created_at),
    updated_at: toIso(contact.updated_at),
    custom_fields: customFieldsByName(contact, ['PHONE', 'EMAIL']),
  };
}

const TASK_TYPES: Record<number, string> = { 1: 'follow_up', 2: 'meeting' };

/** A task as an agent reads it. */
export function compactTask(task: Task, names: Names) {
  const result = task.result;
  return {
    id: task.id,
    text: task.text ?? null,
    type: task.task_type_id == null ? null : (TASK_TYPES[task.task_type_id] ?? task.task_type_id),
    due: toIso(task.complete_till),
    is_completed: task.is_completed === true,
    result:
      typeof result === 'object' && result !== null && !Array.isArray(result)
        ? (result.text ?? null)
        : null,
    entity:
      task.entity_type && typeof task.entity_id === 'number'
        ? { type: task.entity_type, id: task.entity_id }
        : null,
    responsible_user: userRef(names, task.responsible_user_id),
    created_at: toIso(task.created_at),
  };
}

/** An audit-log event as an agent reads it. */
export function compactEvent(event: KommoEvent, names: Names) {
  return {
    id: event.id,
    type: event.type,
    entity:
      event.entity_type && typeof event.entity_id === 'number'
        ? { type: event.entity_type, id: event.entity_id }
        : null,
    created_by:
      event.created_by === 0 ? { id: 0, name: 'robot' } : userRef(names, event.created_by),
    created_at: toIso(event.created_at),
    before: event.value_before ?? [],
    after: event.value_after ?? [],
  };
}

/** A user as an agent reads it. */
export function compactUser(user: User) {
  return {
    id: user.id,
    name: user.name ?? null,
    email: user.email ?? null,
    is_admin: user.rights?.is_admin === true,
    is_active: user.rights?.is_active !== false,
  };
}

/** A custom-field definition as an agent reads it. */
export function compactCustomField(field: CustomField) {
  return {
    id: field.id,
    name: field.name ?? null,
    code: field.code ?? null,
    type: field.type ?? null,
    ...(field.is_required ? { is_required: true } : {}),
    ...(field.is_api_only ? { is_api_only: true } : {}),
    ...(field.enums && field.enums.length > 0
      ? { options: field.enums.map((e) => ({ id: e.id, value: e.value ?? null })) }
      : {}),
  };
}
