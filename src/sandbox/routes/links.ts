/**
 * Links of leads, contacts and companies: list one entity's or many entities' links (with
 * `filter[to_entity_type]`, `filter[to_entity_id]`, `filter[to_catalog_id]`), link and unlink,
 * per entity or in a batch.
 *
 * @module
 */

import { MAX_LINKS } from '../../facts.js';
import { SINGULAR } from '../changes.js';
import type { Ctx } from '../context.js';
import { CARD_TYPES } from '../entities.js';
import { cardExists } from '../models/customers.js';
import { ISSUE, fail, type Reply } from '../problems.js';
import { intsOf, recordOf, stringOf } from '../query.js';
import { family, forEach } from '../router.js';
import type { SandboxCardType, SandboxLink } from '../types.js';
import { isInt, isObject } from '../validate.js';
import { batchBody, idParam, itemOf, listReply, runPlans, type Plan } from './shared.js';

const TARGETS = new Set(['leads', 'contacts', 'companies', 'customers', 'catalog_elements']);
const CARD_TARGETS = new Set<string>(CARD_TYPES);

function renderLinks(ctx: Ctx, links: SandboxLink[]): Reply {
  if (links.length === 0) return { status: 204 };
  return listReply(
    ctx,
    'links',
    links.map((l) => ({
      entity_id: l.entity_id,
      entity_type: l.entity_type,
      to_entity_id: l.to_entity_id,
      to_entity_type: l.to_entity_type,
      metadata: l.metadata,
    })),
  );
}

function linkFilter(ctx: Ctx): (l: SandboxLink) => boolean {
  const filter = recordOf(ctx.query['filter']);
  const toIds =
    filter['to_entity_id'] === undefined ? undefined : new Set(intsOf(filter['to_entity_id']));
  const toType = stringOf(filter['to_entity_type']);
  const catalog = stringOf(filter['to_catalog_id']);
  return (l) =>
    (toIds === undefined || toIds.has(l.to_entity_id)) &&
    (toType === undefined || l.to_entity_type === toType) &&
    (catalog === undefined || String(l.metadata?.['catalog_id']) === catalog);
}

function linksOfOne(ctx: Ctx, type: SandboxCardType): Reply {
  const id = idParam(ctx);
  if (!cardExists(ctx.store, type, id)) return { status: 204 };
  return renderLinks(ctx, ctx.store.links.of(type, id).filter(linkFilter(ctx)));
}

function linksOfMany(ctx: Ctx, type: SandboxCardType): Reply {
  const ids = intsOf(recordOf(ctx.query['filter'])['entity_id']);
  if (ids.length === 0) fail(400, 'filter[entity_id] is required');
  const test = linkFilter(ctx);
  return renderLinks(
    ctx,
    ids.flatMap((id) => ctx.store.links.of(type, id).filter(test)),
  );
}

type Action = 'link' | 'unlink';

function planLink(
  ctx: Ctx,
  type: SandboxCardType,
  action: Action,
  fixed: number | undefined,
  raw: unknown,
  i: number,
): Plan<SandboxLink | undefined> {
  const { item, requestId, issues } = itemOf(raw, i, true);
  const id = fixed ?? item['entity_id'];
  if (fixed === undefined && (!isInt(id) || !cardExists(ctx.store, type, id)))
    issues.add(ISSUE.choice('entity_id'));
  const toType = item['to_entity_type'];
  const toId = item['to_entity_id'];
  if (typeof toType !== 'string' || !TARGETS.has(toType) || toType === type)
    issues.add(ISSUE.choice('to_entity_type'));
  if (!isInt(toId)) issues.add(ISSUE.type('to_entity_id', 'int'));
  else if (
    typeof toType === 'string' &&
    CARD_TARGETS.has(toType) &&
    !cardExists(ctx.store, toType as SandboxCardType, toId)
  )
    issues.add(ISSUE.choice('to_entity_id'));
  const metadata =
    item['metadata'] === undefined || item['metadata'] === null
      ? null
      : isObject(item['metadata'])
        ? item['metadata']
        : undefined;
  if (metadata === undefined) issues.add(ISSUE.type('metadata', 'array'));
  return {
    requestId,
    issues,
    apply: () => {
      const [from, to, target] = [id as number, toId as number, toType as string];
      if (action === 'unlink') {
        ctx.store.links.unlink(type, from, target, to);
        return undefined;
      }
      const stored = ctx.store.links.attach(type, from, target, to, metadata ?? null);
      return {
        entity_id: from,
        entity_type: type,
        to_entity_id: to,
        to_entity_type: target,
        metadata: stored,
      };
    },
  };
}

function linkWrite(type: SandboxCardType, action: Action, scoped: boolean) {
  return (ctx: Ctx): Reply => {
    const items = batchBody(ctx, MAX_LINKS);
    const fixed = scoped ? idParam(ctx) : undefined;
    if (fixed !== undefined && !cardExists(ctx.store, type, fixed))
      fail(404, `${SINGULAR[type]} not found`);
    const results = runPlans(items.map((raw, i) => planLink(ctx, type, action, fixed, raw, i)));
    return action === 'unlink' ? { status: 204 } : listReply(ctx, 'links', results);
  };
}

/** The link routes of leads, contacts, companies and customers. */
export const links = family(
  'links',
  forEach(CARD_TYPES, (type) => {
    const base = `/api/v4/${type}`;
    return {
      [`GET ${base}/:id/links`]: (ctx) => linksOfOne(ctx, type),
      [`POST ${base}/:id/link`]: linkWrite(type, 'link', true),
      [`POST ${base}/:id/unlink`]: linkWrite(type, 'unlink', true),
      [`GET ${base}/links`]: (ctx) => linksOfMany(ctx, type),
      [`POST ${base}/link`]: linkWrite(type, 'link', false),
      [`POST ${base}/unlink`]: linkWrite(type, 'unlink', false),
    };
  }),
);
