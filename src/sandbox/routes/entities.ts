/**
 * Leads, contacts and companies: lists with filter/query/order/with/page/limit, get, batch
 * create and update with `request_id` echo, single PATCH, `leads/complex`, links and tags.
 *
 * @module
 */

import type { WebhookInputData } from '../../webhooks/encode.js';
import type { ChangeEvent, Ctx } from '../context.js';
import { MAX_BATCH_ITEMS, MAX_COMPLEX_ITEMS } from '../limits.js';
import {
  HttpProblem,
  ISSUE,
  fail,
  validationFailed,
  type ItemValidationErrors,
  type Reply,
} from '../problems.js';
import {
  inRange,
  intsOf,
  listOf,
  rangeOf,
  recordOf,
  recordsOf,
  stringOf,
  type Range,
} from '../query.js';
import {
  pageParams,
  pageReply,
  paginate,
  renderCompany,
  renderContact,
  renderLead,
  self,
  withSet,
} from '../render.js';
import type { Router } from '../router.js';
import { LinkStore } from '../state.js';
import type {
  SandboxCompany,
  SandboxContact,
  SandboxCustomFieldValues,
  SandboxEntityType,
  SandboxLead,
} from '../types.js';
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
} from '../validate.js';

type AnyEntity = SandboxLead | SandboxContact | SandboxCompany;
const ENTITY_TYPES: readonly SandboxEntityType[] = ['leads', 'contacts', 'companies'];
const SINGULAR: Record<SandboxEntityType, string> = {
  leads: 'lead',
  contacts: 'contact',
  companies: 'company',
};

const COMMON_KEYS = [
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
interface Plan {
  requestId: string;
  issues: Issues;
  apply: () => AnyEntity;
}

// ---------------------------------------------------------------- webhook payloads

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

function webhookData(
  ctx: Ctx,
  type: SandboxEntityType,
  e: AnyEntity,
  extra: WebhookInputData = {},
): WebhookInputData {
  const tags = ctx.store.tagsOf(type, e.id).map((t) => ({ id: t.id, name: t.name }));
  const base: Record<string, WebhookInputData[string]> = { id: e.id, name: e.name };
  if (type === 'leads') {
    const lead = e as SandboxLead;
    base['status_id'] = lead.status_id;
    if (extra['old_status_id'] !== undefined) base['old_status_id'] = extra['old_status_id'];
    base['price'] = lead.price ?? 0;
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
  if (type !== 'leads') base['type'] = type === 'contacts' ? 'contact' : 'company';
  return base;
}

function changeEvents(
  ctx: Ctx,
  type: SandboxEntityType,
  before: AnyEntity | undefined,
  after: AnyEntity,
): ChangeEvent[] {
  const single = SINGULAR[type];
  if (!before)
    return [
      {
        setting: `add_${single}`,
        entity: type,
        action: 'add',
        data: webhookData(ctx, type, after),
      },
    ];
  const events: ChangeEvent[] = [];
  const responsibleChanged = before.responsible_user_id !== after.responsible_user_id;
  const old: Record<string, number> = {};
  if (responsibleChanged) old['old_responsible_user_id'] = before.responsible_user_id;
  if (type === 'leads') {
    const b = before as SandboxLead;
    const a = after as SandboxLead;
    if (b.status_id !== a.status_id || b.pipeline_id !== a.pipeline_id) {
      const statusExtra = { old_status_id: b.status_id, old_pipeline_id: b.pipeline_id };
      events.push({
        setting: 'status_lead',
        entity: type,
        action: 'status',
        data: webhookData(ctx, type, a, statusExtra),
      });
      old['old_status_id'] = b.status_id;
    }
    if (responsibleChanged) {
      events.push({
        setting: 'responsible_lead',
        entity: type,
        action: 'responsible',
        data: webhookData(ctx, type, a, old),
      });
    }
  } else if (responsibleChanged) {
    events.push({
      setting: `responsible_${single}`,
      entity: type,
      action: 'responsible',
      data: webhookData(ctx, type, after, old),
    });
  }
  events.unshift({
    setting: `update_${single}`,
    entity: type,
    action: 'update',
    data: webhookData(ctx, type, after, old),
  });
  return events;
}

// ---------------------------------------------------------------- validation

function checkUser(
  ctx: Ctx,
  item: JsonObject,
  key: string,
  prefix: string,
  issues: Issues,
): number | undefined {
  const id = optInt(item, key, prefix, issues);
  if (id === undefined || id === null) return undefined;
  if (!ctx.store.users.has(id)) {
    issues.add(ISSUE.choice(`${prefix}${key}`));
    return undefined;
  }
  return id;
}

type TagOp = (current: number[]) => number[];

function tagRefs(
  ctx: Ctx,
  type: SandboxEntityType,
  value: unknown,
  path: string,
  issues: Issues,
): Array<{ id?: number; name?: string }> | undefined {
  if (!Array.isArray(value)) {
    issues.add(ISSUE.type(path, 'array'));
    return undefined;
  }
  const refs: Array<{ id?: number; name?: string }> = [];
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

function tagOps(
  ctx: Ctx,
  type: SandboxEntityType,
  item: JsonObject,
  embedded: JsonObject,
  prefix: string,
  mode: 'create' | 'update',
  issues: Issues,
): TagOp[] {
  const ops: TagOp[] = [];
  const resolve = (refs: Array<{ id?: number; name?: string }>): number[] =>
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

type LinkOp = (id: number) => void;

function linkOps(
  ctx: Ctx,
  type: SandboxEntityType,
  embedded: JsonObject,
  prefix: string,
  issues: Issues,
): LinkOp[] {
  const ops: LinkOp[] = [];
  const targets: Array<[string, SandboxEntityType]> = [
    ['contacts', 'contacts'],
    ['companies', 'companies'],
    ['leads', 'leads'],
  ];
  for (const [key, toType] of targets) {
    if (key === type || embedded[key] === undefined || !EMBEDDED_KEYS[type].has(key)) continue;
    const list = embedded[key];
    const path = `${prefix}_embedded.${key}`;
    if (!Array.isArray(list)) {
      issues.add(ISSUE.type(path, 'array'));
      continue;
    }
    list.forEach((raw: unknown, i) => {
      const p = `${path}.${String(i)}`;
      if (!isObject(raw) || !isInt(raw['id'])) return issues.add(ISSUE.type(`${p}.id`, 'int'));
      const toId = raw['id'];
      if (!ctx.store.entity(toType, toId)) return issues.add(ISSUE.choice(`${p}.id`));
      const isMain = raw['is_main'] === true;
      ops.push((id) => link(ctx, type, id, toType, toId, isMain ? { is_main: true } : null));
    });
  }
  return ops;
}

/** Links two entities with Kommo's rules: one company per lead/contact, one main contact. */
export function link(
  ctx: Ctx,
  type: string,
  id: number,
  toType: string,
  toId: number,
  metadata: Record<string, unknown> | null,
): Record<string, unknown> | null {
  const links = ctx.store.links;
  if (toType === 'companies' && (type === 'leads' || type === 'contacts')) {
    for (const l of links.of(type, id, 'companies'))
      if (l.to_entity_id !== toId) links.unlink(type, id, 'companies', l.to_entity_id);
  }
  if (type === 'companies' && (toType === 'leads' || toType === 'contacts')) {
    for (const l of links.of(toType, toId, 'companies'))
      if (l.to_entity_id !== id) links.unlink(toType, toId, 'companies', l.to_entity_id);
  }
  let stored: Record<string, unknown> | null = metadata;
  if ((type === 'leads' && toType === 'contacts') || (type === 'contacts' && toType === 'leads')) {
    const [leadId, contactId] = type === 'leads' ? [id, toId] : [toId, id];
    const existing = links.get('leads', leadId, 'contacts', contactId);
    const others = links.of('leads', leadId, 'contacts');
    // The first contact of a lead is its main one, as in Kommo's UI.
    const main =
      metadata?.['is_main'] === true ||
      metadata?.['main_contact'] === true ||
      (others.length === 0 && !existing) ||
      existing?.['main_contact'] === true;
    if (main) {
      for (const other of others) {
        if (other.to_entity_id !== contactId) {
          links.setMetadata('leads', leadId, 'contacts', other.to_entity_id, {
            main_contact: false,
          });
          links.setMetadata('contacts', other.to_entity_id, 'leads', leadId, {
            main_contact: false,
          });
        }
      }
    }
    stored = { main_contact: main };
    links.link('leads', leadId, 'contacts', contactId, stored);
    return stored;
  }
  links.link(type, id, toType, toId, stored, toType === 'catalog_elements' ? stored : null);
  return stored;
}

function prepare(
  ctx: Ctx,
  type: SandboxEntityType,
  raw: unknown,
  index: number,
  mode: 'create' | 'update',
  fixedId?: number,
  prefix = '',
): Plan {
  const issues = new Issues();
  const requestId = requestIdOf(raw, index);
  const bad: Plan = {
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

  const now = ctx.now;
  const next: AnyEntity = existing
    ? { ...existing }
    : {
        id: 0,
        name: '',
        responsible_user_id: ctx.userId,
        group_id: 0,
        created_by: ctx.userId,
        updated_by: ctx.userId,
        created_at: now,
        updated_at: now,
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

  const name = optString(item, 'name', prefix, issues);
  if (name !== undefined) next.name = name;
  const responsible = checkUser(ctx, item, 'responsible_user_id', prefix, issues);
  if (responsible !== undefined) next.responsible_user_id = responsible;
  for (const key of ['created_by', 'updated_by'] as const) {
    const v = optInt(item, key, prefix, issues);
    if (typeof v === 'number') next[key] = v;
  }
  for (const key of ['created_at', 'updated_at'] as const) {
    const v = optInt(item, key, prefix, issues);
    if (typeof v === 'number') next[key] = v;
  }
  if (item['updated_at'] === undefined) next.updated_at = now;
  if (item['updated_by'] === undefined && mode === 'update') next.updated_by = ctx.userId;
  const closest = optInt(item, 'closest_task_at', prefix, issues, true);
  if (closest !== undefined) next.closest_task_at = closest;
  const group = optInt(item, 'group_id', prefix, issues);
  if (typeof group === 'number') next.group_id = group;

  if (type === 'leads')
    leadFields(ctx, item, next as SandboxLead, existing as SandboxLead | undefined, prefix, issues);
  if (type === 'contacts') {
    const c = next as SandboxContact;
    const first = optString(item, 'first_name', prefix, issues);
    const last = optString(item, 'last_name', prefix, issues);
    if (first !== undefined) c.first_name = first;
    if (last !== undefined) c.last_name = last;
    if (name === undefined && (first !== undefined || last !== undefined))
      c.name = `${c.first_name} ${c.last_name}`.trim();
  }

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
      if (!existing)
        next.id = ctx.store.nextId(SINGULAR[type] === 'company' ? 'company' : SINGULAR[type]);
      next.tag_ids = tags.reduce((current, op) => op(current), [...next.tag_ids]);
      if (existing) ctx.store.saveEntity(type, next);
      else if (type === 'leads') ctx.store.leads.insert(next as SandboxLead);
      else ctx.store.saveEntity(type, next);
      for (const op of links) op(next.id);
      ctx.events.push(...changeEvents(ctx, type, existing, next));
      return next;
    },
  };
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
  let pipeline = typeof pipelineId === 'number' ? ctx.store.pipelines.get(pipelineId) : undefined;
  if (typeof pipelineId === 'number' && !pipeline) issues.add(ISSUE.choice(`${prefix}pipeline_id`));
  if (!pipeline && pipelineId === undefined) {
    pipeline = existing ? ctx.store.pipelines.get(existing.pipeline_id) : ctx.store.mainPipeline();
    // A status id unique to another pipeline moves the lead there (142/143 need pipeline_id).
    if (
      typeof statusId === 'number' &&
      pipeline &&
      !pipeline.statuses.some((s) => s.id === statusId) &&
      statusId !== 142 &&
      statusId !== 143
    ) {
      for (const p of ctx.store.pipelines.values())
        if (p.statuses.some((s) => s.id === statusId)) pipeline = p;
    }
  }
  if (!pipeline) return;
  lead.pipeline_id = pipeline.id;
  if (typeof statusId === 'number') {
    const stage = pipeline.statuses.find((s) => s.id === statusId);
    if (!stage || stage.type === 1) issues.add(ISSUE.choice(`${prefix}status_id`));
    else lead.status_id = stage.id;
  } else if (!existing || existing.pipeline_id !== pipeline.id) {
    lead.status_id = ctx.store.firstStage(pipeline);
  }
  const closed = lead.status_id === 142 || lead.status_id === 143;
  const closedAt = optInt(item, 'closed_at', prefix, issues, true);
  if (closedAt !== undefined) lead.closed_at = closedAt;
  else if (
    closed &&
    (!existing ||
      existing.closed_at === null ||
      (existing.status_id !== 142 && existing.status_id !== 143))
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

// ---------------------------------------------------------------- batch helpers

/** The array body of a batch write, with Kommo's size rules. */
export function batchBody(ctx: Ctx, max = MAX_BATCH_ITEMS): unknown[] {
  const body = ctx.body;
  if (body === undefined || body === null || (Array.isArray(body) && body.length === 0))
    fail(400, 'Request data can not be empty');
  if (!Array.isArray(body)) fail(400, 'Request body must be a JSON array of entities');
  ctx.bodyItems = body.length;
  if (body.length > max) fail(422, `Limit ${String(max)} entities per request`);
  return body;
}

/** Applies every plan, or answers 400 with the issues of the failing ones. */
export function runPlans<T>(
  plans: Array<{ requestId: string; issues: Issues; apply: () => T }>,
): T[] {
  const failed: ItemValidationErrors[] = plans
    .filter((p) => !p.issues.ok)
    .map((p) => ({ request_id: p.requestId, errors: p.issues.list }));
  if (failed.length > 0) throw new HttpProblem(validationFailed(failed));
  return plans.map((p) => p.apply());
}

function writeRef(
  ctx: Ctx,
  type: SandboxEntityType,
  e: AnyEntity,
  requestId: string,
  mode: 'create' | 'update',
): Record<string, unknown> {
  const ref: Record<string, unknown> = { id: e.id };
  if (mode === 'update') ref['updated_at'] = e.updated_at;
  if (type === 'contacts' && mode === 'create') {
    ref['is_deleted'] = false;
    ref['is_unsorted'] = false;
  }
  ref['request_id'] = requestId;
  ref['_links'] = self(ctx, `/api/v4/${type}/${String(e.id)}`);
  return ref;
}

function writeReply(ctx: Ctx, type: SandboxEntityType, refs: unknown[]): Reply {
  return {
    status: 200,
    body: { _links: self(ctx, `/api/v4/${type}`), _embedded: { [type]: refs } },
  };
}

// ---------------------------------------------------------------- lists

function digits(s: string): string {
  return s.replace(/\D+/g, '');
}

function queryMatcher(q: string): (e: AnyEntity) => boolean {
  const text = q.trim().toLowerCase();
  const qDigits = digits(text);
  const numeric = /^\d+$/.test(text);
  return (e) => {
    if (numeric && e.id === Number(text)) return true;
    if (e.name.toLowerCase().includes(text)) return true;
    if ('first_name' in e && `${e.first_name} ${e.last_name}`.toLowerCase().includes(text))
      return true;
    for (const cf of e.custom_fields_values ?? []) {
      for (const v of cf.values) {
        const value = v['value'];
        if (typeof value !== 'string' && typeof value !== 'number') continue;
        const s = String(value).toLowerCase();
        if (s.includes(text)) return true;
        // Phones are stored as typed: compare digits only ("+1 (555) 010-0001" ~ "15550100001").
        if (cf.field_code === 'PHONE' && qDigits.length >= 3 && digits(s).includes(qDigits))
          return true;
      }
    }
    return false;
  };
}

function cfMatcher(
  fieldId: number,
  node: ReturnType<typeof recordOf>[string],
): (e: AnyEntity) => boolean {
  const range =
    typeof node === 'object' && ('from' in node || 'to' in node) ? rangeOf(node) : undefined;
  const wanted = range ? [] : listOf(node);
  return (e) => {
    const cf = e.custom_fields_values?.find((c) => c.field_id === fieldId);
    if (!cf) return false;
    return cf.values.some((v) => {
      if (range)
        return inRange(typeof v['value'] === 'number' ? v['value'] : Number(v['value']), range);
      return wanted.some((w) => {
        if (typeof v['enum_id'] === 'number' && String(v['enum_id']) === w) return true;
        const value = v['value'];
        if (typeof value === 'boolean') return (w === '1' || w === 'true') === value;
        return String(value) === w;
      });
    });
  };
}

function buildFilters(ctx: Ctx, type: SandboxEntityType): Array<(e: AnyEntity) => boolean> {
  const filter = recordOf(ctx.query['filter']);
  const tests: Array<(e: AnyEntity) => boolean> = [];
  const ints = (key: string, get: (e: AnyEntity) => number): void => {
    if (filter[key] === undefined) return;
    const set = new Set(intsOf(filter[key]));
    tests.push((e) => set.has(get(e)));
  };
  ints('id', (e) => e.id);
  ints('responsible_user_id', (e) => e.responsible_user_id);
  ints('created_by', (e) => e.created_by);
  ints('updated_by', (e) => e.updated_by);
  if (filter['name'] !== undefined) {
    const names = new Set(listOf(filter['name']).map((n) => n.toLowerCase()));
    tests.push((e) => names.has(e.name.toLowerCase()));
  }
  const ranges: Array<[string, (e: AnyEntity) => number | null]> = [
    ['created_at', (e) => e.created_at],
    ['updated_at', (e) => e.updated_at],
    ['closest_task_at', (e) => e.closest_task_at],
  ];
  if (type === 'leads') {
    ranges.push(
      ['closed_at', (e) => (e as SandboxLead).closed_at],
      ['price', (e) => (e as SandboxLead).price],
    );
    ints('pipeline_id', (e) => (e as SandboxLead).pipeline_id);
    const statuses = recordsOf(filter['statuses']).flatMap((r) => {
      const p = Number(stringOf(r['pipeline_id']));
      const s = Number(stringOf(r['status_id']));
      return Number.isSafeInteger(p) && Number.isSafeInteger(s) ? [[p, s] as const] : [];
    });
    if (filter['statuses'] !== undefined) {
      tests.push((e) =>
        statuses.some(
          ([p, s]) => (e as SandboxLead).pipeline_id === p && (e as SandboxLead).status_id === s,
        ),
      );
    }
  }
  for (const [key, get] of ranges) {
    const range: Range | undefined = rangeOf(filter[key]);
    if (range) tests.push((e) => inRange(get(e), range));
  }
  const cf = recordOf(filter['custom_fields_values']);
  for (const [fieldId, node] of Object.entries(cf)) {
    if (/^\d+$/.test(fieldId)) tests.push(cfMatcher(Number(fieldId), node));
  }
  const q = stringOf(ctx.query['query']);
  if (q !== undefined && q.trim() !== '') tests.push(queryMatcher(q));
  return tests;
}

const ORDER_KEYS: Record<SandboxEntityType, ReadonlySet<string>> = {
  leads: new Set(['created_at', 'updated_at', 'id']),
  contacts: new Set(['updated_at', 'id']),
  companies: new Set(['updated_at', 'id']),
};

function orderOf(
  ctx: Ctx,
  type: SandboxEntityType,
): { key: 'id' | 'created_at' | 'updated_at'; desc: boolean } | undefined {
  const order = recordOf(ctx.query['order']);
  for (const [key, dir] of Object.entries(order)) {
    if (ORDER_KEYS[type].has(key) && typeof dir === 'string') {
      return { key: key as 'id' | 'created_at' | 'updated_at', desc: dir.toLowerCase() === 'desc' };
    }
  }
  return undefined;
}

function render(
  ctx: Ctx,
  type: SandboxEntityType,
  e: AnyEntity,
  w: Set<string>,
): Record<string, unknown> {
  if (type === 'leads') return renderLead(ctx, e as SandboxLead, w);
  if (type === 'contacts') return renderContact(ctx, e as SandboxContact, w);
  return renderCompany(ctx, e, w);
}

function list(type: SandboxEntityType) {
  return (ctx: Ctx): Reply => {
    const w = withSet(ctx);
    if (w.has('only_deleted')) return { status: 204 }; // the trash is always empty here
    const { page, limit } = pageParams(ctx);
    const tests = buildFilters(ctx, type);
    const order = orderOf(ctx, type);
    const start = (page - 1) * limit;
    if (type === 'leads' && tests.length === 0 && (order === undefined || order.key === 'id')) {
      // Fast path for plain paging: straight from the id index, nothing generated but the page.
      const leads = ctx.store.leads;
      const size = leads.size;
      const items: unknown[] = [];
      for (let i = start; i < Math.min(size, start + limit); i++) {
        const id = leads.idAt(order?.desc ? size - 1 - i : i);
        const lead = id === undefined ? undefined : leads.get(id);
        if (lead) items.push(renderLead(ctx, lead, w));
      }
      return pageReply(ctx, type, items, page, limit, start + limit < size);
    }
    const source: Iterable<AnyEntity> =
      type === 'leads'
        ? ctx.store.leads.values()
        : type === 'contacts'
          ? ctx.store.contacts.values()
          : ctx.store.companies.values();
    const matches: AnyEntity[] = [];
    for (const e of source) if (tests.every((t) => t(e))) matches.push(e);
    if (order) {
      const { key, desc } = order;
      matches.sort((a, b) => (a[key] - b[key] || a.id - b.id) * (desc ? -1 : 1));
    }
    const slice = matches.slice(start, start + limit).map((e) => render(ctx, type, e, w));
    return pageReply(ctx, type, slice, page, limit, start + limit < matches.length);
  };
}

function entityIdParam(ctx: Ctx): number {
  return Number(ctx.params['id']);
}

function getOne(type: SandboxEntityType) {
  return (ctx: Ctx): Reply => {
    const e = ctx.store.entity(type, entityIdParam(ctx));
    if (!e) return { status: 204 };
    return { status: 200, body: render(ctx, type, e, withSet(ctx)) };
  };
}

function create(type: SandboxEntityType) {
  return (ctx: Ctx): Reply => {
    const items = batchBody(ctx);
    const plans = items.map((item, i) => prepare(ctx, type, item, i, 'create'));
    const created = runPlans(plans);
    return writeReply(
      ctx,
      type,
      created.map((e, i) => writeRef(ctx, type, e, plans[i]?.requestId ?? String(i), 'create')),
    );
  };
}

function updateMany(type: SandboxEntityType) {
  return (ctx: Ctx): Reply => {
    const items = batchBody(ctx);
    const plans = items.map((item, i) => prepare(ctx, type, item, i, 'update'));
    const updated = runPlans(plans);
    return writeReply(
      ctx,
      type,
      updated.map((e, i) => writeRef(ctx, type, e, plans[i]?.requestId ?? String(i), 'update')),
    );
  };
}

function updateOne(type: SandboxEntityType) {
  return (ctx: Ctx): Reply => {
    // An array sent to /{id} is refused with 405 by Kommo (amocrm-api-php #329).
    if (Array.isArray(ctx.body)) fail(405, 'Method Not Allowed');
    if (!isObject(ctx.body) || Object.keys(ctx.body).length === 0)
      fail(400, 'Request data can not be empty');
    ctx.bodyItems = 1;
    const id = entityIdParam(ctx);
    if (!ctx.store.entity(type, id))
      fail(404, `${SINGULAR[type][0]?.toUpperCase() ?? ''}${SINGULAR[type].slice(1)} not found`);
    const plan = prepare(ctx, type, ctx.body, 0, 'update', id);
    const [e] = runPlans([plan]);
    if (!e) fail(500, 'update failed');
    // Kommo wraps even a single update in `_embedded` (kommo-api.md §3.6).
    return writeReply(ctx, type, [writeRef(ctx, type, e, plan.requestId, 'update')]);
  };
}

// ---------------------------------------------------------------- complex

function complex(ctx: Ctx): Reply {
  const items = batchBody(ctx, MAX_COMPLEX_ITEMS);
  const plans = items.map((raw, i) => {
    const requestId = requestIdOf(raw, i);
    const issues = new Issues();
    const item: JsonObject = isObject(raw) ? { ...raw } : {};
    const embedded: JsonObject = isObject(item['_embedded']) ? { ...item['_embedded'] } : {};
    const contacts = embedded['contacts'];
    const companies = embedded['companies'];
    delete embedded['contacts'];
    delete embedded['companies'];
    delete embedded['metadata'];
    delete embedded['source'];
    if (isObject(raw)) item['_embedded'] = embedded;
    const leadPlan = prepare(ctx, 'leads', isObject(raw) ? item : raw, i, 'create');
    issues.list.push(...leadPlan.issues.list);
    const sub = (value: unknown, type: 'contacts' | 'companies'): (() => number | null) => {
      if (value === undefined) return () => null;
      if (!Array.isArray(value) || value.length > 1) {
        issues.add(ISSUE.type(`_embedded.${type}`, 'array'));
        return () => null;
      }
      const first: unknown = value[0];
      if (first === undefined) return () => null;
      if (isObject(first) && isInt(first['id'])) {
        const id = first['id'];
        if (!ctx.store.entity(type, id)) issues.add(ISSUE.choice(`_embedded.${type}.0.id`));
        return () => id;
      }
      const plan = prepare(ctx, type, first, 0, 'create', undefined, `_embedded.${type}.0.`);
      issues.list.push(...plan.issues.list);
      return () => plan.apply().id;
    };
    const contact = sub(contacts, 'contacts');
    const company = sub(companies, 'companies');
    return {
      requestId,
      issues,
      apply: () => {
        const lead = leadPlan.apply();
        const contactId = contact();
        const companyId = company();
        if (contactId !== null)
          link(ctx, 'leads', lead.id, 'contacts', contactId, { is_main: true });
        if (companyId !== null) link(ctx, 'leads', lead.id, 'companies', companyId, null);
        // A new contact and company of one complex lead are linked to each other.
        if (contactId !== null && companyId !== null)
          link(ctx, 'contacts', contactId, 'companies', companyId, null);
        return {
          id: lead.id,
          contact_id: contactId,
          company_id: companyId,
          request_id: [requestId],
          merged: false,
        };
      },
    };
  });
  // Kommo answers complex with a plain JSON array, not HAL.
  return { status: 200, body: runPlans(plans) };
}

// ---------------------------------------------------------------- links

const LINK_TARGETS = new Set(['leads', 'contacts', 'companies', 'customers', 'catalog_elements']);

function renderLinks(ctx: Ctx, path: string, links: ReturnType<LinkStore['of']>): Reply {
  if (links.length === 0) return { status: 204 };
  return {
    status: 200,
    body: {
      _total_items: links.length,
      _links: self(ctx, path),
      _embedded: {
        links: links.map((l) => ({
          entity_id: l.entity_id,
          entity_type: l.entity_type,
          to_entity_id: l.to_entity_id,
          to_entity_type: l.to_entity_type,
          metadata: l.metadata,
        })),
      },
    },
  };
}

function linkFilter(
  ctx: Ctx,
): (l: {
  to_entity_id: number;
  to_entity_type: string;
  metadata: Record<string, unknown> | null;
}) => boolean {
  const filter = recordOf(ctx.query['filter']);
  const toIds =
    filter['to_entity_id'] === undefined ? undefined : new Set(intsOf(filter['to_entity_id']));
  const toType = stringOf(filter['to_entity_type']);
  const catalog = stringOf(filter['to_catalog_id']);
  return (l) =>
    (toIds === undefined || toIds.has(l.to_entity_id)) &&
    (toType === undefined || l.to_entity_type === toType) &&
    (catalog === undefined || String(l.metadata?.['catalog_id']) === catalog);
}

function linksOfOne(type: SandboxEntityType) {
  return (ctx: Ctx): Reply => {
    const id = entityIdParam(ctx);
    if (!ctx.store.entity(type, id)) return { status: 204 };
    return renderLinks(ctx, ctx.path, ctx.store.links.of(type, id).filter(linkFilter(ctx)));
  };
}

function linksOfMany(type: SandboxEntityType) {
  return (ctx: Ctx): Reply => {
    const ids = intsOf(recordOf(ctx.query['filter'])['entity_id']);
    if (ids.length === 0) fail(400, 'filter[entity_id] is required');
    const test = linkFilter(ctx);
    return renderLinks(
      ctx,
      ctx.path,
      ids.flatMap((id) => ctx.store.links.of(type, id).filter(test)),
    );
  };
}

function linkWrite(type: SandboxEntityType, action: 'link' | 'unlink', scoped: boolean) {
  return (ctx: Ctx): Reply => {
    const items = batchBody(ctx);
    const fixed = scoped ? entityIdParam(ctx) : undefined;
    if (fixed !== undefined && !ctx.store.entity(type, fixed))
      fail(404, `${SINGULAR[type]} not found`);
    const plans = items.map((raw, i) => {
      const issues = new Issues();
      const requestId = requestIdOf(raw, i);
      const item: JsonObject = isObject(raw) ? raw : {};
      if (!isObject(raw)) issues.add(ISSUE.type(String(i), 'array'));
      const id = fixed ?? item['entity_id'];
      if (fixed === undefined && (!isInt(id) || !ctx.store.entity(type, id)))
        issues.add(ISSUE.choice('entity_id'));
      const toType = item['to_entity_type'];
      const toId = item['to_entity_id'];
      if (typeof toType !== 'string' || !LINK_TARGETS.has(toType) || toType === type)
        issues.add(ISSUE.choice('to_entity_type'));
      if (!isInt(toId)) issues.add(ISSUE.type('to_entity_id', 'int'));
      else if (
        typeof toType === 'string' &&
        (toType === 'leads' || toType === 'contacts' || toType === 'companies') &&
        !ctx.store.entity(toType, toId)
      ) {
        issues.add(ISSUE.choice('to_entity_id'));
      }
      const metadata =
        item['metadata'] === undefined || item['metadata'] === null
          ? null
          : isObject(item['metadata'])
            ? item['metadata']
            : undefined;
      if (metadata === undefined) issues.add(ISSUE.type('metadata', 'array'));
      return {
        requestId,
        issues,
        apply: () => {
          const from = id as number;
          const to = toId as number;
          const target = toType as string;
          if (action === 'unlink') {
            ctx.store.links.unlink(type, from, target, to);
            return undefined;
          }
          const stored = link(ctx, type, from, target, to, metadata ?? null);
          return {
            entity_id: from,
            entity_type: type,
            to_entity_id: to,
            to_entity_type: target,
            metadata: stored,
          };
        },
      };
    });
    const results = runPlans(plans);
    if (action === 'unlink') return { status: 204 };
    return {
      status: 200,
      body: {
        _total_items: results.length,
        _links: self(ctx, ctx.path),
        _embedded: { links: results },
      },
    };
  };
}

// ---------------------------------------------------------------- tags

function tagsList(type: SandboxEntityType) {
  return (ctx: Ctx): Reply => {
    const filter = recordOf(ctx.query['filter']);
    const name = stringOf(filter['name'])?.toLowerCase();
    const ids = filter['id'] === undefined ? undefined : new Set(intsOf(filter['id']));
    const q = stringOf(ctx.query['query'])?.toLowerCase();
    const tags = [...ctx.store.tags.table(type).values()].filter(
      (t) =>
        (name === undefined || t.name.toLowerCase() === name) &&
        (ids === undefined || ids.has(t.id)) &&
        (q === undefined || t.name.toLowerCase().includes(q)),
    );
    return paginate(ctx, 'tags', tags, (t) => ({ ...t }));
  };
}

function tagsCreate(type: SandboxEntityType) {
  return (ctx: Ctx): Reply => {
    const items = batchBody(ctx);
    const plans = items.map((raw, i) => {
      const issues = new Issues();
      const requestId = requestIdOf(raw, i);
      const item: JsonObject = isObject(raw) ? raw : {};
      if (typeof item['name'] !== 'string' || item['name'].trim() === '')
        issues.add(ISSUE.blank('name'));
      const color = item['color'];
      if (color !== undefined && color !== null && typeof color !== 'string')
        issues.add(ISSUE.type('color', 'string'));
      return {
        requestId,
        issues,
        apply: () => {
          const tag = ctx.store.tags.ensure(
            type,
            item['name'] as string,
            typeof color === 'string' ? color : null,
          );
          return { ...tag, request_id: requestId };
        },
      };
    });
    const tags = runPlans(plans);
    return {
      status: 200,
      body: { _total_items: tags.length, _links: self(ctx, ctx.path), _embedded: { tags } },
    };
  };
}

/** Registers the routes of leads, contacts and companies. */
export function registerEntityRoutes(router: Router): void {
  router.add('POST', '/api/v4/leads/complex', complex);
  for (const type of ENTITY_TYPES) {
    const base = `/api/v4/${type}`;
    router.add('GET', base, list(type));
    router.add('POST', base, create(type));
    router.add('PATCH', base, updateMany(type));
    router.add('GET', `${base}/:id`, getOne(type));
    router.add('PATCH', `${base}/:id`, updateOne(type));
    router.add('GET', `${base}/:id/links`, linksOfOne(type));
    router.add('POST', `${base}/:id/link`, linkWrite(type, 'link', true));
    router.add('POST', `${base}/:id/unlink`, linkWrite(type, 'unlink', true));
    router.add('GET', `${base}/links`, linksOfMany(type));
    router.add('POST', `${base}/link`, linkWrite(type, 'link', false));
    router.add('POST', `${base}/unlink`, linkWrite(type, 'unlink', false));
    router.add('GET', `${base}/tags`, tagsList(type));
    router.add('POST', `${base}/tags`, tagsCreate(type));
  }
}
