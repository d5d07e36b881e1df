/**
 * The routes leads, contacts and companies share, built from a small spec: list (filter,
 * query, order, with, page, limit), get, batch create and update with `request_id` echo, and a
 * single `PATCH`.
 *
 * @module
 */

import type { Ctx } from '../context.js';
import { planEntity, type AnyEntity } from '../entities.js';
import { fail, type Reply } from '../problems.js';
import {
  inRange,
  intsOf,
  listOf,
  rangeOf,
  recordOf,
  stringOf,
  type QueryNode,
  type QueryRecord,
} from '../query.js';
import { pageParams, pageReply, self, withSet } from '../render.js';
import type { RouteTable } from '../router.js';
import type { SandboxEntityType } from '../types.js';
import { batchBody, idParam, itemReply, objectBody, runPlans } from './shared.js';

/** A test an entity must pass to be listed. */
export type EntityTest = (e: AnyEntity) => boolean;

type OrderKey = 'id' | 'created_at' | 'updated_at';

/** What makes the routes of leads, contacts or companies differ. */
export interface EntitySpec<E extends AnyEntity> {
  type: SandboxEntityType;
  /** `Lead`, `Contact`, `Company`: the 404 of a single `PATCH` says `<Name> not found`. */
  title: string;
  /** The entity as a list or get answers it, with the `with=` values asked for. */
  render(ctx: Ctx, e: E, w: Set<string>): Record<string, unknown>;
  /** The keys `order[…]` may sort by. */
  orderBy: readonly OrderKey[];
  /** The family's own filters (`filter[pipeline_id]`…), after the common ones. */
  filters?(filter: QueryRecord): EntityTest[];
  /** Every entity, in id order. */
  all(ctx: Ctx): Iterable<E>;
  /**
   * A page read straight from an id index when nothing filters or sorts other than by id, so
   * 100,000 generated leads page without being generated.
   */
  pageById?(ctx: Ctx, start: number, limit: number, desc: boolean): { items: E[]; size: number };
  /** Extra fields of a create answer (contacts: `is_deleted`, `is_unsorted`). */
  createdFields?: Readonly<Record<string, unknown>>;
}

/** The five routes of `spec`: list, get, batch create, batch update and single update. */
export function entityRoutes<E extends AnyEntity>(spec: EntitySpec<E>): RouteTable {
  const base = `/api/v4/${spec.type}`;
  return {
    [`GET ${base}`]: (ctx) => list(ctx, spec),
    [`POST ${base}`]: (ctx) => write(ctx, spec, 'create'),
    [`PATCH ${base}`]: (ctx) => write(ctx, spec, 'update'),
    [`GET ${base}/:id`]: (ctx) =>
      itemReply(ctx.store.entity(spec.type, idParam(ctx)) as E | undefined, (e) =>
        spec.render(ctx, e, withSet(ctx)),
      ),
    [`PATCH ${base}/:id`]: (ctx) => updateOne(ctx, spec),
  };
}

function list<E extends AnyEntity>(ctx: Ctx, spec: EntitySpec<E>): Reply {
  const w = withSet(ctx);
  if (w.has('only_deleted')) return { status: 204 }; // the trash is always empty here
  const { page, limit } = pageParams(ctx);
  const filter = recordOf(ctx.query['filter']);
  const tests = [...commonFilters(ctx, filter), ...(spec.filters?.(filter) ?? [])];
  const order = orderOf(ctx, spec.orderBy);
  const start = (page - 1) * limit;
  if (spec.pageById && tests.length === 0 && (order === undefined || order.key === 'id')) {
    const { items, size } = spec.pageById(ctx, start, limit, order?.desc ?? false);
    const rendered = items.map((e) => spec.render(ctx, e, w));
    return pageReply(ctx, spec.type, rendered, page, limit, start + limit < size);
  }
  const matches: E[] = [];
  for (const e of spec.all(ctx)) if (tests.every((t) => t(e))) matches.push(e);
  if (order) {
    const { key, desc } = order;
    matches.sort((a, b) => (a[key] - b[key] || a.id - b.id) * (desc ? -1 : 1));
  }
  const slice = matches.slice(start, start + limit).map((e) => spec.render(ctx, e, w));
  return pageReply(ctx, spec.type, slice, page, limit, start + limit < matches.length);
}

function write<E extends AnyEntity>(
  ctx: Ctx,
  spec: EntitySpec<E>,
  mode: 'create' | 'update',
): Reply {
  const plans = batchBody(ctx).map((item, i) => planEntity(ctx, spec.type, item, i, { mode }));
  const written = runPlans(plans);
  return writeReply(
    ctx,
    spec,
    written.map((e, i) => writeRef(ctx, spec, e, plans[i]?.requestId ?? String(i), mode)),
  );
}

function updateOne<E extends AnyEntity>(ctx: Ctx, spec: EntitySpec<E>): Reply {
  const body = objectBody(ctx, { arrayIs405: true, nonEmpty: true });
  const id = idParam(ctx);
  if (!ctx.store.entity(spec.type, id)) fail(404, `${spec.title} not found`);
  const plan = planEntity(ctx, spec.type, body, 0, { mode: 'update', fixedId: id });
  const [e] = runPlans([plan]);
  if (!e) fail(500, 'update failed');
  // Kommo wraps even a single update in `_embedded`, like a batch one (its leads docs, real answers).
  return writeReply(ctx, spec, [writeRef(ctx, spec, e, plan.requestId, 'update')]);
}

function writeRef<E extends AnyEntity>(
  ctx: Ctx,
  spec: EntitySpec<E>,
  e: AnyEntity,
  requestId: string,
  mode: 'create' | 'update',
): Record<string, unknown> {
  const ref: Record<string, unknown> = { id: e.id };
  if (mode === 'update') ref['updated_at'] = e.updated_at;
  if (mode === 'create') Object.assign(ref, spec.createdFields);
  ref['request_id'] = requestId;
  ref['_links'] = self(ctx, `/api/v4/${spec.type}/${String(e.id)}`);
  return ref;
}

function writeReply<E extends AnyEntity>(ctx: Ctx, spec: EntitySpec<E>, refs: unknown[]): Reply {
  return {
    status: 200,
    body: { _links: self(ctx, `/api/v4/${spec.type}`), _embedded: { [spec.type]: refs } },
  };
}

// ---------------------------------------------------------------- filters

/** A test per `filter[key][]=…` id list, when the key is sent. */
export function idsFilter(
  filter: QueryRecord,
  key: string,
  get: (e: AnyEntity) => number,
): EntityTest[] {
  if (filter[key] === undefined) return [];
  const set = new Set(intsOf(filter[key]));
  return [(e) => set.has(get(e))];
}

/** A test per `filter[key][from]=…&filter[key][to]=…` range, when the key is sent. */
export function rangeFilter(
  filter: QueryRecord,
  key: string,
  get: (e: AnyEntity) => number | null,
): EntityTest[] {
  const range = rangeOf(filter[key]);
  return range ? [(e) => inRange(get(e), range)] : [];
}

function commonFilters(ctx: Ctx, filter: QueryRecord): EntityTest[] {
  const tests: EntityTest[] = [
    ...idsFilter(filter, 'id', (e) => e.id),
    ...idsFilter(filter, 'responsible_user_id', (e) => e.responsible_user_id),
    ...idsFilter(filter, 'created_by', (e) => e.created_by),
    ...idsFilter(filter, 'updated_by', (e) => e.updated_by),
    ...rangeFilter(filter, 'created_at', (e) => e.created_at),
    ...rangeFilter(filter, 'updated_at', (e) => e.updated_at),
    ...rangeFilter(filter, 'closest_task_at', (e) => e.closest_task_at),
  ];
  if (filter['name'] !== undefined) {
    const names = new Set(listOf(filter['name']).map((n) => n.toLowerCase()));
    tests.push((e) => names.has(e.name.toLowerCase()));
  }
  const cf = recordOf(filter['custom_fields_values']);
  for (const [fieldId, node] of Object.entries(cf)) {
    if (/^\d+$/.test(fieldId)) tests.push(cfMatcher(Number(fieldId), node));
  }
  const q = stringOf(ctx.query['query']);
  if (q !== undefined && q.trim() !== '') tests.push(queryMatcher(q));
  return tests;
}

function digits(s: string): string {
  return s.replace(/\D+/g, '');
}

function queryMatcher(q: string): EntityTest {
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

function cfMatcher(fieldId: number, node: QueryNode): EntityTest {
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

function orderOf(
  ctx: Ctx,
  keys: readonly OrderKey[],
): { key: OrderKey; desc: boolean } | undefined {
  const order = recordOf(ctx.query['order']);
  for (const [key, dir] of Object.entries(order)) {
    if ((keys as readonly string[]).includes(key) && typeof dir === 'string') {
      return { key: key as OrderKey, desc: dir.toLowerCase() === 'desc' };
    }
  }
  return undefined;
}
