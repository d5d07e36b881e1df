/**
 * The tag dictionaries of leads, contacts and companies: list (`filter[name]`, `filter[id]`,
 * `query`) and batch create. Tags are attached through the entities' own writes.
 *
 * @module
 */

import type { Ctx } from '../context.js';
import { CARD_TYPES } from '../entities.js';
import { ISSUE, type Reply } from '../problems.js';
import { intsOf, recordOf, stringOf } from '../query.js';
import { paginate } from '../render.js';
import { family, forEach } from '../router.js';
import type { SandboxCardType, SandboxTag } from '../types.js';
import { batch, itemOf, listReply, type Plan } from './shared.js';

function list(ctx: Ctx, type: SandboxCardType): Reply {
  const filter = recordOf(ctx.query['filter']);
  const name = stringOf(filter['name'])?.toLowerCase();
  const ids = filter['id'] === undefined ? undefined : new Set(intsOf(filter['id']));
  const q = stringOf(ctx.query['query'])?.toLowerCase();
  const tags = [...ctx.store.tags.table(type).values()].filter(
    (t) =>
      (name === undefined || t.name.toLowerCase() === name) &&
      (ids === undefined || ids.has(t.id)) &&
      (q === undefined || t.name.toLowerCase().includes(q)),
  );
  return paginate(ctx, 'tags', tags, (t) => ({ ...t }));
}

function planTag(
  ctx: Ctx,
  type: SandboxCardType,
  raw: unknown,
  i: number,
): Plan<SandboxTag & { request_id: string }> {
  const { item, requestId, issues } = itemOf(raw, i);
  if (typeof item['name'] !== 'string' || item['name'].trim() === '')
    issues.add(ISSUE.blank('name'));
  const color = item['color'];
  if (color !== undefined && color !== null && typeof color !== 'string')
    issues.add(ISSUE.type('color', 'string'));
  return {
    requestId,
    issues,
    apply: () => {
      const name = item['name'] as string;
      const tag = ctx.store.tags.ensure(type, name, typeof color === 'string' ? color : null);
      return { ...tag, request_id: requestId };
    },
  };
}

/** The tag routes of leads, contacts, companies and customers. */
export const tags = family(
  'tags',
  forEach(CARD_TYPES, (type) => ({
    [`GET /api/v4/${type}/tags`]: (ctx) => list(ctx, type),
    [`POST /api/v4/${type}/tags`]: (ctx) =>
      listReply(
        ctx,
        'tags',
        batch(ctx, (raw, i) => planTag(ctx, type, raw, i)),
      ),
  })),
);
