/**
 * Kommo's HAL shapes: `_links.self`, collections with `_page` and page links, and the
 * entities with their `_embedded` parts.
 *
 * @module
 */

import type { Ctx } from './context.js';
import type { Reply } from './problems.js';
import { fail } from './problems.js';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../facts.js';
import { stringOf } from './query.js';
import type { Store } from './state.js';
import type { SandboxCustomer } from './models/customers.js';
import type { SandboxCardType, SandboxCompany, SandboxContact, SandboxLead } from './types.js';

export function self(ctx: Ctx, path: string): { self: { href: string } } {
  return { self: { href: `${ctx.baseUrl}${path}` } };
}

/** `page` and `limit` of a list request; `limit` above 250 is Kommo's 422. */
export function pageParams(ctx: Ctx): { page: number; limit: number } {
  const rawLimit = stringOf(ctx.query['limit']);
  const rawPage = stringOf(ctx.query['page']);
  let limit = DEFAULT_PAGE_LIMIT;
  if (rawLimit !== undefined && rawLimit !== '') {
    const n = Number(rawLimit);
    if (!Number.isInteger(n) || n < 1) fail(400, 'Limit must be a positive integer');
    if (n > MAX_PAGE_LIMIT) fail(422, `Limit ${String(MAX_PAGE_LIMIT)} per page`);
    limit = n;
  }
  let page = 1;
  if (rawPage !== undefined && rawPage !== '') {
    const n = Number(rawPage);
    if (Number.isInteger(n) && n >= 1) page = n;
  }
  return { page, limit };
}

function pageHref(ctx: Ctx, page: number, limit: number): string {
  const params = new URLSearchParams();
  const w = stringOf(ctx.query['with']);
  if (w !== undefined) params.set('with', w);
  params.set('limit', String(limit));
  params.set('page', String(page));
  return `${ctx.baseUrl}${ctx.path}?${params.toString()}`;
}

/**
 * A page of a collection, or 204 when it is empty (Kommo's answer to an empty list and to a
 * page past the end). `total` is given only for endpoints that report `_total_items`.
 */
export function pageReply(
  ctx: Ctx,
  key: string,
  items: unknown[],
  page: number,
  limit: number,
  hasNext: boolean,
  totals?: { total: number },
): Reply {
  if (items.length === 0) return { status: 204 };
  const links: Record<string, { href: string }> = { self: { href: pageHref(ctx, page, limit) } };
  if (hasNext) links['next'] = { href: pageHref(ctx, page + 1, limit) };
  if (page > 1) {
    links['first'] = { href: pageHref(ctx, 1, limit) };
    links['prev'] = { href: pageHref(ctx, page - 1, limit) };
  }
  const body: Record<string, unknown> = {};
  if (totals) {
    body['_total_items'] = totals.total;
    body['_page_count'] = Math.max(1, Math.ceil(totals.total / limit));
  }
  body['_page'] = page;
  body['_links'] = links;
  body['_embedded'] = { [key]: items };
  return { status: 200, body };
}

/** Slices a full array into the requested page. */
export function paginate<T>(
  ctx: Ctx,
  key: string,
  all: T[],
  render: (item: T) => unknown,
  totals = false,
): Reply {
  const { page, limit } = pageParams(ctx);
  const start = (page - 1) * limit;
  const slice = all.slice(start, start + limit);
  return pageReply(
    ctx,
    key,
    slice.map(render),
    page,
    limit,
    start + limit < all.length,
    totals ? { total: all.length } : undefined,
  );
}

/** The `with=` values of the request. */
export function withSet(ctx: Ctx): Set<string> {
  const raw = stringOf(ctx.query['with']);
  return new Set(raw === undefined ? [] : raw.split(',').map((s) => s.trim()));
}

function tagsOf(
  store: Store,
  type: SandboxCardType,
  ids: number[],
): Array<{ id: number; name: string; color: string | null }> {
  const table = store.tags.table(type);
  return ids.flatMap((id) => {
    const tag = table.get(id);
    return tag ? [{ id: tag.id, name: tag.name, color: tag.color }] : [];
  });
}

function refs(
  ctx: Ctx,
  type: string,
  ids: number[],
): Array<{ id: number; _links: { self: { href: string } } }> {
  return ids.map((id) => ({ id, _links: self(ctx, `/api/v4/${type}/${String(id)}`) }));
}

function linkedIds(store: Store, type: SandboxCardType, id: number, toType: string): number[] {
  return store.links.of(type, id, toType).map((l) => l.to_entity_id);
}

function catalogElements(store: Store, type: SandboxCardType, id: number): unknown[] {
  return store.links
    .of(type, id, 'catalog_elements')
    .map((l) => ({ id: l.to_entity_id, metadata: l.metadata }));
}

export function renderLead(ctx: Ctx, lead: SandboxLead, w: Set<string>): Record<string, unknown> {
  const { tag_ids, ...fields } = lead;
  const out: Record<string, unknown> = { ...fields };
  if (w.has('is_price_modified_by_robot')) out['is_price_modified_by_robot'] = false;
  if (w.has('source_id')) out['source_id'] = null;
  out['_links'] = self(ctx, `/api/v4/leads/${String(lead.id)}`);
  const embedded: Record<string, unknown> = {
    tags: tagsOf(ctx.store, 'leads', tag_ids),
    companies: refs(ctx, 'companies', linkedIds(ctx.store, 'leads', lead.id, 'companies')),
  };
  if (w.has('contacts')) {
    embedded['contacts'] = ctx.store.links.of('leads', lead.id, 'contacts').map((l) => ({
      id: l.to_entity_id,
      is_main: l.metadata?.['main_contact'] === true,
      _links: self(ctx, `/api/v4/contacts/${String(l.to_entity_id)}`),
    }));
  }
  if (w.has('loss_reason') && lead.loss_reason_id !== null) {
    const reason = ctx.store.lossReasons.get(lead.loss_reason_id);
    // Kommo's docs call it an object; its example (and real answers) send an array.
    embedded['loss_reason'] = reason
      ? [{ ...reason, _links: self(ctx, `/api/v4/leads/loss_reasons/${String(reason.id)}`) }]
      : [];
  }
  if (w.has('catalog_elements'))
    embedded['catalog_elements'] = catalogElements(ctx.store, 'leads', lead.id);
  out['_embedded'] = embedded;
  return out;
}

export function renderContact(
  ctx: Ctx,
  contact: SandboxContact,
  w: Set<string>,
): Record<string, unknown> {
  const { tag_ids, ...fields } = contact;
  const out: Record<string, unknown> = {
    ...fields,
    _links: self(ctx, `/api/v4/contacts/${String(contact.id)}`),
  };
  const embedded: Record<string, unknown> = {
    tags: tagsOf(ctx.store, 'contacts', tag_ids),
    companies: refs(ctx, 'companies', linkedIds(ctx.store, 'contacts', contact.id, 'companies')),
  };
  if (w.has('leads'))
    embedded['leads'] = refs(ctx, 'leads', linkedIds(ctx.store, 'contacts', contact.id, 'leads'));
  if (w.has('customers'))
    embedded['customers'] = refs(
      ctx,
      'customers',
      linkedIds(ctx.store, 'contacts', contact.id, 'customers'),
    );
  if (w.has('catalog_elements'))
    embedded['catalog_elements'] = catalogElements(ctx.store, 'contacts', contact.id);
  out['_embedded'] = embedded;
  return out;
}

export function renderCompany(
  ctx: Ctx,
  company: SandboxCompany,
  w: Set<string>,
): Record<string, unknown> {
  const { tag_ids, ...fields } = company;
  const out: Record<string, unknown> = {
    ...fields,
    _links: self(ctx, `/api/v4/companies/${String(company.id)}`),
  };
  const embedded: Record<string, unknown> = { tags: tagsOf(ctx.store, 'companies', tag_ids) };
  if (w.has('contacts'))
    embedded['contacts'] = refs(
      ctx,
      'contacts',
      linkedIds(ctx.store, 'companies', company.id, 'contacts'),
    );
  if (w.has('leads'))
    embedded['leads'] = refs(ctx, 'leads', linkedIds(ctx.store, 'companies', company.id, 'leads'));
  if (w.has('customers'))
    embedded['customers'] = refs(
      ctx,
      'customers',
      linkedIds(ctx.store, 'companies', company.id, 'customers'),
    );
  if (w.has('catalog_elements'))
    embedded['catalog_elements'] = catalogElements(ctx.store, 'companies', company.id);
  out['_embedded'] = embedded;
  return out;
}

export function renderCustomer(
  ctx: Ctx,
  customer: SandboxCustomer,
  w: Set<string>,
): Record<string, unknown> {
  const { tag_ids, segment_ids, ...fields } = customer;
  const out: Record<string, unknown> = {
    ...fields,
    _links: self(ctx, `/api/v4/customers/${String(customer.id)}`),
  };
  const embedded: Record<string, unknown> = {
    tags: tagsOf(ctx.store, 'customers', tag_ids),
    segments: refs(ctx, 'customers/segments', segment_ids),
  };
  for (const type of ['contacts', 'companies'] as const)
    if (w.has(type))
      embedded[type] = refs(ctx, type, linkedIds(ctx.store, 'customers', customer.id, type));
  if (w.has('catalog_elements'))
    embedded['catalog_elements'] = catalogElements(ctx.store, 'customers', customer.id);
  out['_embedded'] = embedded;
  return out;
}
