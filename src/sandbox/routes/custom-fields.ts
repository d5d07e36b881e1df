/**
 * Custom fields and their groups, per entity type (the cards, customer segments, catalogs'
 * groups): list (`filter[type]`, `filter[id]`, `order`), get, batch create and update, single
 * `PATCH`, delete; groups with string ids.
 *
 * @module
 */

import type { Ctx } from '../context.js';
import { CARD_TYPES } from '../entities.js';
import { ISSUE, fail, type Reply } from '../problems.js';
import { intsOf, listOf, recordOf, stringOf } from '../query.js';
import { paginate, self } from '../render.js';
import { family, forEach, type RouteTable } from '../router.js';
import type {
  SandboxCustomField,
  SandboxCustomFieldGroup,
  SandboxFieldEntityType,
  SandboxFieldEnum,
} from '../types.js';
import { checkKeys, isInt, isObject, optString } from '../validate.js';
import {
  batch,
  batchBody,
  idParam,
  itemOf,
  itemReply,
  listReply,
  objectBody,
  runPlans,
  type Plan,
} from './shared.js';

const FIELD_TYPES = new Set([
  'text',
  'numeric',
  'checkbox',
  'select',
  'multiselect',
  'date',
  'url',
  'textarea',
  'radiobutton',
  'streetaddress',
  'smart_address',
  'birthday',
  'legal_entity',
  'date_time',
  'price',
  'category',
  'items',
  'tracking_data',
  'linked_entity',
  'chained_list',
  'monetary',
  'file',
  'payer',
  'supplier',
  'multitext',
]);
const ENUM_TYPES = new Set(['select', 'multiselect', 'radiobutton', 'multitext', 'category']);
const FIELD_KEYS = new Set([
  'id',
  'name',
  'type',
  'code',
  'sort',
  'group_id',
  'is_api_only',
  'required_statuses',
  'settings',
  'is_visible',
  'is_required',
  'remind',
  'enums',
  'nested',
  'tracking_callback',
  'hidden_statuses',
  'chained_lists',
  'search_in',
  'currency',
  'request_id',
]);

function renderField(ctx: Ctx, f: SandboxCustomField): Record<string, unknown> {
  const { is_computed, ...fields } = f;
  return {
    ...fields,
    triggers: [],
    ...(f.entity_type === 'leads' ? { is_computed } : {}),
    _links: self(ctx, `/api/v4/${f.entity_type}/custom_fields/${String(f.id)}`),
  };
}

function planField(
  ctx: Ctx,
  type: SandboxFieldEntityType,
  raw: unknown,
  index: number,
  existing?: SandboxCustomField,
): Plan<SandboxCustomField> {
  const { item, requestId, issues } = itemOf(raw, index, true);
  checkKeys(item, FIELD_KEYS, '', issues);
  const fieldType = existing?.type ?? item['type'];
  if (!existing) {
    if (typeof fieldType !== 'string' || !FIELD_TYPES.has(fieldType))
      issues.add(fieldType === undefined ? ISSUE.missing('type') : ISSUE.choice('type'));
    if (typeof item['name'] !== 'string' || item['name'].trim() === '')
      issues.add(ISSUE.blank('name'));
  } else if (item['type'] !== undefined && item['type'] !== existing.type)
    issues.add(ISSUE.choice('type'));
  const name = optString(item, 'name', '', issues);
  const code = item['code'] === null ? null : optString(item, 'code', '', issues);
  if (item['sort'] !== undefined && !isInt(item['sort'])) issues.add(ISSUE.type('sort', 'int'));
  const groupId = item['group_id'];
  if (
    groupId !== undefined &&
    groupId !== null &&
    (typeof groupId !== 'string' || !ctx.store.fieldGroups.has(groupId))
  )
    issues.add(ISSUE.choice('group_id'));
  let enums: Array<{ id?: number; value: string; sort: number; code?: string | null }> | undefined;
  if (item['enums'] !== undefined) {
    if (!Array.isArray(item['enums'])) issues.add(ISSUE.type('enums', 'array'));
    else {
      enums = [];
      item['enums'].forEach((e: unknown, i) => {
        if (!isObject(e) || typeof e['value'] !== 'string')
          return issues.add(ISSUE.type(`enums.${String(i)}.value`, 'string'));
        enums?.push({
          ...(isInt(e['id']) ? { id: e['id'] } : {}),
          value: e['value'],
          sort: isInt(e['sort']) ? e['sort'] : (i + 1) * 10,
          ...(typeof e['code'] === 'string' || e['code'] === null ? { code: e['code'] } : {}),
        });
      });
    }
  }
  if (
    !existing &&
    typeof fieldType === 'string' &&
    ENUM_TYPES.has(fieldType) &&
    fieldType !== 'multitext' &&
    (enums === undefined || enums.length === 0)
  ) {
    issues.add(ISSUE.missing('enums'));
  }
  return {
    requestId,
    issues,
    apply: () => {
      const toEnums = (list: typeof enums): SandboxFieldEnum[] | null =>
        list === undefined
          ? null
          : list.map((e) => ({
              id: e.id ?? ctx.store.nextId('enum'),
              value: e.value,
              sort: e.sort,
              ...(e.code !== undefined ? { code: e.code } : {}),
            }));
      const f: SandboxCustomField = existing
        ? { ...existing }
        : {
            id: ctx.store.nextId('customField'),
            name: '',
            type: fieldType as string,
            account_id: ctx.store.account.id,
            code: null,
            sort: 500,
            is_api_only: false,
            enums: null,
            group_id: null,
            required_statuses: [],
            is_deletable: true,
            is_predefined: false,
            entity_type: type,
            remind: null,
            currency: null,
            hidden_statuses: [],
            is_computed: false,
          };
      if (name !== undefined) f.name = name;
      if (code !== undefined) f.code = code;
      if (isInt(item['sort'])) f.sort = item['sort'];
      if (groupId === null || typeof groupId === 'string') f.group_id = groupId;
      if (typeof item['is_api_only'] === 'boolean') f.is_api_only = item['is_api_only'];
      if (typeof item['remind'] === 'string') f.remind = item['remind'];
      if (typeof item['currency'] === 'string') f.currency = item['currency'];
      if (enums !== undefined) f.enums = toEnums(enums);
      ctx.store.customFields.set(f);
      return f;
    },
  };
}

function listFields(ctx: Ctx, type: SandboxFieldEntityType): Reply {
  const filter = recordOf(ctx.query['filter']);
  const types = filter['type'] === undefined ? undefined : new Set(listOf(filter['type']));
  const ids = filter['id'] === undefined ? undefined : new Set(intsOf(filter['id']));
  const fields = ctx.store
    .fieldsOf(type)
    .filter(
      (f) => (types === undefined || types.has(f.type)) && (ids === undefined || ids.has(f.id)),
    );
  const order = recordOf(ctx.query['order']);
  if (stringOf(order['sort']) !== undefined)
    fields.sort((a, b) => (a.sort - b.sort || a.id - b.id) * (order['sort'] === 'desc' ? -1 : 1));
  else if (stringOf(order['id']) === 'desc') fields.reverse();
  return paginate(ctx, 'custom_fields', fields, (f) => renderField(ctx, f), true);
}

/** The field of the path, when it is one of `type`'s. */
function fieldOf(ctx: Ctx, type: SandboxFieldEntityType): SandboxCustomField | undefined {
  const f = ctx.store.customFields.get(idParam(ctx));
  return f?.entity_type === type ? f : undefined;
}

/** Plans a batch update item: its `id` must name a field of `type`. */
function planFieldUpdate(
  ctx: Ctx,
  type: SandboxFieldEntityType,
  raw: unknown,
  i: number,
): Plan<SandboxCustomField> {
  const id = isObject(raw) ? raw['id'] : undefined;
  const existing = isInt(id) ? ctx.store.customFields.get(id) : undefined;
  const own = existing?.entity_type === type ? existing : undefined;
  const plan = planField(ctx, type, raw, i, own);
  if (!own) plan.issues.add(ISSUE.choice('id'));
  return plan;
}

function writeFields(ctx: Ctx, type: SandboxFieldEntityType, mode: 'create' | 'update'): Reply {
  const plans = batchBody(ctx).map((raw, i) =>
    mode === 'create' ? planField(ctx, type, raw, i) : planFieldUpdate(ctx, type, raw, i),
  );
  const items = runPlans(plans).map((f, i) => ({
    ...renderField(ctx, f),
    request_id: plans[i]?.requestId ?? String(i),
  }));
  return listReply(ctx, 'custom_fields', items, { status: mode === 'create' ? 201 : 200 });
}

function updateField(ctx: Ctx, type: SandboxFieldEntityType): Reply {
  const existing = fieldOf(ctx, type);
  if (!existing) fail(404, 'Custom field not found');
  const body = objectBody(ctx);
  const [f] = runPlans([planField(ctx, type, body, 0, existing)]);
  if (!f) fail(500, 'update failed');
  return { status: 200, body: renderField(ctx, f) };
}

function deleteField(ctx: Ctx, type: SandboxFieldEntityType): Reply {
  const f = fieldOf(ctx, type);
  if (!f) fail(404, 'Custom field not found');
  if (!f.is_deletable) fail(400, 'This field cannot be deleted');
  ctx.store.customFields.delete(f.id);
  return { status: 204 };
}

// ---------------------------------------------------------------- groups

function renderGroup(ctx: Ctx, g: SandboxCustomFieldGroup): Record<string, unknown> {
  return { ...g, _links: self(ctx, `/api/v4/${g.entity_type}/custom_fields/groups/${g.id}`) };
}

function groupOf(ctx: Ctx, type: SandboxFieldEntityType): SandboxCustomFieldGroup | undefined {
  const g = ctx.store.fieldGroups.get(ctx.params['groupId'] ?? '');
  return g && g.entity_type === type ? g : undefined;
}

function planGroup(
  ctx: Ctx,
  type: SandboxFieldEntityType,
  raw: unknown,
  i: number,
): Plan<Record<string, unknown>> {
  const { item, requestId, issues } = itemOf(raw, i);
  if (typeof item['name'] !== 'string' || item['name'].trim() === '')
    issues.add(ISSUE.blank('name'));
  if (item['sort'] !== undefined && !isInt(item['sort'])) issues.add(ISSUE.type('sort', 'int'));
  return {
    requestId,
    issues,
    apply: () => {
      // Group ids are safe words: a catalog's `catalogs/7301` becomes `catalogs_7301_…`.
      const id = `${type.replace('/', '_')}_${String(ctx.store.nextId('fieldGroup', 7) + 29_741_591_000_000)}`;
      const g: SandboxCustomFieldGroup = {
        id,
        name: item['name'] as string,
        sort: isInt(item['sort']) ? item['sort'] : 1,
        entity_type: type,
        is_predefined: false,
        type: 'custom_field_group',
      };
      ctx.store.fieldGroups.set(id, g);
      return { ...renderGroup(ctx, g), request_id: requestId };
    },
  };
}

function updateGroup(ctx: Ctx, type: SandboxFieldEntityType): Reply {
  const g = groupOf(ctx, type);
  if (!g) fail(404, 'Group not found');
  if (!isObject(ctx.body)) fail(400, 'Request data can not be empty');
  if (typeof ctx.body['name'] === 'string') g.name = ctx.body['name'];
  if (isInt(ctx.body['sort'])) g.sort = ctx.body['sort'];
  return { status: 200, body: renderGroup(ctx, g) };
}

function deleteGroup(ctx: Ctx, type: SandboxFieldEntityType): Reply {
  const g = groupOf(ctx, type);
  if (!g) fail(404, 'Group not found');
  if (g.is_predefined) fail(400, 'This group cannot be deleted');
  ctx.store.fieldGroups.delete(g.id);
  for (const f of ctx.store.customFields.values()) if (f.group_id === g.id) f.group_id = null;
  return { status: 204 };
}

function fieldRoutes(type: SandboxFieldEntityType): RouteTable {
  const base = `/api/v4/${type}/custom_fields`;
  return {
    [`GET ${base}`]: (ctx) => listFields(ctx, type),
    [`POST ${base}`]: (ctx) => writeFields(ctx, type, 'create'),
    [`PATCH ${base}`]: (ctx) => writeFields(ctx, type, 'update'),
    [`GET ${base}/:id`]: (ctx) => itemReply(fieldOf(ctx, type), (f) => renderField(ctx, f)),
    [`PATCH ${base}/:id`]: (ctx) => updateField(ctx, type),
    [`DELETE ${base}/:id`]: (ctx) => deleteField(ctx, type),
  };
}

/**
 * The group routes under `base` (`/api/v4/<type>/custom_fields`), for the entity type
 * `typeOf` finds in the request (a catalog's is in its path).
 */
function groupRoutes(base: string, typeOf: (ctx: Ctx) => SandboxFieldEntityType): RouteTable {
  return {
    [`GET ${base}/groups`]: (ctx) => {
      const type = typeOf(ctx);
      const groups = [...ctx.store.fieldGroups.values()].filter((g) => g.entity_type === type);
      return paginate(ctx, 'custom_field_groups', groups, (g) => renderGroup(ctx, g), true);
    },
    [`POST ${base}/groups`]: (ctx) => {
      const type = typeOf(ctx);
      return listReply(
        ctx,
        'custom_field_groups',
        batch(ctx, (raw, i) => planGroup(ctx, type, raw, i)),
      );
    },
    [`GET ${base}/groups/*groupId`]: (ctx) =>
      itemReply(groupOf(ctx, typeOf(ctx)), (g) => renderGroup(ctx, g)),
    [`PATCH ${base}/groups/*groupId`]: (ctx) => updateGroup(ctx, typeOf(ctx)),
    [`DELETE ${base}/groups/*groupId`]: (ctx) => deleteGroup(ctx, typeOf(ctx)),
  };
}

/** The catalog of a `/api/v4/catalogs/:catalogId/…` path, as a field entity type (404 when unknown). */
function catalogType(ctx: Ctx): SandboxFieldEntityType {
  const id = idParam(ctx, 'catalogId');
  if (!ctx.store.catalogs.has(id)) fail(404, 'Catalog not found');
  return `catalogs/${id}`;
}

/**
 * The custom fields of leads, contacts, companies, customers and customer segments, and the
 * field groups of the cards and of catalogs (segments have none).
 */
export const customFields = family('custom-fields', {
  ...forEach([...CARD_TYPES, 'customers/segments'], fieldRoutes),
  ...forEach(CARD_TYPES, (type) => groupRoutes(`/api/v4/${type}/custom_fields`, () => type)),
  ...groupRoutes('/api/v4/catalogs/:catalogId/custom_fields', catalogType),
});
