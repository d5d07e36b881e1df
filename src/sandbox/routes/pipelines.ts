/**
 * Pipelines and their stages: list, get, create (arrays), update and delete, with Kommo's
 * system stages (incoming leads, won, lost) in every pipeline.
 *
 * @module
 */

import {
  LOST_STATUS_ID,
  MAX_PIPELINES,
  MAX_STATUSES,
  STATUS_COLORS,
  WON_STATUS_ID,
} from '../../facts.js';
import type { Ctx } from '../context.js';
import { ISSUE, fail, type Reply } from '../problems.js';
import { self, withSet } from '../render.js';
import { family } from '../router.js';
import type { SandboxPipeline, SandboxStatus } from '../types.js';
import {
  Issues,
  checkKeys,
  isInt,
  isObject,
  optString,
  requestIdOf,
  type JsonObject,
} from '../validate.js';
import {
  batchBody,
  check,
  idParam,
  itemOf,
  itemReply,
  listReply,
  objectBody,
  runPlans,
  type Plan,
} from './shared.js';

const COLORS: ReadonlySet<string> = new Set(STATUS_COLORS);
const UPDATE_KEYS = new Set([
  'name',
  'sort',
  'is_main',
  'is_unsorted_on',
  'is_archive',
  'request_id',
]);
const CREATE_KEYS = new Set([...UPDATE_KEYS, '_embedded']);

function renderStatus(ctx: Ctx, s: SandboxStatus, descriptions: boolean): Record<string, unknown> {
  const { descriptions: d, ...fields } = s;
  return {
    ...fields,
    ...(descriptions ? { descriptions: d } : {}),
    _links: self(ctx, `/api/v4/leads/pipelines/${String(s.pipeline_id)}/statuses/${String(s.id)}`),
  };
}

function renderPipeline(
  ctx: Ctx,
  p: SandboxPipeline,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const { statuses, ...fields } = p;
  return {
    ...fields,
    ...extra,
    _links: self(ctx, `/api/v4/leads/pipelines/${String(p.id)}`),
    _embedded: { statuses: statuses.map((s) => renderStatus(ctx, s, false)) },
  };
}

function pipelineOr404(ctx: Ctx): SandboxPipeline {
  const p = ctx.store.pipelines.get(idParam(ctx));
  if (!p) fail(404, 'Pipeline not found');
  return p;
}

function sortStatuses(p: SandboxPipeline): void {
  p.statuses.sort((a, b) => a.sort - b.sort || a.id - b.id);
}

function statusInput(
  ctx: Ctx,
  raw: JsonObject,
  prefix: string,
  issues: Issues,
  existing?: SandboxStatus,
): Partial<SandboxStatus> {
  checkKeys(
    raw,
    new Set(['id', 'name', 'sort', 'color', 'descriptions', 'request_id', 'type']),
    prefix,
    issues,
  );
  const out: Partial<SandboxStatus> = {};
  const name = optString(raw, 'name', prefix, issues);
  if (name !== undefined) {
    if (name.trim() === '') issues.add(ISSUE.blank(`${prefix}name`));
    out.name = name;
  } else if (!existing && raw['id'] === undefined) issues.add(ISSUE.missing(`${prefix}name`));
  if (raw['sort'] !== undefined) {
    if (isInt(raw['sort'])) out.sort = raw['sort'];
    else issues.add(ISSUE.type(`${prefix}sort`, 'int'));
  } else if (!existing && raw['id'] === undefined) issues.add(ISSUE.missing(`${prefix}sort`));
  if (raw['color'] !== undefined) {
    if (typeof raw['color'] === 'string' && COLORS.has(raw['color'].toLowerCase()))
      out.color = raw['color'];
    else issues.add(ISSUE.choice(`${prefix}color`));
  }
  if (raw['descriptions'] !== undefined) {
    if (!Array.isArray(raw['descriptions']))
      issues.add(ISSUE.type(`${prefix}descriptions`, 'array'));
    else {
      const stamp = new Date(ctx.now * 1000).toISOString().slice(0, 19).replace('T', ' ');
      out.descriptions = raw['descriptions'].filter(isObject).map((d, i) => ({
        id: ctx.store.nextId('statusDescription'),
        account_id: ctx.store.account.id,
        created_at: stamp,
        updated_at: stamp,
        created_by: ctx.userId,
        updated_by: null,
        level:
          typeof d['level'] === 'string'
            ? d['level']
            : (['newbie', 'candidate', 'master'][i] ?? 'newbie'),
        description: typeof d['description'] === 'string' ? d['description'].slice(0, 1000) : '',
      }));
    }
  }
  return out;
}

function newStatus(
  ctx: Ctx,
  pipelineId: number,
  input: Partial<SandboxStatus>,
  id = ctx.store.nextId('status', 3),
): SandboxStatus {
  return {
    id,
    name: input.name ?? 'Stage',
    sort: input.sort ?? 100,
    is_editable: true,
    pipeline_id: pipelineId,
    color: input.color ?? '#99ccff',
    type: 0,
    account_id: ctx.store.account.id,
    descriptions: (input.descriptions ?? []).map((d) => ({
      ...d,
      pipeline_id: pipelineId,
      status_id: id,
    })),
  };
}

function listPipelines(ctx: Ctx): Reply {
  const all = [...ctx.store.pipelines.values()].sort((a, b) => a.sort - b.sort || a.id - b.id);
  return listReply(
    ctx,
    'pipelines',
    all.map((p) => renderPipeline(ctx, p)),
  );
}

function createPipelines(ctx: Ctx): Reply {
  const items = batchBody(ctx);
  if (ctx.store.pipelines.size + items.length > MAX_PIPELINES)
    fail(400, `Limit of ${String(MAX_PIPELINES)} pipelines per account reached`);
  const plans = items.map((raw, i) => {
    const { item, requestId, issues } = itemOf(raw, i);
    checkKeys(item, CREATE_KEYS, '', issues);
    const name = optString(item, 'name', '', issues);
    if (name === undefined) issues.add(ISSUE.missing('name'));
    for (const key of ['is_main', 'is_unsorted_on'] as const) {
      if (typeof item[key] !== 'boolean')
        issues.add(item[key] === undefined ? ISSUE.missing(key) : ISSUE.type(key, 'bool'));
    }
    if (!isInt(item['sort']))
      issues.add(item['sort'] === undefined ? ISSUE.missing('sort') : ISSUE.type('sort', 'int'));
    const embedded = isObject(item['_embedded']) ? item['_embedded'] : {};
    const rawStatuses = Array.isArray(embedded['statuses']) ? embedded['statuses'] : [];
    const statuses = rawStatuses.map((s: unknown, j) =>
      isObject(s)
        ? { raw: s, input: statusInput(ctx, s, `_embedded.statuses.${String(j)}.`, issues) }
        : undefined,
    );
    return {
      requestId,
      issues,
      apply: () => {
        const id = ctx.store.nextId('pipeline', 3);
        const p: SandboxPipeline = {
          id,
          name: name ?? '',
          sort: item['sort'] as number,
          is_main: item['is_main'] === true,
          is_unsorted_on: item['is_unsorted_on'] === true,
          is_archive: item['is_archive'] === true,
          account_id: ctx.store.account.id,
          statuses: [],
        };
        if (p.is_unsorted_on)
          p.statuses.push({
            ...newStatus(ctx, id, { name: 'Incoming leads', sort: 10, color: '#c1c1c1' }),
            is_editable: false,
            type: 1,
          });
        let won = 'Closed - won';
        let lost = 'Closed - lost';
        for (const s of statuses) {
          if (!s) continue;
          // Won and lost exist in every pipeline; their names can be set here.
          if (s.raw['id'] === WON_STATUS_ID) won = s.input.name ?? won;
          else if (s.raw['id'] === LOST_STATUS_ID) lost = s.input.name ?? lost;
          else p.statuses.push(newStatus(ctx, id, s.input));
        }
        p.statuses.push({
          ...newStatus(ctx, id, { name: won, sort: 10_000, color: '#CCFF66' }, WON_STATUS_ID),
          is_editable: false,
        });
        p.statuses.push({
          ...newStatus(ctx, id, { name: lost, sort: 11_000, color: '#D5D8DB' }, LOST_STATUS_ID),
          is_editable: false,
        });
        sortStatuses(p);
        if (p.is_main) for (const other of ctx.store.pipelines.values()) other.is_main = false;
        ctx.store.pipelines.set(p);
        return renderPipeline(ctx, p, { request_id: requestId });
      },
    };
  });
  return listReply(ctx, 'pipelines', runPlans(plans));
}

function updatePipeline(ctx: Ctx): Reply {
  const p = pipelineOr404(ctx);
  const item = objectBody(ctx, { nonEmpty: true });
  const issues = new Issues();
  checkKeys(item, UPDATE_KEYS, '', issues);
  const name = optString(item, 'name', '', issues);
  if (item['sort'] !== undefined && !isInt(item['sort'])) issues.add(ISSUE.type('sort', 'int'));
  for (const key of ['is_main', 'is_unsorted_on', 'is_archive'] as const) {
    if (item[key] !== undefined && typeof item[key] !== 'boolean')
      issues.add(ISSUE.type(key, 'bool'));
  }
  const requestId = requestIdOf(item, 0);
  check(issues, requestId);
  if (name !== undefined) p.name = name;
  if (isInt(item['sort'])) p.sort = item['sort'];
  if (item['is_main'] === true) {
    for (const other of ctx.store.pipelines.values()) other.is_main = false;
    p.is_main = true;
  }
  if (typeof item['is_archive'] === 'boolean') p.is_archive = item['is_archive'];
  if (typeof item['is_unsorted_on'] === 'boolean') p.is_unsorted_on = item['is_unsorted_on'];
  return { status: 200, body: renderPipeline(ctx, p, { request_id: requestId }) };
}

function leadsIn(
  ctx: Ctx,
  test: (l: { pipeline_id: number; status_id: number }) => boolean,
): boolean {
  for (const lead of ctx.store.leads.values()) if (test(lead)) return true;
  return false;
}

function deletePipeline(ctx: Ctx): Reply {
  const p = pipelineOr404(ctx);
  if (ctx.store.pipelines.size <= 1) fail(400, 'The last pipeline cannot be deleted');
  if (p.is_main) fail(400, 'The main pipeline cannot be deleted');
  if (leadsIn(ctx, (l) => l.pipeline_id === p.id))
    fail(400, 'A pipeline with leads cannot be deleted');
  ctx.store.pipelines.delete(p.id);
  return { status: 204 };
}

function listStatuses(ctx: Ctx): Reply {
  const p = pipelineOr404(ctx);
  const d = withSet(ctx).has('descriptions');
  return listReply(
    ctx,
    'statuses',
    p.statuses.map((s) => renderStatus(ctx, s, d)),
  );
}

function statusOf(ctx: Ctx, p: SandboxPipeline): SandboxStatus | undefined {
  return p.statuses.find((s) => s.id === idParam(ctx, 'statusId'));
}

function getStatus(ctx: Ctx): Reply {
  const p = pipelineOr404(ctx);
  return itemReply(statusOf(ctx, p), (s) => renderStatus(ctx, s, withSet(ctx).has('descriptions')));
}

function createStatuses(ctx: Ctx): Reply {
  const p = pipelineOr404(ctx);
  const items = batchBody(ctx);
  if (p.statuses.length + items.length > MAX_STATUSES)
    fail(400, `Limit of ${String(MAX_STATUSES)} statuses per pipeline reached`);
  const plans = items.map((raw, i): Plan<Record<string, unknown>> => {
    const issues = new Issues();
    const requestId = requestIdOf(raw, i);
    const input = isObject(raw) ? statusInput(ctx, raw, '', issues) : {};
    if (!isObject(raw)) issues.add(ISSUE.type(String(i), 'array'));
    if (input.name === undefined) issues.add(ISSUE.missing('name'));
    return {
      requestId,
      issues,
      apply: () => {
        const s = newStatus(ctx, p.id, input);
        p.statuses.push(s);
        sortStatuses(p);
        return { ...renderStatus(ctx, s, false), request_id: requestId };
      },
    };
  });
  return listReply(ctx, 'statuses', runPlans(plans));
}

function updateStatus(ctx: Ctx): Reply {
  const p = pipelineOr404(ctx);
  const s = statusOf(ctx, p);
  if (!s) fail(404, 'Status not found');
  const body = objectBody(ctx, { nonEmpty: true });
  const issues = new Issues();
  const input = statusInput(ctx, body, '', issues, s);
  if (
    !s.is_editable &&
    (input.sort !== undefined ||
      input.color !== undefined ||
      (input.name !== undefined && s.type === 1))
  ) {
    issues.add(ISSUE.choice('id'));
  }
  const requestId = requestIdOf(body, 0);
  check(issues, requestId);
  Object.assign(s, input);
  sortStatuses(p);
  return { status: 200, body: { ...renderStatus(ctx, s, false), request_id: requestId } };
}

function deleteStatus(ctx: Ctx): Reply {
  const p = pipelineOr404(ctx);
  const s = statusOf(ctx, p);
  if (!s) fail(404, 'Status not found');
  if (!s.is_editable) fail(400, 'This status cannot be deleted');
  p.statuses = p.statuses.filter((x) => x !== s);
  // Leads of a deleted stage move to the first stage of the pipeline.
  const first = ctx.store.firstStage(p);
  for (const lead of ctx.store.leads.values()) {
    if (lead.pipeline_id === p.id && lead.status_id === s.id)
      ctx.store.leads.set({ ...lead, status_id: first });
  }
  return { status: 204 };
}

/** The pipeline and stage routes. */
export const pipelines = family('pipelines', {
  'GET /api/v4/leads/pipelines': listPipelines,
  'POST /api/v4/leads/pipelines': createPipelines,
  'GET /api/v4/leads/pipelines/:id': (ctx) => ({
    status: 200,
    body: renderPipeline(ctx, pipelineOr404(ctx)),
  }),
  'PATCH /api/v4/leads/pipelines/:id': updatePipeline,
  'DELETE /api/v4/leads/pipelines/:id': deletePipeline,
  'GET /api/v4/leads/pipelines/:id/statuses': listStatuses,
  'POST /api/v4/leads/pipelines/:id/statuses': createStatuses,
  'GET /api/v4/leads/pipelines/:id/statuses/:statusId': getStatus,
  'PATCH /api/v4/leads/pipelines/:id/statuses/:statusId': updateStatus,
  'DELETE /api/v4/leads/pipelines/:id/statuses/:statusId': deleteStatus,
});
