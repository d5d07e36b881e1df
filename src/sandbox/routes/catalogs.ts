/**
 * Catalogs (lists) and their elements: list, get, batch create and update, single `PATCH`,
 * and linking an element to leads.
 *
 * @module
 */

import type { Ctx } from '../context.js';
import { MAX_CATALOGS } from '../limits.js';
import { ISSUE, fail, type Reply } from '../problems.js';
import { intsOf, recordOf, stringOf } from '../query.js';
import { paginate } from '../render.js';
import { family } from '../router.js';
import type { SandboxCatalog, SandboxCatalogElement } from '../types.js';
import { isInt, isObject, optString } from '../validate.js';
import {
  batch,
  batchBody,
  idParam,
  itemOf,
  itemReply,
  listReply,
  runPlans,
  withRequestId,
  type Plan,
} from './shared.js';

type Mode = 'create' | 'update';
type Planner = (raw: unknown, i: number, all: unknown[]) => Plan<Record<string, unknown>>;

const renderCatalog = (ctx: Ctx, c: SandboxCatalog, requestId?: string) =>
  withRequestId(ctx, c, `/api/v4/catalogs/${String(c.id)}`, requestId);

const renderElement = (ctx: Ctx, e: SandboxCatalogElement, requestId?: string) =>
  withRequestId(
    ctx,
    e,
    `/api/v4/catalogs/${String(e.catalog_id)}/elements/${String(e.id)}`,
    requestId,
  );

/**
 * A batch write answering `_embedded[key]`, or (`fixed`, a `PATCH /…/{id}`) a write of the
 * body object answering the bare item. Catalog writes answer the full item, unlike leads.
 */
function write(ctx: Ctx, key: string, fixed: boolean, plan: Planner): Reply {
  const items = fixed ? [ctx.body] : batchBody(ctx);
  if (fixed && !isObject(ctx.body)) fail(400, 'Request data can not be empty');
  const refs = runPlans(items.map((raw, i) => plan(raw, i, items)));
  if (fixed) return { status: 200, body: refs[0] };
  return listReply(ctx, key, refs, { self: null });
}

function planCatalog(ctx: Ctx, mode: Mode, fixed: boolean): Planner {
  return (raw, i, all) => {
    const { item, requestId, issues } = itemOf(raw, i);
    const id = fixed ? idParam(ctx) : item['id'];
    const existing = mode === 'update' && isInt(id) ? ctx.store.catalogs.get(id) : undefined;
    if (mode === 'update' && !existing) issues.add(ISSUE.choice('id'));
    const name = optString(item, 'name', '', issues);
    if (!name) issues.add(ISSUE.blank('name'));
    const type = item['type'];
    if (
      mode === 'create' &&
      type !== undefined &&
      !['regular', 'invoices', 'products'].includes(type as string)
    )
      issues.add(ISSUE.choice('type'));
    if (mode === 'create' && ctx.store.catalogs.size + all.length > MAX_CATALOGS)
      issues.add(ISSUE.choice('name'));
    return {
      requestId,
      issues,
      apply: () => {
        const c: SandboxCatalog = existing
          ? { ...existing, updated_at: ctx.now, updated_by: ctx.userId }
          : {
              id: ctx.store.nextId('catalog'),
              name: '',
              created_by: ctx.userId,
              updated_by: ctx.userId,
              created_at: ctx.now,
              updated_at: ctx.now,
              sort: 10,
              type: typeof type === 'string' ? type : 'regular',
              can_add_elements: true,
              can_show_in_cards: false,
              can_link_multiple: true,
              can_be_deleted: true,
              sdk_widget_code: null,
              account_id: ctx.store.account.id,
            };
        if (name) c.name = name;
        if (isInt(item['sort'])) c.sort = item['sort'];
        for (const key of ['can_add_elements', 'can_link_multiple'] as const)
          if (typeof item[key] === 'boolean') c[key] = item[key];
        ctx.store.catalogs.set(c);
        return renderCatalog(ctx, c, requestId);
      },
    };
  };
}

function catalogOf(ctx: Ctx): SandboxCatalog {
  const c = ctx.store.catalogs.get(idParam(ctx));
  if (!c) fail(404, 'Catalog not found');
  return c;
}

function planElement(ctx: Ctx, catalog: SandboxCatalog, mode: Mode, fixed: boolean): Planner {
  return (raw, i) => {
    const { item, requestId, issues } = itemOf(raw, i);
    const id = fixed ? idParam(ctx, 'elementId') : item['id'];
    const existing = mode === 'update' && isInt(id) ? ctx.store.catalogElements.get(id) : undefined;
    if (mode === 'update' && existing?.catalog_id !== catalog.id) issues.add(ISSUE.choice('id'));
    const name = optString(item, 'name', '', issues);
    if (!name) issues.add(ISSUE.blank('name'));
    const cf = item['custom_fields_values'];
    if (cf !== undefined && cf !== null && !Array.isArray(cf))
      issues.add(ISSUE.type('custom_fields_values', 'array'));
    return {
      requestId,
      issues,
      apply: () => {
        const e: SandboxCatalogElement = existing
          ? { ...existing, updated_at: ctx.now, updated_by: ctx.userId }
          : {
              id: ctx.store.nextId('catalogElement'),
              catalog_id: catalog.id,
              name: '',
              created_by: ctx.userId,
              updated_by: ctx.userId,
              created_at: ctx.now,
              updated_at: ctx.now,
              is_deleted: false,
              custom_fields_values: null,
              account_id: ctx.store.account.id,
            };
        if (name) e.name = name;
        if (Array.isArray(cf)) e.custom_fields_values = cf as unknown[];
        ctx.store.catalogElements.set(e);
        return renderElement(ctx, e, requestId);
      },
    };
  };
}

function writeElements(mode: Mode, fixed: boolean) {
  return (ctx: Ctx): Reply => {
    const catalog = catalogOf(ctx);
    return write(ctx, 'elements', fixed, planElement(ctx, catalog, mode, fixed));
  };
}

function listElements(ctx: Ctx): Reply {
  const catalog = catalogOf(ctx);
  const filter = recordOf(ctx.query['filter']);
  const ids = filter['id'] === undefined ? undefined : new Set(intsOf(filter['id']));
  const q = stringOf(ctx.query['query'])?.toLowerCase();
  const items = ctx.store.catalogElements.filter(
    (e) =>
      e.catalog_id === catalog.id &&
      (ids === undefined || ids.has(e.id)) &&
      (q === undefined || e.name.toLowerCase().includes(q)),
  );
  return paginate(ctx, 'elements', items, (e) => renderElement(ctx, e));
}

function linkElement(action: 'link' | 'unlink') {
  return (ctx: Ctx): Reply => {
    const catalog = catalogOf(ctx);
    const elementId = idParam(ctx, 'elementId');
    if (ctx.store.catalogElements.get(elementId)?.catalog_id !== catalog.id)
      fail(404, 'Element not found');
    batch(ctx, (raw, i): Plan<void> => {
      const { item, requestId, issues } = itemOf(raw, i);
      const toId = item['to_entity_id'];
      if (item['to_entity_type'] !== 'leads' || !isInt(toId) || !ctx.store.leads.has(toId))
        issues.add(ISSUE.choice('to_entity_id'));
      const metadata = isObject(item['metadata']) ? item['metadata'] : {};
      return {
        requestId,
        issues,
        apply: () => {
          const links = ctx.store.links;
          if (action === 'unlink')
            links.unlink('leads', toId as number, 'catalog_elements', elementId);
          else
            links.attach('leads', toId as number, 'catalog_elements', elementId, {
              catalog_id: catalog.id,
              quantity: metadata['quantity'] ?? 1,
              price_id: metadata['price_id'] ?? null,
            });
        },
      };
    });
    return { status: 204 };
  };
}

/** The catalog and catalog element routes. */
export const catalogs = family('catalogs', {
  'GET /api/v4/catalogs': (ctx) =>
    paginate(ctx, 'catalogs', ctx.store.catalogs.toArray(), (c) => renderCatalog(ctx, c)),
  'POST /api/v4/catalogs': (ctx) =>
    write(ctx, 'catalogs', false, planCatalog(ctx, 'create', false)),
  'PATCH /api/v4/catalogs': (ctx) =>
    write(ctx, 'catalogs', false, planCatalog(ctx, 'update', false)),
  'GET /api/v4/catalogs/:id': (ctx) =>
    itemReply(ctx.store.catalogs.get(idParam(ctx)), (c) => renderCatalog(ctx, c)),
  'PATCH /api/v4/catalogs/:id': (ctx) =>
    write(ctx, 'catalogs', true, planCatalog(ctx, 'update', true)),
  'GET /api/v4/catalogs/:id/elements': listElements,
  'POST /api/v4/catalogs/:id/elements': writeElements('create', false),
  'PATCH /api/v4/catalogs/:id/elements': writeElements('update', false),
  'GET /api/v4/catalogs/:id/elements/:elementId': (ctx) => {
    const e = ctx.store.catalogElements.get(idParam(ctx, 'elementId'));
    return itemReply(e?.catalog_id === idParam(ctx) ? e : undefined, (x) => renderElement(ctx, x));
  },
  'PATCH /api/v4/catalogs/:id/elements/:elementId': writeElements('update', true),
  'POST /api/v4/catalogs/:id/elements/:elementId/link': linkElement('link'),
  'POST /api/v4/catalogs/:id/elements/:elementId/unlink': linkElement('unlink'),
});
