/**
 * Customers (periodic purchases): the mode switch, customers (list, get, batch create and
 * update, single `PATCH`), the statuses of the customers pipeline, segments, transactions and
 * bonus points. Customers' notes, tags, links and custom fields are served by those families.
 *
 * Where Kommo is silent the sandbox picks: new customers land in the default status
 * (`Purchase expected`); statuses answer 422 outside periodicity mode and segments outside
 * segments mode, customers work in any mode; redeeming more points than the balance is a 400;
 * purchases accrue no points (that is the account's loyalty settings), so `accrue_bonus` is
 * accepted and ignored.
 *
 * @module
 */

import { MAX_CUSTOMER_SEGMENTS, MAX_CUSTOMER_STATUSES, SEGMENT_COLORS } from '../../facts.js';
import { changeEvents } from '../changes.js';
import type { Ctx } from '../context.js';
import { COMMON_KEYS, commonFields, tagOps } from '../entities.js';
import {
  customersOf,
  type SandboxCustomer,
  type SandboxCustomerSegment,
  type SandboxCustomerStatus,
  type SandboxTransaction,
} from '../models/customers.js';
import { ISSUE, fail, type Reply } from '../problems.js';
import { intsOf, recordOf, stringOf } from '../query.js';
import { paginate, renderCustomer, self, withSet } from '../render.js';
import { family, type RouteTable } from '../router.js';
import {
  Issues,
  applyCustomFields,
  checkKeys,
  isInt,
  isObject,
  optInt,
  optString,
  type JsonObject,
} from '../validate.js';
import {
  batch,
  check,
  idParam,
  itemOf,
  itemReply,
  listReply,
  objectBody,
  runPlans,
  withRequestId,
  type Plan,
} from './shared.js';

const BASE = '/api/v4/customers';

// ---------------------------------------------------------------- customers

const CUSTOMER_KEYS = new Set([
  ...COMMON_KEYS,
  'next_price',
  'next_date',
  'status_id',
  'periodicity',
]);
const CUSTOMER_EMBEDDED_KEYS = new Set(['tags', 'segments']);

function blankCustomer(ctx: Ctx): SandboxCustomer {
  return {
    id: 0,
    name: '',
    next_price: 0,
    next_date: 0,
    responsible_user_id: ctx.userId,
    group_id: 0,
    status_id: customersOf(ctx.store).defaultStatus()?.id ?? null,
    periodicity: 0,
    created_by: ctx.userId,
    updated_by: ctx.userId,
    created_at: ctx.now,
    updated_at: ctx.now,
    closest_task_at: null,
    is_deleted: false,
    ltv: 0,
    purchases_count: 0,
    average_check: 0,
    custom_fields_values: null,
    account_id: ctx.store.account.id,
    tag_ids: [],
    segment_ids: [],
  };
}

function planCustomer(
  ctx: Ctx,
  raw: unknown,
  index: number,
  mode: 'create' | 'update',
  fixedId?: number,
): Plan<SandboxCustomer> {
  const { item, requestId, issues } = itemOf(raw, index, true);
  const book = customersOf(ctx.store);
  checkKeys(item, CUSTOMER_KEYS, '', issues);
  let existing: SandboxCustomer | undefined;
  if (mode === 'update') {
    const id = fixedId ?? item['id'];
    existing = isInt(id) ? book.customers.get(id) : undefined;
    if (!existing) issues.add(id === undefined ? ISSUE.missing('id') : ISSUE.choice('id'));
  } else if (item['id'] !== undefined) issues.add(ISSUE.unexpected('id'));
  const next: SandboxCustomer = existing
    ? { ...existing, tag_ids: [...existing.tag_ids], segment_ids: [...existing.segment_ids] }
    : blankCustomer(ctx);
  const name = commonFields(ctx, item, next, mode, '', issues);
  if (mode === 'create' && (name === undefined || name.trim() === ''))
    issues.add(ISSUE.blank('name'));
  for (const key of ['next_price', 'next_date', 'periodicity'] as const) {
    const value = optInt(item, key, '', issues);
    if (typeof value === 'number') next[key] = value;
  }
  if (mode === 'create' && book.mode === 'periodicity' && item['next_date'] === undefined)
    issues.add(ISSUE.missing('next_date'));
  const statusId = optInt(item, 'status_id', '', issues);
  if (typeof statusId === 'number') {
    if (book.statuses.has(statusId)) next.status_id = statusId;
    else issues.add(ISSUE.choice('status_id'));
  }
  next.custom_fields_values = applyCustomFields(
    ctx.store,
    'customers',
    item['custom_fields_values'],
    next.custom_fields_values,
    '',
    issues,
  );
  let embedded: JsonObject = {};
  if (item['_embedded'] !== undefined) {
    if (isObject(item['_embedded'])) {
      embedded = item['_embedded'];
      checkKeys(embedded, CUSTOMER_EMBEDDED_KEYS, '_embedded.', issues);
    } else issues.add(ISSUE.type('_embedded', 'array'));
  }
  const segments = embedded['segments'];
  if (segments !== undefined) {
    if (!Array.isArray(segments)) issues.add(ISSUE.type('_embedded.segments', 'array'));
    else {
      next.segment_ids = [];
      segments.forEach((s: unknown, i) => {
        const id = isObject(s) ? s['id'] : undefined;
        if (isInt(id) && book.segments.has(id)) next.segment_ids.push(id);
        else issues.add(ISSUE.choice(`_embedded.segments.${String(i)}.id`));
      });
    }
  }
  const tags = tagOps(ctx, 'customers', item, embedded, '', mode, issues);
  return {
    requestId,
    issues,
    apply: () => {
      if (!existing) next.id = book.nextId('customer');
      next.tag_ids = tags.reduce((current, op) => op(current), next.tag_ids);
      book.customers.set(next.id, next);
      ctx.events.push(...changeEvents(ctx, 'customers', existing, next));
      return next;
    },
  };
}

function writeRef(
  ctx: Ctx,
  c: SandboxCustomer,
  requestId: string,
  mode: 'create' | 'update',
): Record<string, unknown> {
  return {
    id: c.id,
    ...(mode === 'update' ? { updated_at: c.updated_at } : {}),
    request_id: requestId,
    _links: self(ctx, `${BASE}/${String(c.id)}`),
  };
}

function writeCustomers(ctx: Ctx, mode: 'create' | 'update'): Reply {
  const refs = batch(ctx, (raw, i): Plan<Record<string, unknown>> => {
    const plan = planCustomer(ctx, raw, i, mode);
    return { ...plan, apply: () => writeRef(ctx, plan.apply(), plan.requestId, mode) };
  });
  return { status: 200, body: { _links: self(ctx, BASE), _embedded: { customers: refs } } };
}

function updateCustomer(ctx: Ctx): Reply {
  const body = objectBody(ctx, { arrayIs405: true, nonEmpty: true });
  const id = idParam(ctx);
  if (!customersOf(ctx.store).customers.has(id)) fail(404, 'Customer not found');
  const plan = planCustomer(ctx, body, 0, 'update', id);
  const [c] = runPlans([plan]);
  if (!c) fail(500, 'update failed');
  const ref = writeRef(ctx, c, plan.requestId, 'update');
  return { status: 200, body: { _links: self(ctx, BASE), _embedded: { customers: [ref] } } };
}

function listCustomers(ctx: Ctx): Reply {
  const w = withSet(ctx);
  const filter = recordOf(ctx.query['filter']);
  const ids = filter['id'] === undefined ? undefined : new Set(intsOf(filter['id']));
  const responsible =
    filter['responsible_user_id'] === undefined
      ? undefined
      : new Set(intsOf(filter['responsible_user_id']));
  const q = stringOf(ctx.query['query'])?.trim().toLowerCase();
  const all = [...customersOf(ctx.store).customers.values()].filter(
    (c) =>
      (ids === undefined || ids.has(c.id)) &&
      (responsible === undefined || responsible.has(c.responsible_user_id)) &&
      (q === undefined || q === '' || c.name.toLowerCase().includes(q)),
  );
  if (stringOf(recordOf(ctx.query['order'])['id']) === 'desc') all.reverse();
  return paginate(ctx, 'customers', all, (c) => renderCustomer(ctx, c, w));
}

function setMode(ctx: Ctx): Reply {
  const body = objectBody(ctx, { nonEmpty: true });
  const issues = new Issues();
  checkKeys(body, new Set(['mode', 'is_enabled']), '', issues);
  const mode = body['mode'];
  if (mode === undefined) issues.add(ISSUE.missing('mode'));
  else if (mode !== 'periodicity' && mode !== 'segments') issues.add(ISSUE.choice('mode'));
  if (typeof body['is_enabled'] !== 'boolean')
    issues.add(
      body['is_enabled'] === undefined
        ? ISSUE.missing('is_enabled')
        : ISSUE.type('is_enabled', 'bool'),
    );
  check(issues);
  customersOf(ctx.store).setMode(mode as string, body['is_enabled'] as boolean);
  return { status: 200, body: { mode, is_enabled: body['is_enabled'] } };
}

// ---------------------------------------------------------------- statuses

function requireMode(ctx: Ctx, mode: 'periodicity' | 'segments'): void {
  if (customersOf(ctx.store).mode !== mode)
    fail(422, `Customers ${mode} mode is not enabled in the account`);
}

function renderStatus(ctx: Ctx, s: SandboxCustomerStatus, requestId?: string): unknown {
  return withRequestId(ctx, s, `${BASE}/statuses/${String(s.id)}`, requestId);
}

const HEX = /^#[0-9a-fA-F]{6}$/;

/** Reads `name`, `sort` and `color` of a status write into `status`. */
function statusFields(item: JsonObject, status: SandboxCustomerStatus, issues: Issues): void {
  const name = optString(item, 'name', '', issues);
  if (name !== undefined) status.name = name;
  const sort = optInt(item, 'sort', '', issues);
  if (typeof sort === 'number') status.sort = sort;
  const color = optString(item, 'color', '', issues);
  if (color !== undefined && !HEX.test(color)) issues.add(ISSUE.choice('color'));
  else if (color !== undefined) status.color = color.toLowerCase();
}

function planStatus(ctx: Ctx, raw: unknown, i: number): Plan<unknown> {
  const { item, requestId, issues } = itemOf(raw, i, true);
  const book = customersOf(ctx.store);
  checkKeys(item, new Set(['name', 'sort', 'color', 'request_id']), '', issues);
  if (typeof item['name'] !== 'string' || item['name'].trim() === '')
    issues.add(ISSUE.blank('name'));
  if (item['sort'] === undefined) issues.add(ISSUE.missing('sort'));
  const status: SandboxCustomerStatus = {
    id: 0,
    name: '',
    sort: 0,
    is_default: false,
    color: '#fffeb2',
    type: 0,
    conditions: [],
    account_id: ctx.store.account.id,
  };
  statusFields(item, status, issues);
  return {
    requestId,
    issues,
    apply: () => {
      if (book.statuses.size >= MAX_CUSTOMER_STATUSES)
        fail(422, `Limit of ${String(MAX_CUSTOMER_STATUSES)} statuses reached`);
      status.id = book.nextId('customerStatus');
      book.statuses.set(status.id, status);
      return renderStatus(ctx, status, requestId);
    },
  };
}

function statusRoutes(): RouteTable {
  const path = `${BASE}/statuses`;
  const statusOf = (ctx: Ctx): SandboxCustomerStatus | undefined => {
    requireMode(ctx, 'periodicity');
    return customersOf(ctx.store).statuses.get(idParam(ctx));
  };
  return {
    [`GET ${path}`]: (ctx) => {
      requireMode(ctx, 'periodicity');
      const all = [...customersOf(ctx.store).statuses.values()].sort((a, b) => a.sort - b.sort);
      return listReply(
        ctx,
        'statuses',
        all.map((s) => renderStatus(ctx, s)),
      );
    },
    [`GET ${path}/:id`]: (ctx) => itemReply(statusOf(ctx), (s) => renderStatus(ctx, s)),
    [`POST ${path}`]: (ctx) => {
      requireMode(ctx, 'periodicity');
      return listReply(
        ctx,
        'statuses',
        batch(ctx, (raw, i) => planStatus(ctx, raw, i), MAX_CUSTOMER_STATUSES),
      );
    },
    [`PATCH ${path}/:id`]: (ctx) => {
      const status = statusOf(ctx);
      if (!status) fail(404, 'Status not found');
      const body = objectBody(ctx, { arrayIs405: true, nonEmpty: true });
      const issues = new Issues();
      checkKeys(body, new Set(['name', 'sort', 'color']), '', issues);
      const next = { ...status };
      statusFields(body, next, issues);
      check(issues);
      customersOf(ctx.store).statuses.set(next.id, next);
      return { status: 200, body: renderStatus(ctx, next) };
    },
    [`DELETE ${path}/:id`]: (ctx) => {
      const status = statusOf(ctx);
      if (!status) fail(404, 'Status not found');
      if (status.type !== 0) fail(400, 'System statuses cannot be deleted');
      customersOf(ctx.store).statuses.delete(status.id);
      return { status: 204 };
    },
  };
}

// ---------------------------------------------------------------- segments

const SEGMENT_KEYS = new Set([
  'name',
  'color',
  'available_products_price_types',
  'custom_fields_values',
  'request_id',
]);

function renderSegment(ctx: Ctx, s: SandboxCustomerSegment): unknown {
  return {
    ...s,
    customers_count: customersOf(ctx.store).countIn(s.id),
    _links: self(ctx, `${BASE}/segments/${String(s.id)}`),
  };
}

/** Validates a segment write into `segment`; a new one needs a `name`. */
function segmentFields(
  ctx: Ctx,
  item: JsonObject,
  segment: SandboxCustomerSegment,
  isNew: boolean,
): void {
  const issues = new Issues();
  checkKeys(item, SEGMENT_KEYS, '', issues);
  const name = optString(item, 'name', '', issues);
  if (isNew && (name === undefined || name.trim() === '')) issues.add(ISSUE.blank('name'));
  if (name !== undefined) segment.name = name;
  const color = optString(item, 'color', '', issues);
  if (color !== undefined && !(SEGMENT_COLORS as readonly string[]).includes(color))
    issues.add(ISSUE.choice('color'));
  else if (color !== undefined) segment.color = color;
  const prices = item['available_products_price_types'];
  if (prices !== undefined) {
    if (Array.isArray(prices) && prices.every(isInt))
      segment.available_products_price_types = prices;
    else issues.add(ISSUE.type('available_products_price_types', 'array'));
  }
  segment.custom_fields_values = applyCustomFields(
    ctx.store,
    'customers/segments',
    item['custom_fields_values'],
    segment.custom_fields_values,
    '',
    issues,
  );
  check(issues);
  segment.updated_at = ctx.now;
}

function segmentRoutes(): RouteTable {
  const path = `${BASE}/segments`;
  const segmentOf = (ctx: Ctx): SandboxCustomerSegment | undefined => {
    requireMode(ctx, 'segments');
    return customersOf(ctx.store).segments.get(idParam(ctx));
  };
  return {
    [`GET ${path}`]: (ctx) => {
      requireMode(ctx, 'segments');
      const all = [...customersOf(ctx.store).segments.values()];
      return paginate(ctx, 'segments', all, (s) => renderSegment(ctx, s), true);
    },
    [`GET ${path}/:id`]: (ctx) => itemReply(segmentOf(ctx), (s) => renderSegment(ctx, s)),
    // Kommo takes one object here, not a batch.
    [`POST ${path}`]: (ctx) => {
      requireMode(ctx, 'segments');
      const body = objectBody(ctx, { arrayIs405: true, nonEmpty: true });
      const book = customersOf(ctx.store);
      if (book.segments.size >= MAX_CUSTOMER_SEGMENTS)
        fail(422, `Limit of ${String(MAX_CUSTOMER_SEGMENTS)} segments reached`);
      const segment: SandboxCustomerSegment = {
        id: 0,
        name: '',
        color: SEGMENT_COLORS[0],
        created_at: ctx.now,
        updated_at: ctx.now,
        custom_fields_values: null,
        available_products_price_types: [],
        account_id: ctx.store.account.id,
      };
      segmentFields(ctx, body, segment, true);
      segment.id = book.nextId('segment');
      book.segments.set(segment.id, segment);
      return { status: 200, body: renderSegment(ctx, segment) };
    },
    [`PATCH ${path}/:id`]: (ctx) => {
      const segment = segmentOf(ctx);
      if (!segment) fail(404, 'Segment not found');
      const body = objectBody(ctx, { arrayIs405: true, nonEmpty: true });
      const next = { ...segment };
      segmentFields(ctx, body, next, false);
      customersOf(ctx.store).segments.set(next.id, next);
      return { status: 200, body: renderSegment(ctx, next) };
    },
    [`DELETE ${path}/:id`]: (ctx) => {
      const segment = segmentOf(ctx);
      if (!segment) fail(404, 'Segment not found');
      const book = customersOf(ctx.store);
      book.segments.delete(segment.id);
      for (const c of book.customers.values())
        c.segment_ids = c.segment_ids.filter((id) => id !== segment.id);
      return { status: 204 };
    },
  };
}

// ---------------------------------------------------------------- transactions

const TRANSACTION_KEYS = new Set([
  'price',
  'comment',
  'completed_at',
  'next_price',
  'next_date',
  '_embedded',
  'metadata',
  'request_id',
]);

function renderTransaction(ctx: Ctx, t: SandboxTransaction): unknown {
  const { catalog_elements, ...fields } = t;
  return {
    ...fields,
    _links: self(ctx, `${BASE}/transactions/${String(t.id)}`),
    _embedded: {
      customer: { id: t.customer_id, _links: self(ctx, `${BASE}/${String(t.customer_id)}`) },
      ...(catalog_elements.length > 0 ? { catalog_elements } : {}),
    },
  };
}

function planTransaction(
  ctx: Ctx,
  customer: SandboxCustomer,
  raw: unknown,
  i: number,
): Plan<unknown> {
  const { item, requestId, issues } = itemOf(raw, i, true);
  const book = customersOf(ctx.store);
  checkKeys(item, TRANSACTION_KEYS, '', issues);
  const price = optInt(item, 'price', '', issues);
  if (item['price'] === undefined) issues.add(ISSUE.missing('price'));
  const comment = optString(item, 'comment', '', issues);
  const completedAt = optInt(item, 'completed_at', '', issues);
  const nextPrice = optInt(item, 'next_price', '', issues);
  const nextDate = optInt(item, 'next_date', '', issues);
  const products: SandboxTransaction['catalog_elements'] = [];
  const embedded = item['_embedded'];
  if (embedded !== undefined) {
    const list = isObject(embedded) ? embedded['catalog_elements'] : undefined;
    if (!Array.isArray(list)) issues.add(ISSUE.type('_embedded.catalog_elements', 'array'));
    else
      list.forEach((p: unknown, j) => {
        const id = isObject(p) ? p['id'] : undefined;
        if (!isInt(id) || !ctx.store.catalogElements.has(id))
          issues.add(ISSUE.choice(`_embedded.catalog_elements.${String(j)}.id`));
        else
          products.push({
            id,
            metadata: isObject(p) && isObject(p['metadata']) ? p['metadata'] : {},
          });
      });
  }
  return {
    requestId,
    issues,
    apply: () => {
      const t: SandboxTransaction = {
        id: book.nextId('transaction'),
        customer_id: customer.id,
        price: price ?? 0,
        comment: comment ?? null,
        completed_at: completedAt ?? ctx.now,
        created_by: ctx.userId,
        updated_by: ctx.userId,
        created_at: ctx.now,
        updated_at: ctx.now,
        is_deleted: false,
        catalog_elements: products,
        account_id: ctx.store.account.id,
      };
      book.addTransaction(t);
      if (typeof nextPrice === 'number') customer.next_price = nextPrice;
      if (typeof nextDate === 'number') customer.next_date = nextDate;
      return {
        id: t.id,
        customer_id: customer.id,
        request_id: requestId,
        _links: self(ctx, `${BASE}/transactions/${String(t.id)}`),
      };
    },
  };
}

function customerOf(ctx: Ctx, name = 'id'): SandboxCustomer {
  const customer = customersOf(ctx.store).customers.get(idParam(ctx, name));
  if (!customer) fail(404, 'Customer not found');
  return customer;
}

function transactionRoutes(): RouteTable {
  const all = `${BASE}/transactions`;
  const scoped = `${BASE}/:id/transactions`;
  const list = (ctx: Ctx, customerId?: number): Reply => {
    const filter = recordOf(ctx.query['filter']);
    const ids = filter['id'] === undefined ? undefined : new Set(intsOf(filter['id']));
    const items = [...customersOf(ctx.store).transactions.values()].filter(
      (t) =>
        (customerId === undefined || t.customer_id === customerId) &&
        (ids === undefined || ids.has(t.id)),
    );
    return paginate(ctx, 'transactions', items, (t) => renderTransaction(ctx, t));
  };
  const one = (ctx: Ctx, customerId?: number): Reply => {
    const t = customersOf(ctx.store).transactions.get(idParam(ctx, 'transactionId'));
    return itemReply(
      t && (customerId === undefined || t.customer_id === customerId) ? t : undefined,
      (x) => renderTransaction(ctx, x),
    );
  };
  const remove = (ctx: Ctx, customerId?: number): Reply => {
    const book = customersOf(ctx.store);
    const t = book.transactions.get(idParam(ctx, 'transactionId'));
    if (!t || (customerId !== undefined && t.customer_id !== customerId))
      fail(404, 'Transaction not found');
    book.deleteTransaction(t.id);
    return { status: 204 };
  };
  return {
    [`GET ${all}`]: (ctx) => list(ctx),
    [`GET ${all}/:transactionId`]: (ctx) => one(ctx),
    [`DELETE ${all}/:transactionId`]: (ctx) => remove(ctx),
    [`GET ${scoped}`]: (ctx) => list(ctx, customerOf(ctx).id),
    [`GET ${scoped}/:transactionId`]: (ctx) => one(ctx, customerOf(ctx).id),
    [`DELETE ${scoped}/:transactionId`]: (ctx) => remove(ctx, customerOf(ctx).id),
    [`POST ${scoped}`]: (ctx) => {
      const customer = customerOf(ctx);
      return listReply(
        ctx,
        'transactions',
        batch(ctx, (raw, i) => planTransaction(ctx, customer, raw, i)),
        { self: null },
      );
    },
  };
}

// ---------------------------------------------------------------- bonus points

function bonusPoints(ctx: Ctx): Reply {
  const customer = customerOf(ctx);
  const body = objectBody(ctx, { nonEmpty: true });
  const book = customersOf(ctx.store);
  const keys = Object.keys(body);
  const key = keys[0];
  // Exactly one of `earn` and `redeem`.
  if (keys.length !== 1 || (key !== 'earn' && key !== 'redeem'))
    fail(400, 'Pass exactly one of earn or redeem');
  const points = body[key];
  if (!isInt(points) || points <= 0) {
    const issues = new Issues();
    issues.add(ISSUE.type(key, 'int'));
    check(issues);
  }
  const balance = book.bonusPoints.get(customer.id) ?? 0;
  const change = points as number;
  if (key === 'redeem' && change > balance) fail(400, 'Not enough bonus points');
  const next = key === 'earn' ? balance + change : balance - change;
  book.bonusPoints.set(customer.id, next);
  return { status: 200, body: { bonus_points: next } };
}

/** The customer routes. */
export const customers = family('customers', {
  [`PATCH ${BASE}/mode`]: setMode,
  [`GET ${BASE}`]: listCustomers,
  [`POST ${BASE}`]: (ctx) => writeCustomers(ctx, 'create'),
  [`PATCH ${BASE}`]: (ctx) => writeCustomers(ctx, 'update'),
  [`GET ${BASE}/:id`]: (ctx) =>
    itemReply(customersOf(ctx.store).customers.get(idParam(ctx)), (c) =>
      renderCustomer(ctx, c, withSet(ctx)),
    ),
  [`PATCH ${BASE}/:id`]: updateCustomer,
  [`POST ${BASE}/:id/bonus_points`]: bonusPoints,
  ...statusRoutes(),
  ...segmentRoutes(),
  ...transactionRoutes(),
});
