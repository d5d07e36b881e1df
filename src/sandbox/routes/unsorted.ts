/**
 * Unsorted (incoming leads): create from forms and SIP, list, get, accept, decline, link to a
 * lead, and the summary.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';
import { SINGULAR } from '../changes.js';
import type { Ctx } from '../context.js';
import { blankEntity } from '../entities.js';
import { HttpProblem, ISSUE, fail, validationFailed, type Reply } from '../problems.js';
import { listOf, recordOf, stringOf } from '../query.js';
import { paginate, self } from '../render.js';
import { family } from '../router.js';
import type { SandboxPipeline, SandboxUnsorted } from '../types.js';
import { isInt, isObject, optInt, type JsonObject } from '../validate.js';
import { batchBody, itemOf, itemReply, listReply, runPlans, type Plan } from './shared.js';

const BASE = '/api/v4/leads/unsorted';

/** Answers 400 with `NotSupportedChoice` at `path`. */
function refuse(path: string): never {
  throw new HttpProblem(validationFailed([{ request_id: '0', errors: [ISSUE.choice(path)] }]));
}

function renderUnsorted(ctx: Ctx, u: SandboxUnsorted): Record<string, unknown> {
  return {
    uid: u.uid,
    source_uid: u.source_uid,
    source_name: u.source_name,
    category: u.category,
    pipeline_id: u.pipeline_id,
    created_at: u.created_at,
    metadata: u.metadata,
    account_id: u.account_id,
    _links: self(ctx, `${BASE}/${u.uid}`),
    _embedded: embeddedOf(ctx, u),
  };
}

function embeddedOf(ctx: Ctx, u: SandboxUnsorted): Record<string, unknown> {
  const ref = (type: string, id: number | null) =>
    id === null ? [] : [{ id, _links: self(ctx, `/api/v4/${type}/${String(id)}`) }];
  return {
    leads: ref('leads', u.lead_id),
    contacts: ref('contacts', u.contact_id),
    companies: ref('companies', u.company_id),
  };
}

/** The lead of an unsorted item: in the pipeline's incoming stage until accepted. */
function insertLead(ctx: Ctx, data: JsonObject, pipeline: SandboxPipeline | undefined): number {
  const id = ctx.store.nextId('lead');
  ctx.store.leads.insert({
    ...blankEntity(ctx, 'leads'),
    id,
    name: typeof data['name'] === 'string' ? data['name'] : `Lead #${String(id)}`,
    price: typeof data['price'] === 'number' ? data['price'] : 0,
    status_id: pipeline?.statuses.find((s) => s.type === 1)?.id ?? 0,
    pipeline_id: pipeline?.id ?? 0,
    is_unsorted: true,
  });
  return id;
}

/** The contact or company of an unsorted item, linked to its lead. */
function insertPerson(
  ctx: Ctx,
  type: 'contacts' | 'companies',
  data: JsonObject,
  leadId: number,
): number {
  const id = ctx.store.nextId(SINGULAR[type]);
  const first = typeof data['first_name'] === 'string' ? data['first_name'] : '';
  const last = typeof data['last_name'] === 'string' ? data['last_name'] : '';
  const name = typeof data['name'] === 'string' ? data['name'] : `${first} ${last}`.trim();
  if (type === 'contacts')
    ctx.store.contacts.set({
      ...blankEntity(ctx, 'contacts'),
      id,
      name,
      first_name: first,
      last_name: last,
      is_unsorted: true,
    });
  else ctx.store.companies.set({ ...blankEntity(ctx, 'companies'), id, name });
  ctx.store.links.attach('leads', leadId, type, id, null);
  return id;
}

const FORM_METADATA = ['form_id', 'form_name', 'form_page', 'form_sent_at'];
const SIP_METADATA = ['uniq', 'phone', 'called_at', 'duration', 'service_code'];

function createUnsorted(category: 'forms' | 'sip') {
  return (ctx: Ctx): Reply => {
    const plans = batchBody(ctx).map((raw, i): Plan<Record<string, unknown>> => {
      const { item, requestId, issues } = itemOf(raw, i);
      for (const key of ['source_uid', 'source_name'])
        if (typeof item[key] !== 'string' || item[key] === '') issues.add(ISSUE.missing(key));
      const metadata = item['metadata'];
      if (!isObject(metadata)) issues.add(ISSUE.missing('metadata'));
      else
        for (const key of category === 'forms' ? FORM_METADATA : SIP_METADATA)
          if (metadata[key] === undefined) issues.add(ISSUE.missing(`metadata.${key}`));
      const pipelineId = optInt(item, 'pipeline_id', '', issues);
      const pipeline =
        typeof pipelineId === 'number'
          ? ctx.store.pipelines.get(pipelineId)
          : ctx.store.mainPipeline();
      if (!pipeline) issues.add(ISSUE.choice('pipeline_id'));
      const embedded: JsonObject = isObject(item['_embedded']) ? item['_embedded'] : {};
      const leads = embedded['leads'];
      if (!Array.isArray(leads) || leads.length !== 1) issues.add(ISSUE.missing('_embedded.leads'));
      const lead: JsonObject = Array.isArray(leads) && isObject(leads[0]) ? leads[0] : {};
      const contact =
        Array.isArray(embedded['contacts']) && isObject(embedded['contacts'][0])
          ? embedded['contacts'][0]
          : undefined;
      const company =
        Array.isArray(embedded['companies']) && isObject(embedded['companies'][0])
          ? embedded['companies'][0]
          : undefined;
      return {
        requestId,
        issues,
        apply: () => {
          const p = pipeline ?? ctx.store.mainPipeline();
          const leadId = insertLead(ctx, lead, p);
          const person = (type: 'contacts' | 'companies', data: JsonObject | undefined) =>
            data ? insertPerson(ctx, type, data, leadId) : null;
          const u: SandboxUnsorted = {
            uid: randomBytes(20).toString('hex'),
            source_uid: String(item['source_uid']),
            source_name: String(item['source_name']),
            category,
            pipeline_id: p?.id ?? 0,
            created_at: isInt(item['created_at']) ? item['created_at'] : ctx.now,
            metadata: isObject(metadata) ? { ...metadata } : {},
            account_id: ctx.store.account.id,
            lead_id: leadId,
            contact_id: person('contacts', contact),
            company_id: person('companies', company),
            state: 'pending',
          };
          ctx.store.unsorted.set(u.uid, u);
          return {
            uid: u.uid,
            account_id: u.account_id,
            request_id: requestId,
            _links: self(ctx, `${BASE}/${u.uid}`),
            _embedded: embeddedOf(ctx, u),
          };
        },
      };
    });
    return listReply(ctx, 'unsorted', runPlans(plans), { self: null });
  };
}

function pendingUnsorted(ctx: Ctx): SandboxUnsorted {
  const u = ctx.store.unsorted.get(ctx.params['uid'] ?? '');
  if (!u || u.state !== 'pending') fail(404, 'Unsorted not found');
  return u;
}

function listUnsorted(ctx: Ctx): Reply {
  const filter = recordOf(ctx.query['filter']);
  const uids = filter['uid'] === undefined ? undefined : new Set(listOf(filter['uid']));
  const categories =
    filter['category'] === undefined ? undefined : new Set(listOf(filter['category']));
  const pipeline = stringOf(filter['pipeline_id']);
  const items = [...ctx.store.unsorted.values()].filter(
    (u) =>
      u.state === 'pending' &&
      (uids === undefined || uids.has(u.uid)) &&
      (categories === undefined || categories.has(u.category)) &&
      (pipeline === undefined || String(u.pipeline_id) === pipeline),
  );
  return paginate(ctx, 'unsorted', items, (u) => renderUnsorted(ctx, u));
}

/** The answer to accept and decline: the item and what it brought in. */
function decided(u: SandboxUnsorted, embedded: Record<string, unknown>): Reply {
  const { uid, pipeline_id, category, created_at } = u;
  return { status: 200, body: { uid, pipeline_id, category, created_at, _embedded: embedded } };
}

function accept(ctx: Ctx): Reply {
  const u = pendingUnsorted(ctx);
  const body: JsonObject = isObject(ctx.body) ? ctx.body : {};
  const lead = ctx.store.leads.get(u.lead_id);
  const pipeline = ctx.store.pipelines.get(u.pipeline_id);
  const statusId = body['status_id'];
  let target = pipeline ? ctx.store.firstStage(pipeline) : 0;
  if (statusId !== undefined) {
    if (!isInt(statusId) || !pipeline?.statuses.some((s) => s.id === statusId && s.type === 0))
      refuse('status_id');
    target = statusId;
  }
  if (lead)
    ctx.store.leads.set({ ...lead, status_id: target, is_unsorted: false, updated_at: ctx.now });
  if (u.contact_id !== null) {
    const c = ctx.store.contacts.get(u.contact_id);
    if (c) ctx.store.contacts.set({ ...c, is_unsorted: false });
  }
  u.state = 'accepted';
  ctx.store.addEvent({
    type: 'lead_added',
    entity_id: u.lead_id,
    entity_type: 'lead',
    created_by: ctx.userId,
    created_at: ctx.now,
    value_after: [],
    value_before: [],
  });
  return decided(u, embeddedOf(ctx, u));
}

function decline(ctx: Ctx): Reply {
  const u = pendingUnsorted(ctx);
  const lead = ctx.store.leads.get(u.lead_id);
  if (lead) ctx.store.leads.set({ ...lead, is_deleted: true, updated_at: ctx.now });
  u.state = 'declined';
  const { leads, contacts } = embeddedOf(ctx, u);
  return decided(u, { leads, contacts });
}

function linkUnsorted(ctx: Ctx): Reply {
  const u = pendingUnsorted(ctx);
  const body: JsonObject = isObject(ctx.body) ? ctx.body : {};
  const target = isObject(body['link']) ? body['link'] : {};
  const id = target['entity_id'];
  if (target['entity_type'] !== 'leads' || !isInt(id) || !ctx.store.leads.has(id))
    refuse('link.entity_id');
  u.state = 'accepted';
  return {
    status: 200,
    body: {
      uid: u.uid,
      _embedded: { leads: [{ id, _links: self(ctx, `/api/v4/leads/${String(id)}`) }] },
    },
  };
}

function summary(ctx: Ctx): Reply {
  const all = [...ctx.store.unsorted.values()];
  const count = (f: (u: SandboxUnsorted) => boolean) => all.filter(f).length;
  return {
    status: 200,
    body: {
      total: all.length,
      accepted: count((u) => u.state === 'accepted'),
      declined: count((u) => u.state === 'declined'),
      average_sort_time: 0,
      categories: {
        sip: { total: count((u) => u.category === 'sip') },
        mail: { total: 0 },
        forms: { total: count((u) => u.category === 'forms') },
        chats: { total: 0 },
      },
    },
  };
}

/** The unsorted routes. */
export const unsorted = family('unsorted', {
  [`GET ${BASE}`]: listUnsorted,
  [`POST ${BASE}/forms`]: createUnsorted('forms'),
  [`POST ${BASE}/sip`]: createUnsorted('sip'),
  [`GET ${BASE}/summary`]: summary,
  [`GET ${BASE}/*uid`]: (ctx) => {
    const item = ctx.store.unsorted.get(ctx.params['uid'] ?? '');
    return itemReply(item?.state === 'pending' ? item : undefined, (u) => renderUnsorted(ctx, u));
  },
  [`POST ${BASE}/*uid/accept`]: accept,
  [`DELETE ${BASE}/*uid/decline`]: decline,
  [`POST ${BASE}/*uid/link`]: linkUnsorted,
});
