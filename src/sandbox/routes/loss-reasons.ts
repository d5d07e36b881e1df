/**
 * Loss reasons: list, get, batch create, single `PATCH` and delete.
 *
 * @module
 */

import type { Ctx } from '../context.js';
import { ISSUE, fail, type Reply } from '../problems.js';
import { paginate, self } from '../render.js';
import { family } from '../router.js';
import type { SandboxLossReason } from '../types.js';
import { Issues, isObject, optInt, optString, type JsonObject } from '../validate.js';
import {
  batch,
  check,
  idParam,
  itemOf,
  itemReply,
  listReply,
  withRequestId,
  type Plan,
} from './shared.js';

const BASE = '/api/v4/leads/loss_reasons';

function render(ctx: Ctx, r: SandboxLossReason, requestId?: string): Record<string, unknown> {
  return withRequestId(ctx, r, `${BASE}/${String(r.id)}`, requestId);
}

function planReason(ctx: Ctx, raw: unknown, i: number): Plan<Record<string, unknown>> {
  const { item, requestId, issues } = itemOf(raw, i);
  const name = optString(item, 'name', '', issues);
  if (!name) issues.add(ISSUE.blank('name'));
  const sort = optInt(item, 'sort', '', issues);
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
      return render(ctx, r, requestId);
    },
  };
}

function update(ctx: Ctx): Reply {
  const r = ctx.store.lossReasons.get(idParam(ctx));
  if (!r) fail(404, 'Loss reason not found');
  const body: JsonObject = isObject(ctx.body) ? ctx.body : {};
  const issues = new Issues();
  const name = optString(body, 'name', '', issues);
  const sort = optInt(body, 'sort', '', issues);
  check(issues);
  const next = {
    ...r,
    ...(name ? { name } : {}),
    ...(typeof sort === 'number' ? { sort } : {}),
    updated_at: ctx.now,
  };
  ctx.store.lossReasons.set(next);
  return { status: 200, body: render(ctx, next) };
}

/** The loss reason routes. */
export const lossReasons = family('loss-reasons', {
  [`GET ${BASE}`]: (ctx) =>
    paginate(ctx, 'loss_reasons', [...ctx.store.lossReasons.values()], (r) => render(ctx, r)),
  [`POST ${BASE}`]: (ctx) =>
    listReply(
      ctx,
      'loss_reasons',
      batch(ctx, (raw, i) => planReason(ctx, raw, i)),
      { self: null },
    ),
  [`GET ${BASE}/:id`]: (ctx) =>
    itemReply(ctx.store.lossReasons.get(idParam(ctx)), (r) => ({
      ...r,
      _links: self(ctx, ctx.path),
    })),
  [`PATCH ${BASE}/:id`]: update,
  [`DELETE ${BASE}/:id`]: (ctx) => {
    if (!ctx.store.lossReasons.delete(idParam(ctx))) fail(404, 'Loss reason not found');
    return { status: 204 };
  },
});
