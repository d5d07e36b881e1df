/**
 * Account, users, loss reasons, custom fields and groups, and webhook subscriptions.
 *
 * @module
 */

import type { Ctx } from '../context.js';
import { MAX_WEBHOOK_SUBSCRIPTIONS } from '../limits.js';
import { ISSUE, fail, type Reply } from '../problems.js';
import { intsOf, listOf, recordOf, stringOf } from '../query.js';
import { paginate, self, withSet } from '../render.js';
import type { Router } from '../router.js';
import type {
  SandboxCustomField,
  SandboxEntityType,
  SandboxFieldEnum,
  SandboxUser,
} from '../types.js';
import {
  Issues,
  checkKeys,
  isInt,
  isObject,
  optString,
  requestIdOf,
  type JsonObject,
} from '../validate.js';
import { batchBody, runPlans } from './entities.js';

// ---------------------------------------------------------------- account

function account(ctx: Ctx): Reply {
  const a = ctx.store.account;
  const w = withSet(ctx);
  const body: Record<string, unknown> = {
    id: a.id,
    name: a.name,
    subdomain: a.subdomain,
    created_at: a.created_at,
    created_by: a.created_by,
    updated_at: a.updated_at,
    updated_by: a.updated_by,
    current_user_id: ctx.userId,
    country: a.country,
    currency: a.currency,
    currency_symbol: a.currency_symbol,
    customers_mode: a.customers_mode,
    is_unsorted_on: a.is_unsorted_on,
    is_loss_reason_enabled: a.is_loss_reason_enabled,
    is_helpbot_enabled: a.is_helpbot_enabled,
    is_technical_account: a.is_technical_account,
    contact_name_display_order: a.contact_name_display_order,
    mobile_feature_version: 0,
  };
  if (w.has('amojo_id')) body['amojo_id'] = a.amojo_id;
  if (w.has('uuid')) body['uuid'] = a.uuid;
  if (w.has('version')) body['version'] = a.version;
  if (w.has('drive_url')) body['drive_url'] = 'https://drive-c.kommo.com';
  if (w.has('is_api_filter_enabled')) body['is_api_filter_enabled'] = true;
  if (w.has('invoices_settings'))
    body['invoices_settings'] = { lang: 'en', invoices_catalog_id: null };
  if (w.has('entity_names')) {
    body['entity_names'] = {
      leads: {
        en: { singular_form: { default: 'lead' }, plural_form: { default: 'leads' }, gender: 'f' },
      },
    };
  }
  body['_links'] = self(ctx, '/api/v4/account');
  const embedded: Record<string, unknown> = {};
  if (w.has('amojo_rights'))
    embedded['amojo_rights'] = { can_direct: true, can_create_groups: true };
  if (w.has('users_groups'))
    embedded['users_groups'] = ctx.store.usersGroups.map((g) => ({ ...g }));
  if (w.has('task_types')) embedded['task_types'] = a.task_types.map((t) => ({ ...t }));
  if (w.has('datetime_settings')) {
    embedded['datetime_settings'] = {
      date_pattern: 'm/d/Y H:i',
      short_date_pattern: 'm/d/Y',
      short_time_pattern: 'H:i',
      date_format: 'm/d/Y',
      time_format: 'H:i:s',
      timezone: a.timezone,
      timezone_offset: '-05:00',
    };
  }
  if (Object.keys(embedded).length > 0) body['_embedded'] = embedded;
  return { status: 200, body };
}

// ---------------------------------------------------------------- users

function renderUser(ctx: Ctx, u: SandboxUser, w: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: u.id,
    name: u.name,
    email: u.email,
    lang: u.lang,
    rights: u.rights,
  };
  if (w.has('uuid')) out['uuid'] = u.uuid;
  if (w.has('amojo_id')) out['amojo_id'] = u.amojo_id;
  if (w.has('user_rank')) out['user_rank'] = u.user_rank;
  if (w.has('phone_number')) out['phone_number'] = u.phone_number;
  out['_links'] = self(ctx, `/api/v4/users/${String(u.id)}`);
  if (w.has('role') || w.has('group')) {
    const embedded: Record<string, unknown> = {};
    if (w.has('role')) {
      const role = ctx.store.roles.find((r) => r.id === u.rights.role_id);
      embedded['roles'] = role
        ? [{ id: role.id, name: role.name, _links: self(ctx, `/api/v4/roles/${String(role.id)}`) }]
        : [];
    }
    if (w.has('group')) {
      const group = ctx.store.usersGroups.find((g) => g.id === u.rights.group_id);
      embedded['groups'] = group ? [{ id: group.id, name: group.name }] : [];
    }
    out['_embedded'] = embedded;
  }
  return out;
}

function listUsers(ctx: Ctx): Reply {
  const w = withSet(ctx);
  return paginate(ctx, 'users', [...ctx.store.users.values()], (u) => renderUser(ctx, u, w), true);
}

function getUser(ctx: Ctx): Reply {
  const u = ctx.store.users.get(Number(ctx.params['id']));
  if (!u) return { status: 204 };
  return { status: 200, body: renderUser(ctx, u, withSet(ctx)) };
}

// ---------------------------------------------------------------- loss reasons

function lossReasons(ctx: Ctx): Reply {
  return paginate(ctx, 'loss_reasons', [...ctx.store.lossReasons.values()], (r) => ({
    ...r,
    _links: self(ctx, `/api/v4/leads/loss_reasons/${String(r.id)}`),
  }));
}

// ---------------------------------------------------------------- custom fields

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

function fieldInput(
  ctx: Ctx,
  type: SandboxEntityType,
  raw: unknown,
  index: number,
  existing?: SandboxCustomField,
) {
  const issues = new Issues();
  const requestId = requestIdOf(raw, index);
  const item: JsonObject = isObject(raw) ? raw : {};
  if (!isObject(raw)) issues.add(ISSUE.type(String(index), 'array'));
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
    apply: (): SandboxCustomField => {
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

function fieldsOf(type: SandboxEntityType) {
  return {
    list: (ctx: Ctx): Reply => {
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
        fields.sort(
          (a, b) => (a.sort - b.sort || a.id - b.id) * (order['sort'] === 'desc' ? -1 : 1),
        );
      else if (stringOf(order['id']) === 'desc') fields.reverse();
      return paginate(ctx, 'custom_fields', fields, (f) => renderField(ctx, f), true);
    },
    get: (ctx: Ctx): Reply => {
      const f = ctx.store.customFields.get(Number(ctx.params['id']));
      if (!f || f.entity_type !== type) return { status: 204 };
      return { status: 200, body: renderField(ctx, f) };
    },
    create: (ctx: Ctx): Reply => {
      const items = batchBody(ctx);
      const plans = items.map((raw, i) => fieldInput(ctx, type, raw, i));
      const created = runPlans(plans).map((f, i) => ({
        ...renderField(ctx, f),
        request_id: plans[i]?.requestId ?? String(i),
      }));
      return {
        status: 201,
        body: {
          _total_items: created.length,
          _links: self(ctx, ctx.path),
          _embedded: { custom_fields: created },
        },
      };
    },
    updateMany: (ctx: Ctx): Reply => {
      const items = batchBody(ctx);
      const plans = items.map((raw, i) => {
        const id = isObject(raw) ? raw['id'] : undefined;
        const existing = isInt(id) ? ctx.store.customFields.get(id) : undefined;
        const plan = fieldInput(
          ctx,
          type,
          raw,
          i,
          existing?.entity_type === type ? existing : undefined,
        );
        if (!existing || existing.entity_type !== type) plan.issues.add(ISSUE.choice('id'));
        return plan;
      });
      const updated = runPlans(plans).map((f, i) => ({
        ...renderField(ctx, f),
        request_id: plans[i]?.requestId ?? String(i),
      }));
      return {
        status: 200,
        body: {
          _total_items: updated.length,
          _links: self(ctx, ctx.path),
          _embedded: { custom_fields: updated },
        },
      };
    },
    updateOne: (ctx: Ctx): Reply => {
      const existing = ctx.store.customFields.get(Number(ctx.params['id']));
      if (!existing || existing.entity_type !== type) fail(404, 'Custom field not found');
      if (!isObject(ctx.body)) fail(400, 'Request data can not be empty');
      ctx.bodyItems = 1;
      const [f] = runPlans([fieldInput(ctx, type, ctx.body, 0, existing)]);
      if (!f) fail(500, 'update failed');
      return { status: 200, body: renderField(ctx, f) };
    },
    delete: (ctx: Ctx): Reply => {
      const f = ctx.store.customFields.get(Number(ctx.params['id']));
      if (!f || f.entity_type !== type) fail(404, 'Custom field not found');
      if (!f.is_deletable) fail(400, 'This field cannot be deleted');
      ctx.store.customFields.delete(f.id);
      return { status: 204 };
    },
  };
}

function groupsOf(type: SandboxEntityType) {
  const render = (ctx: Ctx, g: { id: string }): Record<string, unknown> => ({
    ...g,
    _links: self(ctx, `/api/v4/${type}/custom_fields/groups/${g.id}`),
  });
  const find = (ctx: Ctx) => {
    const g = ctx.store.fieldGroups.get(ctx.params['groupId'] ?? '');
    return g && g.entity_type === type ? g : undefined;
  };
  return {
    list: (ctx: Ctx): Reply =>
      paginate(
        ctx,
        'custom_field_groups',
        [...ctx.store.fieldGroups.values()].filter((g) => g.entity_type === type),
        (g) => render(ctx, g),
        true,
      ),
    get: (ctx: Ctx): Reply => {
      const g = find(ctx);
      return g ? { status: 200, body: render(ctx, g) } : { status: 204 };
    },
    create: (ctx: Ctx): Reply => {
      const items = batchBody(ctx);
      const plans = items.map((raw, i) => {
        const issues = new Issues();
        const item: JsonObject = isObject(raw) ? raw : {};
        if (typeof item['name'] !== 'string' || item['name'].trim() === '')
          issues.add(ISSUE.blank('name'));
        if (item['sort'] !== undefined && !isInt(item['sort']))
          issues.add(ISSUE.type('sort', 'int'));
        const requestId = requestIdOf(raw, i);
        return {
          requestId,
          issues,
          apply: () => {
            const id = `${type}_${String(ctx.store.nextId('fieldGroup', 7) + 29_741_591_000_000)}`;
            const g = {
              id,
              name: item['name'] as string,
              sort: isInt(item['sort']) ? item['sort'] : 1,
              entity_type: type,
              is_predefined: false,
              type: 'custom_field_group',
            };
            ctx.store.fieldGroups.set(id, g);
            return { ...render(ctx, g), request_id: requestId };
          },
        };
      });
      const created = runPlans(plans);
      return {
        status: 200,
        body: {
          _total_items: created.length,
          _links: self(ctx, ctx.path),
          _embedded: { custom_field_groups: created },
        },
      };
    },
    update: (ctx: Ctx): Reply => {
      const g = find(ctx);
      if (!g) fail(404, 'Group not found');
      if (!isObject(ctx.body)) fail(400, 'Request data can not be empty');
      if (typeof ctx.body['name'] === 'string') g.name = ctx.body['name'];
      if (isInt(ctx.body['sort'])) g.sort = ctx.body['sort'];
      return { status: 200, body: render(ctx, g) };
    },
    delete: (ctx: Ctx): Reply => {
      const g = find(ctx);
      if (!g) fail(404, 'Group not found');
      if (g.is_predefined) fail(400, 'This group cannot be deleted');
      ctx.store.fieldGroups.delete(g.id);
      for (const f of ctx.store.customFields.values()) if (f.group_id === g.id) f.group_id = null;
      return { status: 204 };
    },
  };
}

// ---------------------------------------------------------------- webhook subscriptions

function destinationOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : undefined;
  } catch {
    return undefined;
  }
}

function listWebhooks(ctx: Ctx): Reply {
  const destination = stringOf(recordOf(ctx.query['filter'])['destination']);
  const hooks = ctx.store.webhooks.filter(
    (h) => destination === undefined || h.destination === destination,
  );
  if (hooks.length === 0) return { status: 204 };
  return {
    status: 200,
    body: {
      _total_items: hooks.length,
      _links: self(ctx, ctx.path),
      _embedded: { webhooks: hooks.map((h) => ({ ...h, settings: [...h.settings] })) },
    },
  };
}

function subscribe(ctx: Ctx): Reply {
  if (!isObject(ctx.body)) fail(400, 'Request data can not be empty');
  ctx.bodyItems = 1;
  const item = ctx.body;
  const issues = new Issues();
  checkKeys(item, new Set(['destination', 'settings', 'sort']), '', issues);
  const destination = destinationOf(item['destination']);
  if (destination === undefined)
    issues.add(
      item['destination'] === undefined
        ? ISSUE.missing('destination')
        : ISSUE.choice('destination'),
    );
  const settings = item['settings'];
  if (
    !Array.isArray(settings) ||
    settings.length === 0 ||
    !settings.every((s) => typeof s === 'string')
  )
    issues.add(ISSUE.type('settings', 'array'));
  if (item['sort'] !== undefined && !isInt(item['sort'])) issues.add(ISSUE.type('sort', 'int'));
  runPlans([{ requestId: '0', issues, apply: () => undefined }]);
  const existing = ctx.store.webhooks.filter((h) => h.destination === destination)[0];
  if (!existing && ctx.store.webhooks.size >= MAX_WEBHOOK_SUBSCRIPTIONS)
    fail(400, `Limit of ${String(MAX_WEBHOOK_SUBSCRIPTIONS)} webhooks per account reached`);
  // An existing destination is updated (settings replaced); this also re-enables it.
  const hook = existing
    ? { ...existing, settings: [...(settings as string[])], updated_at: ctx.now, disabled: false }
    : {
        id: ctx.store.nextId('webhook', 7),
        destination: destination as string,
        created_at: ctx.now,
        updated_at: ctx.now,
        account_id: ctx.store.account.id,
        created_by: ctx.userId,
        sort: isInt(item['sort']) ? item['sort'] : ctx.store.webhooks.size + 1,
        disabled: false,
        settings: [...(settings as string[])],
      };
  if (isInt(item['sort'])) hook.sort = item['sort'];
  ctx.store.webhooks.set(hook);
  return { status: 201, body: { ...hook, settings: [...hook.settings] } };
}

function unsubscribe(ctx: Ctx): Reply {
  if (!isObject(ctx.body) || typeof ctx.body['destination'] !== 'string')
    fail(400, 'Request data can not be empty');
  const destination = ctx.body['destination'];
  const hook = ctx.store.webhooks.filter((h) => h.destination === destination)[0];
  if (!hook) fail(404, 'Webhook not found');
  ctx.store.webhooks.delete(hook.id);
  return { status: 204 };
}

/** Registers account, users, loss reasons, custom fields and webhook routes. */
export function registerAccountRoutes(router: Router): void {
  router.add('GET', '/api/v4/account', account);
  router.add('GET', '/api/v4/users', listUsers);
  router.add('GET', '/api/v4/users/:id', getUser);
  router.add('GET', '/api/v4/leads/loss_reasons', lossReasons);
  router.add('GET', '/api/v4/leads/loss_reasons/:id', (ctx) => {
    const r = ctx.store.lossReasons.get(Number(ctx.params['id']));
    return r ? { status: 200, body: { ...r, _links: self(ctx, ctx.path) } } : { status: 204 };
  });
  for (const type of ['leads', 'contacts', 'companies'] as const) {
    const f = fieldsOf(type);
    const g = groupsOf(type);
    const base = `/api/v4/${type}/custom_fields`;
    router.add('GET', base, f.list);
    router.add('POST', base, f.create);
    router.add('PATCH', base, f.updateMany);
    router.add('GET', `${base}/groups`, g.list);
    router.add('POST', `${base}/groups`, g.create);
    router.add('GET', `${base}/groups/*groupId`, g.get);
    router.add('PATCH', `${base}/groups/*groupId`, g.update);
    router.add('DELETE', `${base}/groups/*groupId`, g.delete);
    router.add('GET', `${base}/:id`, f.get);
    router.add('PATCH', `${base}/:id`, f.updateOne);
    router.add('DELETE', `${base}/:id`, f.delete);
  }
  router.add('GET', '/api/v4/webhooks', listWebhooks);
  router.add('POST', '/api/v4/webhooks', subscribe);
  router.add('DELETE', '/api/v4/webhooks', unsubscribe);
}
