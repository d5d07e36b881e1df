/**
 * The audit log: `/api/v4/events` (filters by id, created_at range, created_by, entity,
 * entity_id, type; `[]` or comma lists), `/api/v4/events/{id}` and `/api/v4/events/types`.
 * Entity changes are recorded as events by `recordChangeEvents` (`../changes.ts`).
 *
 * @module
 */

import type { Ctx } from '../context.js';
import { MAX_EVENTS_PAGE_LIMIT } from '../limits.js';
import { fail, type Reply } from '../problems.js';
import { inRange, intsOf, listOf, rangeOf, recordOf, stringOf } from '../query.js';
import { pageParams, pageReply, self, withSet } from '../render.js';
import { family } from '../router.js';
import type { SandboxEntityType, SandboxEvent } from '../types.js';
import { itemReply, listReply } from './shared.js';

const TYPES: Array<{ key: string; type: number; en: string; ru: string }> = [
  { key: 'lead_added', type: 1, en: 'New lead', ru: 'Новая сделка' },
  { key: 'lead_deleted', type: 7, en: 'Lead deleted', ru: 'Сделка удалена' },
  { key: 'lead_status_changed', type: 14, en: 'Lead stage changed', ru: 'Изменение этапа' },
  { key: 'contact_added', type: 2, en: 'New contact', ru: 'Новый контакт' },
  { key: 'company_added', type: 3, en: 'New company', ru: 'Новая компания' },
  {
    key: 'entity_responsible_changed',
    type: 18,
    en: 'Responsible changed',
    ru: 'Ответственный изменен',
  },
  { key: 'task_added', type: 50, en: 'New task', ru: 'Новая задача' },
  { key: 'task_completed', type: 53, en: 'Task completed', ru: 'Задача завершена' },
  { key: 'task_result_added', type: 54, en: 'Task result added', ru: 'Результат по задаче' },
];

function render(ctx: Ctx, e: SandboxEvent, w: Set<string>): Record<string, unknown> {
  const plural = e.entity_type === 'company' ? 'companies' : `${e.entity_type}s`;
  const entity: Record<string, unknown> = {
    id: e.entity_id,
    _links: self(ctx, `/api/v4/${plural}/${String(e.entity_id)}`),
  };
  if (w.has(`${e.entity_type}_name`) && e.entity_type !== 'task') {
    const found = ctx.store.entity(plural as SandboxEntityType, e.entity_id);
    if (found) entity['name'] = found.name;
  }
  return {
    ...e,
    _links: self(ctx, `/api/v4/events/${e.id}`),
    _embedded: { entity },
  };
}

function list(ctx: Ctx): Reply {
  const { page, limit } = pageParams(ctx);
  if (limit > MAX_EVENTS_PAGE_LIMIT) fail(422, `Limit ${String(MAX_EVENTS_PAGE_LIMIT)} per page`);
  const filter = recordOf(ctx.query['filter']);
  const ids = filter['id'] === undefined ? undefined : new Set(listOf(filter['id']));
  const created = rangeOf(filter['created_at']);
  const by = filter['created_by'] === undefined ? undefined : new Set(intsOf(filter['created_by']));
  const entities = filter['entity'] === undefined ? undefined : new Set(listOf(filter['entity']));
  const entityIds =
    filter['entity_id'] === undefined ? undefined : new Set(intsOf(filter['entity_id']));
  if (entityIds && entities?.size !== 1)
    fail(400, 'filter[entity_id] needs exactly one filter[entity]');
  const types = filter['type'] === undefined ? undefined : new Set(listOf(filter['type']));
  // Newest first, as Kommo's UI shows the log (the API's order is undocumented).
  const all = ctx.store.events
    .filter(
      (e) =>
        (ids === undefined || ids.has(e.id)) &&
        (created === undefined || inRange(e.created_at, created)) &&
        (by === undefined || by.has(e.created_by)) &&
        (entities === undefined || entities.has(e.entity_type)) &&
        (entityIds === undefined || entityIds.has(e.entity_id)) &&
        (types === undefined || types.has(e.type)),
    )
    .reverse();
  const start = (page - 1) * limit;
  const w = withSet(ctx);
  const items = all.slice(start, start + limit).map((e) => render(ctx, e, w));
  return pageReply(ctx, 'events', items, page, limit, start + limit < all.length);
}

function types(ctx: Ctx): Reply {
  const lang = stringOf(ctx.query['language_code']) === 'ru' ? 'ru' : 'en';
  const items = TYPES.map((t) => ({ key: t.key, type: t.type, lang: t[lang] }));
  return listReply(ctx, 'events_types', items);
}

/** The audit-log routes. */
export const events = family('events', {
  'GET /api/v4/events': list,
  'GET /api/v4/events/types': types,
  'GET /api/v4/events/*id': (ctx) =>
    itemReply(
      ctx.store.events.find((x) => x.id === ctx.params['id']),
      (e) => render(ctx, e, withSet(ctx)),
    ),
});
