/**
 * Leads: the shared entity routes with the lead filters (pipeline, statuses, price, closed
 * at), paging straight from the id index, and `POST /api/v4/leads/complex`.
 *
 * @module
 */

import { MAX_COMPLEX_ITEMS } from '../../facts.js';
import type { Ctx } from '../context.js';
import { planEntity } from '../entities.js';
import { ISSUE, type Reply } from '../problems.js';
import { recordsOf, stringOf, type QueryRecord } from '../query.js';
import { renderLead } from '../render.js';
import { family } from '../router.js';
import type { SandboxLead } from '../types.js';
import { isInt, isObject, type Issues, type JsonObject } from '../validate.js';
import { entityRoutes, idsFilter, rangeFilter, type EntitySpec, type EntityTest } from './crud.js';
import { batch, itemOf, type Plan } from './shared.js';

function leadFilters(filter: QueryRecord): EntityTest[] {
  const tests = [
    ...rangeFilter(filter, 'closed_at', (e) => (e as SandboxLead).closed_at),
    ...rangeFilter(filter, 'price', (e) => (e as SandboxLead).price),
    ...idsFilter(filter, 'pipeline_id', (e) => (e as SandboxLead).pipeline_id),
  ];
  if (filter['statuses'] !== undefined) {
    const statuses = recordsOf(filter['statuses']).flatMap((r) => {
      const p = Number(stringOf(r['pipeline_id']));
      const s = Number(stringOf(r['status_id']));
      return Number.isSafeInteger(p) && Number.isSafeInteger(s) ? [[p, s] as const] : [];
    });
    tests.push((e) => {
      const lead = e as SandboxLead;
      return statuses.some(([p, s]) => lead.pipeline_id === p && lead.status_id === s);
    });
  }
  return tests;
}

const LEADS: EntitySpec<SandboxLead> = {
  type: 'leads',
  title: 'Lead',
  render: renderLead,
  orderBy: ['created_at', 'updated_at', 'id'],
  filters: leadFilters,
  all: (ctx) => ctx.store.leads.values(),
  pageById(ctx, start, limit, desc) {
    // Nothing is generated but the page.
    const leads = ctx.store.leads;
    const size = leads.size;
    const items: SandboxLead[] = [];
    for (let i = start; i < Math.min(size, start + limit); i++) {
      const id = leads.idAt(desc ? size - 1 - i : i);
      const lead = id === undefined ? undefined : leads.get(id);
      if (lead) items.push(lead);
    }
    return { items, size };
  },
};

/** One `_embedded.contacts` or `_embedded.companies` of a complex lead: an id or a new one. */
function complexPart(
  ctx: Ctx,
  value: unknown,
  type: 'contacts' | 'companies',
  issues: Issues,
): () => number | null {
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
  const plan = planEntity(ctx, type, first, 0, { mode: 'create', prefix: `_embedded.${type}.0.` });
  issues.list.push(...plan.issues.list);
  return () => plan.apply().id;
}

const COMPLEX_PARTS = new Set(['contacts', 'companies', 'metadata', 'source']);

function complexLead(ctx: Ctx, raw: unknown, i: number): Plan<Record<string, unknown>> {
  const { requestId, issues } = itemOf(raw, i);
  const item: JsonObject = isObject(raw) ? { ...raw } : {};
  const sent: JsonObject = isObject(item['_embedded']) ? item['_embedded'] : {};
  const { contacts, companies } = sent;
  // The lead itself is planned without the parts complex handles (or ignores).
  const embedded = Object.fromEntries(Object.entries(sent).filter(([k]) => !COMPLEX_PARTS.has(k)));
  if (isObject(raw)) item['_embedded'] = embedded;
  const leadPlan = planEntity(ctx, 'leads', isObject(raw) ? item : raw, i, { mode: 'create' });
  issues.list.push(...leadPlan.issues.list);
  const contact = complexPart(ctx, contacts, 'contacts', issues);
  const company = complexPart(ctx, companies, 'companies', issues);
  return {
    requestId,
    issues,
    apply: () => {
      const lead = leadPlan.apply();
      const contactId = contact();
      const companyId = company();
      const links = ctx.store.links;
      if (contactId !== null)
        links.attach('leads', lead.id, 'contacts', contactId, { is_main: true });
      if (companyId !== null) links.attach('leads', lead.id, 'companies', companyId, null);
      // A new contact and company of one complex lead are linked to each other.
      if (contactId !== null && companyId !== null)
        links.attach('contacts', contactId, 'companies', companyId, null);
      return {
        id: lead.id,
        contact_id: contactId,
        company_id: companyId,
        request_id: [requestId],
        merged: false,
      };
    },
  };
}

function complex(ctx: Ctx): Reply {
  // Kommo answers complex with a plain JSON array, not HAL.
  return { status: 200, body: batch(ctx, (raw, i) => complexLead(ctx, raw, i), MAX_COMPLEX_ITEMS) };
}

/** The lead routes. */
export const leads = family('leads', {
  ...entityRoutes(LEADS),
  'POST /api/v4/leads/complex': complex,
});
