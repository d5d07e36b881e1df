/**
 * Unsorted (forms and sip create, list, get, accept, decline, link, summary), loss-reason
 * writes, the integration's sources, and catalogs with their elements.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';
import type { Ctx } from '../context.js';
import { HttpProblem, ISSUE, fail, validationFailed, type Reply } from '../problems.js';
import { intsOf, listOf, recordOf, stringOf } from '../query.js';
import { paginate, self } from '../render.js';
import type { Router } from '../router.js';
import type {
  SandboxCatalog,
  SandboxCatalogElement,
  SandboxLossReason,
  SandboxSource,
  SandboxUnsorted,
} from '../types.js';
import {
  Issues,
  isInt,
  isObject,
  optInt,
  optString,
  requestIdOf,
  type JsonObject,
} from '../validate.js';
import { batchBody, link, runPlans } from './entities.js';

// ---------------------------------------------------------------- unsorted

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
    _links: self(ctx, `/api/v4/leads/unsorted/${u.uid}`),
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

const FORM_METADATA = ['form_id', 'form_name', 'form_page', 'form_sent_at'];
const SIP_METADATA = ['uniq', 'phone', 'called_at', 'duration', 'service_code'];

function createUnsorted(category: 'forms' | 'sip') {
  return (ctx: Ctx): Reply => {
    const items = batchBody(ctx);
    const plans = items.map((raw, i) => {
      const issues = new Issues();
      const requestId = requestIdOf(raw, i);
      const item: JsonObject = isObject(raw) ? raw : {};
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
          const incoming = p?.statuses.find((s) => s.type === 1)?.id ?? 0;
          const leadId = ctx.store.nextId('lead');
          ctx.store.leads.insert({
            id: leadId,
            name: typeof lead['name'] === 'string' ? lead['name'] : `Lead #${String(leadId)}`,
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
            price: typeof lead['price'] === 'number' ? lead['price'] : 0,
            status_id: incoming,
            pipeline_id: p?.id ?? 0,
            loss_reason_id: null,
            closed_at: null,
            is_unsorted: true,
            score: null,
            labor_cost: null,
          });
          const newEntity = (type: 'contacts' | 'companies', data: JsonObject): number => {
            const id = ctx.store.nextId(type === 'contacts' ? 'contact' : 'company');
            const first = typeof data['first_name'] === 'string' ? data['first_name'] : '';
            const last = typeof data['last_name'] === 'string' ? data['last_name'] : '';
            const name =
              typeof data['name'] === 'string' ? data['name'] : `${first} ${last}`.trim();
            const base = {
              id,
              name,
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
            };
            if (type === 'contacts')
              ctx.store.contacts.set({
                ...base,
                first_name: first,
                last_name: last,
                is_unsorted: true,
              });
            else ctx.store.companies.set(base);
            link(ctx, 'leads', leadId, type, id, null);
            return id;
          };
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
            contact_id: contact ? newEntity('contacts', contact) : null,
            company_id: company ? newEntity('companies', company) : null,
            state: 'pending',
          };
          ctx.store.unsorted.set(u.uid, u);
          return {
            uid: u.uid,
            account_id: u.account_id,
            request_id: requestId,
            _links: self(ctx, `/api/v4/leads/unsorted/${u.uid}`),
            _embedded: embeddedOf(ctx, u),
          };
        },
      };
    });
    const refs = runPlans(plans);
    return { status: 200, body: { _total_items: refs.length, _embedded: { unsorted: refs } } };
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

function accept(ctx: Ctx): Reply {
  const u = pendingUnsorted(ctx);
  const body: JsonObject = isObject(ctx.body) ? ctx.body : {};
  const lead = ctx.store.leads.get(u.lead_id);
  const pipeline = ctx.store.pipelines.get(u.pipeline_id);
  const statusId = body['status_id'];
  let target = pipeline ? ctx.store.firstStage(pipeline) : 0;
  if (statusId !== undefined) {
    if (!isInt(statusId) || !pipeline?.statuses.some((s) => s.id === statusId && s.type === 0))
      throw new HttpProblem(
        validationFailed([{ request_id: '0', errors: [ISSUE.choice('status_id')] }]),
      );
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
  return {
    status: 200,
    body: {
      uid: u.uid,
      pipeline_id: u.pipeline_id,
      category: u.category,
      created_at: u.created_at,
      _embedded: embeddedOf(ctx, u),
    },
  };
}

function decline(ctx: Ctx): Reply {
  const u = pendingUnsorted(ctx);
  const lead = ctx.store.leads.get(u.lead_id);
  if (lead) ctx.store.leads.set({ ...lead, is_deleted: true, updated_at: ctx.now });
  u.state = 'declined';
  const embedded = embeddedOf(ctx, u);
  delete embedded['companies'];
  return {
    status: 200,
    body: {
      uid: u.uid,
      pipeline_id: u.pipeline_id,
      category: u.category,
      created_at: u.created_at,
      _embedded: embedded,
    },
  };
}

function linkUnsorted(ctx: Ctx): Reply {
  const u = pendingUnsorted(ctx);
  const body: JsonObject = isObject(ctx.body) ? ctx.body : {};
  const target = isObject(body['link']) ? body['link'] : {};
  const id = target['entity_id'];
  if (target['entity_type'] !== 'leads' || !isInt(id) || !ctx.store.leads.has(id))
    throw new HttpProblem(
      validationFailed([{ request_id: '0', errors: [ISSUE.choice('link.entity_id')] }]),
    );
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

// ---------------------------------------------------------------- loss reasons (writes)

function lossReasonRef(
  ctx: Ctx,
  r: SandboxLossReason,
  requestId?: string,
): Record<string, unknown> {
  return {
    ...r,
    ...(requestId === undefined ? {} : { request_id: requestId }),
    _links: self(ctx, `/api/v4/leads/loss_reasons/${String(r.id)}`),
  };
}

function createLossReasons(ctx: Ctx): Reply {
  const items = batchBody(ctx);
  const refs = runPlans(
    items.map((raw, i) => {
      const issues = new Issues();
      const item: JsonObject = isObject(raw) ? raw : {};
      const name = optString(item, 'name', '', issues);
      if (!name) issues.add(ISSUE.blank('name'));
      const sort = optInt(item, 'sort', '', issues);
      const requestId = requestIdOf(raw, i);
      return {
        requestId,
        issues,
        apply: () => {
          const r: SandboxLossReason = {
            id: ctx.store.nextId('lossReason') + 4_300_000,
            name: name ?? '',
            sort: typeof sort === 'number' ? sort : 1000,
            created_at: ctx.now,
            updated_at: ctx.now,
          };
          ctx.store.lossReasons.set(r);
          return lossReasonRef(ctx, r, requestId);
        },
      };
    }),
  );
  return { status: 200, body: { _total_items: refs.length, _embedded: { loss_reasons: refs } } };
}

function updateLossReason(ctx: Ctx): Reply {
  const r = ctx.store.lossReasons.get(Number(ctx.params['id']));
  if (!r) fail(404, 'Loss reason not found');
  const body: JsonObject = isObject(ctx.body) ? ctx.body : {};
  const issues = new Issues();
  const name = optString(body, 'name', '', issues);
  const sort = optInt(body, 'sort', '', issues);
  runPlans([{ requestId: '0', issues, apply: () => undefined }]);
  const next = {
    ...r,
    ...(name ? { name } : {}),
    ...(typeof sort === 'number' ? { sort } : {}),
    updated_at: ctx.now,
  };
  ctx.store.lossReasons.set(next);
  return { status: 200, body: lossReasonRef(ctx, next) };
}

// ---------------------------------------------------------------- sources

function renderSource(ctx: Ctx, s: SandboxSource, requestId?: string): Record<string, unknown> {
  return {
    ...s,
    ...(requestId === undefined ? {} : { request_id: requestId }),
    _links: self(ctx, `/api/v4/sources/${String(s.id)}`),
  };
}

function writeSources(mode: 'create' | 'update') {
  return (ctx: Ctx): Reply => {
    const items = batchBody(ctx, 50);
    const refs = runPlans(
      items.map((raw, i) => {
        const issues = new Issues();
        const item: JsonObject = isObject(raw) ? raw : {};
        const requestId = requestIdOf(raw, i);
        const existing =
          mode === 'update'
            ? isInt(item['id'])
              ? ctx.store.sources.get(item['id'])
              : undefined
            : undefined;
        if (mode === 'update' && !existing) issues.add(ISSUE.choice('id'));
        if (mode === 'update' && item['external_id'] !== undefined)
          issues.add(ISSUE.unexpected('external_id'));
        const name = optString(item, 'name', '', issues);
        const externalId = optString(item, 'external_id', '', issues);
        if (mode === 'create') {
          if (!name) issues.add(ISSUE.blank('name'));
          if (!externalId) issues.add(ISSUE.blank('external_id'));
          else if (ctx.store.sources.filter((s) => s.external_id === externalId).length > 0)
            issues.add(ISSUE.choice('external_id'));
        }
        const pipelineId = optInt(item, 'pipeline_id', '', issues);
        if (typeof pipelineId === 'number' && !ctx.store.pipelines.has(pipelineId))
          issues.add(ISSUE.choice('pipeline_id'));
        return {
          requestId,
          issues,
          apply: () => {
            const s: SandboxSource = existing
              ? { ...existing }
              : {
                  id: ctx.store.nextId('source') + 1_000,
                  name: '',
                  external_id: externalId ?? '',
                  pipeline_id: ctx.store.mainPipeline()?.id ?? 0,
                  default: false,
                  origin_code: null,
                  services: [],
                };
            if (name) s.name = name;
            if (typeof pipelineId === 'number') s.pipeline_id = pipelineId;
            if (typeof item['default'] === 'boolean') s.default = item['default'];
            if (typeof item['origin_code'] === 'string' || item['origin_code'] === null)
              s.origin_code = item['origin_code'];
            if (Array.isArray(item['services'])) s.services = item['services'];
            ctx.store.sources.set(s);
            return renderSource(ctx, s, requestId);
          },
        };
      }),
    );
    return { status: 200, body: { _total_items: refs.length, _embedded: { sources: refs } } };
  };
}

function deleteSources(ctx: Ctx): Reply {
  const items = batchBody(ctx, 50);
  const ids = items.map((raw) => (isObject(raw) && isInt(raw['id']) ? raw['id'] : -1));
  const errors = ids.flatMap((id, i) =>
    ctx.store.sources.has(id)
      ? []
      : [
          {
            request_id: String(i),
            errors: { code: 'EntityNotFound', path: 'id', detail: 'Source not found' },
          },
        ],
  );
  if (errors.length > 0) fail(400, 'Invalid request items', { errors });
  for (const id of ids) ctx.store.sources.delete(id);
  return { status: 204 };
}

// ---------------------------------------------------------------- catalogs

function renderCatalog(ctx: Ctx, c: SandboxCatalog, requestId?: string): Record<string, unknown> {
  return {
    ...c,
    ...(requestId === undefined ? {} : { request_id: requestId }),
    _links: self(ctx, `/api/v4/catalogs/${String(c.id)}`),
  };
}

function renderElement(
  ctx: Ctx,
  e: SandboxCatalogElement,
  requestId?: string,
): Record<string, unknown> {
  return {
    ...e,
    ...(requestId === undefined ? {} : { request_id: requestId }),
    _links: self(ctx, `/api/v4/catalogs/${String(e.catalog_id)}/elements/${String(e.id)}`),
  };
}

function writeCatalogs(mode: 'create' | 'update', fixed: boolean) {
  return (ctx: Ctx): Reply => {
    const items = fixed ? [ctx.body] : batchBody(ctx);
    if (fixed && !isObject(ctx.body)) fail(400, 'Request data can not be empty');
    const plans = items.map((raw, i) => {
      const issues = new Issues();
      const item: JsonObject = isObject(raw) ? raw : {};
      const requestId = requestIdOf(raw, i);
      const id = fixed ? Number(ctx.params['id']) : item['id'];
      const existing = mode === 'update' && isInt(id) ? ctx.store.catalogs.get(id) : undefined;
      if (mode === 'update' && !existing) issues.add(ISSUE.choice('id'));
      const name = optString(item, 'name', '', issues);
      if (!name) issues.add(ISSUE.blank('name'));
      const type = item['type'];
      if (
        mode === 'create' &&
        type !== undefined &&
        type !== 'regular' &&
        type !== 'invoices' &&
        type !== 'products'
      )
        issues.add(ISSUE.choice('type'));
      if (mode === 'create' && ctx.store.catalogs.size + items.length > 10)
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
    });
    const refs = runPlans(plans);
    if (fixed) return { status: 200, body: refs[0] };
    return { status: 200, body: { _total_items: refs.length, _embedded: { catalogs: refs } } };
  };
}

function catalogOf(ctx: Ctx): SandboxCatalog {
  const c = ctx.store.catalogs.get(Number(ctx.params['id']));
  if (!c) fail(404, 'Catalog not found');
  return c;
}

function writeElements(mode: 'create' | 'update', fixed: boolean) {
  return (ctx: Ctx): Reply => {
    const catalog = catalogOf(ctx);
    const items = fixed ? [ctx.body] : batchBody(ctx);
    if (fixed && !isObject(ctx.body)) fail(400, 'Request data can not be empty');
    const plans = items.map((raw, i) => {
      const issues = new Issues();
      const item: JsonObject = isObject(raw) ? raw : {};
      const requestId = requestIdOf(raw, i);
      const id = fixed ? Number(ctx.params['elementId']) : item['id'];
      const existing =
        mode === 'update' && isInt(id) ? ctx.store.catalogElements.get(id) : undefined;
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
    });
    const refs = runPlans(plans);
    if (fixed) return { status: 200, body: refs[0] };
    return { status: 200, body: { _total_items: refs.length, _embedded: { elements: refs } } };
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
    const elementId = Number(ctx.params['elementId']);
    if (ctx.store.catalogElements.get(elementId)?.catalog_id !== catalog.id)
      fail(404, 'Element not found');
    const items = batchBody(ctx);
    runPlans(
      items.map((raw, i) => {
        const issues = new Issues();
        const item: JsonObject = isObject(raw) ? raw : {};
        const toId = item['to_entity_id'];
        if (item['to_entity_type'] !== 'leads' || !isInt(toId) || !ctx.store.leads.has(toId))
          issues.add(ISSUE.choice('to_entity_id'));
        const metadata = isObject(item['metadata']) ? item['metadata'] : {};
        return {
          requestId: requestIdOf(raw, i),
          issues,
          apply: () => {
            if (action === 'unlink')
              ctx.store.links.unlink('leads', toId as number, 'catalog_elements', elementId);
            else
              link(ctx, 'leads', toId as number, 'catalog_elements', elementId, {
                catalog_id: catalog.id,
                quantity: metadata['quantity'] ?? 1,
                price_id: metadata['price_id'] ?? null,
              });
          },
        };
      }),
    );
    return { status: 204 };
  };
}

/** Registers unsorted, loss-reason write, source and catalog routes. */
export function registerListRoutes(router: Router): void {
  const u = '/api/v4/leads/unsorted';
  router.add('GET', u, listUnsorted);
  router.add('POST', `${u}/forms`, createUnsorted('forms'));
  router.add('POST', `${u}/sip`, createUnsorted('sip'));
  router.add('GET', `${u}/summary`, summary);
  router.add('GET', `${u}/*uid`, (ctx) => {
    const item = ctx.store.unsorted.get(ctx.params['uid'] ?? '');
    return item?.state === 'pending'
      ? { status: 200, body: renderUnsorted(ctx, item) }
      : { status: 204 };
  });
  router.add('POST', `${u}/*uid/accept`, accept);
  router.add('DELETE', `${u}/*uid/decline`, decline);
  router.add('POST', `${u}/*uid/link`, linkUnsorted);

  router.add('POST', '/api/v4/leads/loss_reasons', createLossReasons);
  router.add('PATCH', '/api/v4/leads/loss_reasons/:id', updateLossReason);
  router.add('DELETE', '/api/v4/leads/loss_reasons/:id', (ctx) => {
    if (!ctx.store.lossReasons.delete(Number(ctx.params['id']))) fail(404, 'Loss reason not found');
    return { status: 204 };
  });

  router.add('GET', '/api/v4/sources', (ctx) => {
    const wanted = listOf(recordOf(ctx.query['filter'])['external_id']);
    const all = ctx.store.sources.filter(
      (s) => wanted.length === 0 || wanted.includes(s.external_id),
    );
    if (all.length === 0) return { status: 204 };
    return {
      status: 200,
      body: {
        _total_items: all.length,
        _links: self(ctx, ctx.path),
        _embedded: { sources: all.slice(0, 100).map((s) => renderSource(ctx, s)) },
      },
    };
  });
  router.add('POST', '/api/v4/sources', writeSources('create'));
  router.add('PATCH', '/api/v4/sources', writeSources('update'));
  router.add('DELETE', '/api/v4/sources', deleteSources);
  router.add('GET', '/api/v4/sources/:id', (ctx) => {
    const s = ctx.store.sources.get(Number(ctx.params['id']));
    return s ? { status: 200, body: renderSource(ctx, s) } : { status: 204 };
  });
  router.add('PATCH', '/api/v4/sources/:id', (ctx) => {
    if (!isObject(ctx.body)) fail(400, 'Request data can not be empty');
    ctx.body = [{ ...ctx.body, id: Number(ctx.params['id']) }];
    const reply = writeSources('update')(ctx);
    const refs = (reply.body as { _embedded: { sources: unknown[] } })._embedded.sources;
    return { status: 200, body: refs[0] };
  });
  router.add('DELETE', '/api/v4/sources/:id', (ctx) => {
    if (!ctx.store.sources.delete(Number(ctx.params['id']))) fail(404, 'Source not found');
    return { status: 204 };
  });

  router.add('GET', '/api/v4/catalogs', (ctx) =>
    paginate(ctx, 'catalogs', ctx.store.catalogs.toArray(), (c) => renderCatalog(ctx, c)),
  );
  router.add('POST', '/api/v4/catalogs', writeCatalogs('create', false));
  router.add('PATCH', '/api/v4/catalogs', writeCatalogs('update', false));
  router.add('GET', '/api/v4/catalogs/:id', (ctx) => {
    const c = ctx.store.catalogs.get(Number(ctx.params['id']));
    return c ? { status: 200, body: renderCatalog(ctx, c) } : { status: 204 };
  });
  router.add('PATCH', '/api/v4/catalogs/:id', writeCatalogs('update', true));
  router.add('GET', '/api/v4/catalogs/:id/elements', listElements);
  router.add('POST', '/api/v4/catalogs/:id/elements', writeElements('create', false));
  router.add('PATCH', '/api/v4/catalogs/:id/elements', writeElements('update', false));
  router.add('GET', '/api/v4/catalogs/:id/elements/:elementId', (ctx) => {
    const e = ctx.store.catalogElements.get(Number(ctx.params['elementId']));
    return e && e.catalog_id === Number(ctx.params['id'])
      ? { status: 200, body: renderElement(ctx, e) }
      : { status: 204 };
  });
  router.add('PATCH', '/api/v4/catalogs/:id/elements/:elementId', writeElements('update', true));
  router.add('POST', '/api/v4/catalogs/:id/elements/:elementId/link', linkElement('link'));
  router.add('POST', '/api/v4/catalogs/:id/elements/:elementId/unlink', linkElement('unlink'));
}
