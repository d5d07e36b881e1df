/**
 * The integration's sources: list (`filter[external_id]`, no paging), get, batch create and
 * update, single `PATCH`, batch and single delete.
 *
 * @module
 */

import type { Ctx } from '../context.js';
import { MAX_SOURCES_LISTED, MAX_SOURCES_PER_REQUEST } from '../limits.js';
import { ISSUE, fail, type Reply } from '../problems.js';
import { listOf, recordOf } from '../query.js';
import { family } from '../router.js';
import type { SandboxSource } from '../types.js';
import { isInt, isObject, optInt, optString } from '../validate.js';
import {
  batch,
  batchBody,
  idParam,
  itemOf,
  itemReply,
  listReply,
  objectBody,
  withRequestId,
  type Plan,
} from './shared.js';

const render = (ctx: Ctx, s: SandboxSource, requestId?: string): Record<string, unknown> =>
  withRequestId(ctx, s, `/api/v4/sources/${String(s.id)}`, requestId);

function planSource(
  ctx: Ctx,
  mode: 'create' | 'update',
  raw: unknown,
  i: number,
): Plan<Record<string, unknown>> {
  const { item, requestId, issues } = itemOf(raw, i);
  const existing =
    mode === 'update' && isInt(item['id']) ? ctx.store.sources.get(item['id']) : undefined;
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
      return render(ctx, s, requestId);
    },
  };
}

function write(ctx: Ctx, mode: 'create' | 'update'): unknown[] {
  return batch(ctx, (raw, i) => planSource(ctx, mode, raw, i), MAX_SOURCES_PER_REQUEST);
}

function list(ctx: Ctx): Reply {
  const wanted = listOf(recordOf(ctx.query['filter'])['external_id']);
  const all = ctx.store.sources.filter(
    (s) => wanted.length === 0 || wanted.includes(s.external_id),
  );
  if (all.length === 0) return { status: 204 };
  const shown = all.slice(0, MAX_SOURCES_LISTED).map((s) => render(ctx, s));
  return listReply(ctx, 'sources', shown, { total: all.length });
}

function deleteMany(ctx: Ctx): Reply {
  const items = batchBody(ctx, MAX_SOURCES_PER_REQUEST);
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

/** The source routes. */
export const sources = family('sources', {
  'GET /api/v4/sources': list,
  'POST /api/v4/sources': (ctx) => listReply(ctx, 'sources', write(ctx, 'create'), { self: null }),
  'PATCH /api/v4/sources': (ctx) => listReply(ctx, 'sources', write(ctx, 'update'), { self: null }),
  'DELETE /api/v4/sources': deleteMany,
  'GET /api/v4/sources/:id': (ctx) =>
    itemReply(ctx.store.sources.get(idParam(ctx)), (s) => render(ctx, s)),
  'PATCH /api/v4/sources/:id': (ctx) => {
    ctx.body = [{ ...objectBody(ctx), id: idParam(ctx) }];
    return { status: 200, body: write(ctx, 'update')[0] };
  },
  'DELETE /api/v4/sources/:id': (ctx) => {
    if (!ctx.store.sources.delete(idParam(ctx))) fail(404, 'Source not found');
    return { status: 204 };
  },
});
