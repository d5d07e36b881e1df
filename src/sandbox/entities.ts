/**
 * Leads, contacts and companies as the sandbox models them: the keys a write may send, what a
 * new one starts as, and how one submitted item becomes the next state (common fields, lead
 * stages and closing, contact names, custom fields, tags and `_embedded` links), applied only
 * when the whole batch is valid.
 *
 * Written from Kommo's documented behaviour, not from the SDK's schemas: the sandbox is a check
 * on the SDK, so it must not share the SDK's idea of the API.
 *
 * @module
 */

import { LOST_STATUS_ID, WON_STATUS_ID } from '../facts.js';
import { SINGULAR, changeEvents } from './changes.js';
import type { Ctx } from './context.js';
import { ISSUE } from './problems.js';
import type {
  SandboxCardType,
  SandboxCompany,
  SandboxContact,
  SandboxEntityBase,
  SandboxEntityType,
  SandboxLead,
  SandboxPipeline,
} from './types.js';
import {
  Issues,
  applyCustomFields,
  checkKeys,
  isInt,
  isObject,
  optInt,
  optString,
  requestIdOf,
  type JsonObject,
} from './validate.js';

/** A lead, a contact or a company. */
export type AnyEntity = SandboxLead | SandboxContact | SandboxCompany;

/** The entity types with custom fields, tags, notes and links. */
export const ENTITY_TYPES: readonly SandboxEntityType[] = ['leads', 'contacts', 'companies'];

/** The cards with notes, tags and links: the entities and customers. */
export const CARD_TYPES: readonly SandboxCardType[] = [...ENTITY_TYPES, 'customers'];

/** Whether a status id is one of the closing ones, the same in every pipeline. */
export const isClosedStatus = (id: number): boolean =>
  id === WON_STATUS_ID || id === LOST_STATUS_ID;

/** The keys every card's write accepts (customers add their own). */
export const COMMON_KEYS = [
  'name',
  'responsible_user_id',
  'created_by',
  'updated_by',
  'created_at',
  'updated_at',
  'custom_fields_values',
  'tags_to_add',
  'tags_to_delete',
  '_embedded',
  'request_id',
  'id',
];
const KEYS: Record<SandboxEntityType, ReadonlySet<string>> = {
  leads: new Set([
    ...COMMON_KEYS,
    'price',
    'price_with_minor_units',
    'status_id',
    'pipeline_id',
    'closed_at',
    'loss_reason_id',
    'group_id',
    'score',
    'labor_cost',
    'is_price_modified_by_robot',
    'source_id',
    'closest_task_at',
  ]),
  contacts: new Set([...COMMON_KEYS, 'first_name', 'last_name', 'group_id', 'closest_task_at']),
  companies: new Set([...COMMON_KEYS, 'group_id', 'closest_task_at']),
};
const EMBEDDED_KEYS: Record<SandboxEntityType, ReadonlySet<string>> = {
  leads: new Set(['tags', 'contacts', 'companies', 'source', 'metadata']),
  contacts: new Set(['tags', 'companies', 'leads']),
  companies: new Set(['tags', 'contacts', 'leads']),
};

/** A validated write, applied only when every item of the batch is valid. */
export interface EntityPlan {
  requestId: string;
  issues: Issues;
  apply: () => AnyEntity;
}

/** Where and how an item is written. */
export interface EntityWrite {
  mode: 'create' | 'update';
  /** The id from the path of a single `PATCH`. */
  fixedId?: number;
  /** The path prefix of issues (`_embedded.contacts.0.` for a complex lead's contact). */
  prefix?: string;
}

interface EntityOf {
  leads: SandboxLead;
  contacts: SandboxContact;
  companies: SandboxCompany;
}

/** A new lead, contact or company before the fields of the write: made now, by the token's user. */
export function blankEntity<T extends SandboxEntityType>(ctx: Ctx, type: T): EntityOf[T] {
  const entity = {
    id: 0,
    name: '',
    responsible_user_id: ctx.userId,
    group_id: 0,
    created_by: ctx.userId,
    updated_by: ctx.userId,
    created_at: ctx.now,
    updated_at: ctx.now,
    closest_task_at: null,
    is_deleted: false,
    custom_fields_values: null,
    account_id: ctx.store.account.id,
    tag_ids: [],
    ...(type === 'leads'
      ? {
          price: 0,
          status_id: 0,
          pipeline_id: 0,
          loss_reason_id: null,
          closed_at: null,
          is_unsorted: false,
          score: null,
          labor_cost: null,
        }
      : {}),
    ...(type === 'contacts' ? { first_name: '', last_name: '', is_unsorted: false } : {}),
  };
  return entity as EntityOf[T];
}

/** Validates one item of a lead, contact or company write into a plan. */
export function planEntity(
  ctx: Ctx,
  type: SandboxEntityType,
  raw: unknown,
  index: number,
  { mode, fixedId, prefix = '' }: EntityWrite,
): EntityPlan {
  const issues = new Issues();
  const requestId = requestIdOf(raw, index);
  const bad: EntityPlan = {
    requestId,
    issues,
    apply: () => {
      throw new Error('invalid plan');
    },
  };
  if (!isObject(raw)) {
    issues.add(ISSUE.type(prefix.replace(/\.$/, '') || String(index), 'array'));
    return bad;
  }
  const item = raw;
  checkKeys(item, KEYS[type], prefix, issues);
  if (item['request_id'] !== undefined && typeof item['request_id'] !== 'string')
    issues.add(ISSUE.type(`${prefix}request_id`, 'string'));

  let existing: AnyEntity | undefined;
  if (mode === 'update') {
    const id = fixedId ?? item['id'];
    if (fixedId === undefined && !isInt(id)) {
      issues.add(
        id === undefined ? ISSUE.missing(`${prefix}id`) : ISSUE.type(`${prefix}id`, 'int'),
      );
      return bad;
    }
    existing = isInt(id) ? ctx.store.entity(type, id) : undefined;
    if (!existing) {
      issues.add(ISSUE.choice(`${prefix}id`));
      return bad;
    }
  } else if (item['id'] !== undefined) issues.add(ISSUE.unexpected(`${prefix}id`));

  const next: AnyEntity = existing ? { ...existing } : blankEntity(ctx, type);
  const name = commonFields(ctx, item, next, mode, prefix, issues);
  if (type === 'leads')
    leadFields(ctx, item, next as SandboxLead, existing as SandboxLead | undefined, prefix, issues);
  if (type === 'contacts') contactNames(item, next as SandboxContact, name, prefix, issues);
  next.custom_fields_values = applyCustomFields(
    ctx.store,
    type,
    item['custom_fields_values'],
    next.custom_fields_values,
    prefix,
    issues,
  );

  let embedded: JsonObject = {};
  if (item['_embedded'] !== undefined) {
    if (isObject(item['_embedded'])) {
      embedded = item['_embedded'];
      checkKeys(embedded, EMBEDDED_KEYS[type], `${prefix}_embedded.`, issues);
    } else issues.add(ISSUE.type(`${prefix}_embedded`, 'array'));
  }
  const tags = tagOps(ctx, type, item, embedded, prefix, mode, issues);
  const links = linkOps(ctx, type, embedded, prefix, issues);

  return {
    requestId,
    issues,
    apply: () => {
      if (!existing) next.id = ctx.store.nextId(SINGULAR[type]);
      next.tag_ids = tags.reduce((current, op) => op(current), [...next.tag_ids]);
      if (!existing && type === 'leads') ctx.store.leads.insert(next as SandboxLead);
      else ctx.store.saveEntity(type, next);
      for (const op of links) op(next.id);
      ctx.events.push(...changeEvents(ctx, type, existing, next));
      return next;
    },
  };
}

/** Fields every card has (customers too); returns the sent `name`. */
export function commonFields(
  ctx: Ctx,
  item: JsonObject,
  next: SandboxEntityBase,
  mode: 'create' | 'update',
  prefix: string,
  issues: Issues,
): string | undefined {
  const name = optString(item, 'name', prefix, issues);
  if (name !== undefined) next.name = name;
  const responsible = optInt(item, 'responsible_user_id', prefix, issues);
  if (typeof responsible === 'number') {
    if (ctx.store.users.has(responsible)) next.responsible_user_id = responsible;
    else issues.add(ISSUE.choice(`${prefix}responsible_user_id`));
  }
  for (const key of ['created_by', 'updated_by', 'created_at', 'updated_at'] as const) {
    const v = optInt(item, key, prefix, issues);
    if (typeof v === 'number') next[key] = v;
  }
  if (item['updated_at'] === undefined) next.updated_at = ctx.now;
  if (item['updated_by'] === undefined && mode === 'update') next.updated_by = ctx.userId;
  const closest = optInt(item, 'closest_task_at', prefix, issues, true);
  if (closest !== undefined) next.closest_task_at = closest;
  const group = optInt(item, 'group_id', prefix, issues);
  if (typeof group === 'number') next.group_id = group;
  return name;
}

function contactNames(
  item: JsonObject,
  contact: SandboxContact,
  name: string | undefined,
  prefix: string,
  issues: Issues,
): void {
  const first = optString(item, 'first_name', prefix, issues);
  const last = optString(item, 'last_name', prefix, issues);
  if (first !== undefined) contact.first_name = first;
  if (last !== undefined) contact.last_name = last;
  if (name === undefined && (first !== undefined || last !== undefined))
    contact.name = `${contact.first_name} ${contact.last_name}`.trim();
}

/** The pipeline a lead write lands in: the sent one, the lead's own, or the main one. */
function targetPipeline(
  ctx: Ctx,
  pipelineId: number | null | undefined,
  statusId: number | null | undefined,
  existing: SandboxLead | undefined,
): SandboxPipeline | undefined {
  if (typeof pipelineId === 'number') return ctx.store.pipelines.get(pipelineId);
  if (pipelineId !== undefined) return undefined;
  let pipeline = existing
    ? ctx.store.pipelines.get(existing.pipeline_id)
    : ctx.store.mainPipeline();
  // A status id unique to another pipeline moves the lead there (won/lost need pipeline_id).
  if (
    typeof statusId === 'number' &&
    pipeline &&
    !pipeline.statuses.some((s) => s.id === statusId) &&
    !isClosedStatus(statusId)
  ) {
    for (const p of ctx.store.pipelines.values())
      if (p.statuses.some((s) => s.id === statusId)) pipeline = p;
  }
  return pipeline;
}

function leadFields(
  ctx: Ctx,
  item: JsonObject,
  lead: SandboxLead,
  existing: SandboxLead | undefined,
  prefix: string,
  issues: Issues,
): void {
  for (const key of ['price', 'price_with_minor_units'] as const) {
    const v = item[key];
    if (v === undefined) continue;
    if (v === null || (typeof v === 'number' && Number.isFinite(v))) lead.price = v;
    else issues.add(ISSUE.type(`${prefix}${key}`, 'int'));
  }
  const pipelineId = optInt(item, 'pipeline_id', prefix, issues);
  const statusId = optInt(item, 'status_id', prefix, issues);
  const pipeline = targetPipeline(ctx, pipelineId, statusId, existing);
  if (typeof pipelineId === 'number' && !pipeline) issues.add(ISSUE.choice(`${prefix}pipeline_id`));
  if (!pipeline) return;
  lead.pipeline_id = pipeline.id;
  if (typeof statusId === 'number') {
    const stage = pipeline.statuses.find((s) => s.id === statusId);
    if (!stage || stage.type === 1) issues.add(ISSUE.choice(`${prefix}status_id`));
    else lead.status_id = stage.id;
  } else if (!existing || existing.pipeline_id !== pipeline.id) {
    lead.status_id = ctx.store.firstStage(pipeline);
  }
  const closed = isClosedStatus(lead.status_id);
  const closedAt = optInt(item, 'closed_at', prefix, issues, true);
  if (closedAt !== undefined) lead.closed_at = closedAt;
  else if (
    closed &&
    (!existing || existing.closed_at === null || !isClosedStatus(existing.status_id))
  )
    lead.closed_at = ctx.now;
  else if (!closed) lead.closed_at = null;
  const lossReason = optInt(item, 'loss_reason_id', prefix, issues, true);
  if (typeof lossReason === 'number' && !ctx.store.lossReasons.has(lossReason))
    issues.add(ISSUE.choice(`${prefix}loss_reason_id`));
  else if (lossReason !== undefined) lead.loss_reason_id = lossReason;
  for (const key of ['score', 'labor_cost'] as const) {
    const v = optInt(item, key, prefix, issues, true);
    if (v !== undefined) lead[key] = v;
  }
}

type TagRef = { id?: number; name?: string };
type TagOp = (current: number[]) => number[];

function tagRefs(
  ctx: Ctx,
  type: SandboxCardType,
  value: unknown,
  path: string,
  issues: Issues,
): TagRef[] | undefined {
  if (!Array.isArray(value)) {
    issues.add(ISSUE.type(path, 'array'));
    return undefined;
  }
  const refs: TagRef[] = [];
  value.forEach((raw: unknown, i) => {
    const p = `${path}.${String(i)}`;
    if (!isObject(raw)) return issues.add(ISSUE.type(p, 'array'));
    if (raw['id'] !== undefined) {
      if (!isInt(raw['id']) || !ctx.store.tags.table(type).has(raw['id']))
        return issues.add(ISSUE.choice(`${p}.id`));
      refs.push({ id: raw['id'] });
    } else if (typeof raw['name'] === 'string' && raw['name'].trim() !== '')
      refs.push({ name: raw['name'] });
    else issues.add(ISSUE.missing(`${p}.name`));
  });
  return refs;
}

/** The tag changes of one write (`_embedded.tags`, `tags_to_add`, `tags_to_delete`), in order. */
export function tagOps(
  ctx: Ctx,
  type: SandboxCardType,
  item: JsonObject,
  embedded: JsonObject,
  prefix: string,
  mode: 'create' | 'update',
  issues: Issues,
): TagOp[] {
  const ops: TagOp[] = [];
  const resolve = (refs: TagRef[]): number[] =>
    refs.map((r) => r.id ?? ctx.store.tags.ensure(type, r.name ?? '').id);
  if ('tags' in embedded) {
    if (embedded['tags'] === null) ops.push(() => []);
    else {
      const refs = tagRefs(ctx, type, embedded['tags'], `${prefix}_embedded.tags`, issues);
      if (refs) ops.push(() => [...new Set(resolve(refs))]);
    }
  }
  if (item['tags_to_add'] !== undefined) {
    const refs = tagRefs(ctx, type, item['tags_to_add'], `${prefix}tags_to_add`, issues);
    if (refs) ops.push((current) => [...new Set([...current, ...resolve(refs)])]);
  }
  if (item['tags_to_delete'] !== undefined) {
    if (mode === 'create') issues.add(ISSUE.unexpected(`${prefix}tags_to_delete`));
    const refs = tagRefs(ctx, type, item['tags_to_delete'], `${prefix}tags_to_delete`, issues);
    if (refs) {
      ops.push((current) => {
        const drop = new Set(
          refs.flatMap((r) =>
            r.id !== undefined ? [r.id] : [ctx.store.tags.byName(type, r.name ?? '')?.id ?? -1],
          ),
        );
        return current.filter((id) => !drop.has(id));
      });
    }
  }
  return ops;
}

function linkOps(
  ctx: Ctx,
  type: SandboxEntityType,
  embedded: JsonObject,
  prefix: string,
  issues: Issues,
): Array<(id: number) => void> {
  const ops: Array<(id: number) => void> = [];
  for (const toType of ['contacts', 'companies', 'leads'] as const) {
    if (toType === type || embedded[toType] === undefined || !EMBEDDED_KEYS[type].has(toType))
      continue;
    const list = embedded[toType];
    const path = `${prefix}_embedded.${toType}`;
    if (!Array.isArray(list)) {
      issues.add(ISSUE.type(path, 'array'));
      continue;
    }
    list.forEach((raw: unknown, i) => {
      const p = `${path}.${String(i)}`;
      if (!isObject(raw) || !isInt(raw['id'])) return issues.add(ISSUE.type(`${p}.id`, 'int'));
      const toId = raw['id'];
      if (!ctx.store.entity(toType, toId)) return issues.add(ISSUE.choice(`${p}.id`));
      const metadata = raw['is_main'] === true ? { is_main: true } : null;
      ops.push((id) => ctx.store.links.attach(type, id, toType, toId, metadata));
    });
  }
  return ops;
}
