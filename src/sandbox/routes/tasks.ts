/**
 * Tasks: list with filters and order, get, batch create/update with `request_id` echo, single
 * `PATCH` (completion with a result). Writes add `task_added` / `task_completed` events.
 *
 * @module
 */

import type { Ctx } from '../context.js';
import { ISSUE, fail, type Reply } from '../problems.js';
import { inRange, intsOf, rangeOf, recordOf, stringOf } from '../query.js';
import { paginate, self } from '../render.js';
import { family } from '../router.js';
import type { SandboxEntityType, SandboxTask } from '../types.js';
import { checkKeys, isInt, isObject, optInt, optString } from '../validate.js';
import {
  batch,
  idParam,
  itemOf,
  itemReply,
  listReply,
  objectBody,
  runPlans,
  type Plan,
} from './shared.js';

const KEYS = new Set([
  'id',
  'responsible_user_id',
  'entity_id',
  'entity_type',
  'is_completed',
  'task_type_id',
  'text',
  'duration',
  'complete_till',
  'result',
  'created_by',
  'updated_by',
  'created_at',
  'updated_at',
  'request_id',
]);
const ENTITY_TYPES = new Set(['leads', 'contacts', 'companies', 'customers']);

function render(ctx: Ctx, t: SandboxTask): Record<string, unknown> {
  return {
    ...t,
    result: t.result ?? [],
    _links: self(ctx, `/api/v4/tasks/${String(t.id)}`),
  };
}

function planTask(
  ctx: Ctx,
  raw: unknown,
  index: number,
  mode: 'create' | 'update',
  fixedId?: number,
): Plan<Record<string, unknown>> {
  const { item, requestId, issues } = itemOf(raw, index, true);
  checkKeys(item, KEYS, '', issues);
  let existing: SandboxTask | undefined;
  if (mode === 'update') {
    const id = fixedId ?? item['id'];
    existing = isInt(id) ? ctx.store.tasks.get(id) : undefined;
    if (!existing) issues.add(id === undefined ? ISSUE.missing('id') : ISSUE.choice('id'));
  } else if (item['id'] !== undefined) issues.add(ISSUE.unexpected('id'));
  const next: SandboxTask = existing
    ? { ...existing }
    : {
        id: 0,
        created_by: ctx.userId,
        updated_by: ctx.userId,
        created_at: ctx.now,
        updated_at: ctx.now,
        responsible_user_id: ctx.userId,
        group_id: 0,
        entity_id: null,
        entity_type: null,
        duration: 0,
        is_completed: false,
        task_type_id: 1,
        text: '',
        result: null,
        complete_till: 0,
        account_id: ctx.store.account.id,
      };
  const text = optString(item, 'text', '', issues);
  if (text !== undefined) next.text = text;
  else if (mode === 'create') issues.add(ISSUE.missing('text'));
  const till = optInt(item, 'complete_till', '', issues);
  if (typeof till === 'number') next.complete_till = till;
  else if (mode === 'create' && till === undefined) issues.add(ISSUE.missing('complete_till'));
  const responsible = optInt(item, 'responsible_user_id', '', issues);
  if (typeof responsible === 'number') {
    if (ctx.store.users.has(responsible)) next.responsible_user_id = responsible;
    else issues.add(ISSUE.choice('responsible_user_id'));
  }
  const type = item['task_type_id'];
  if (type !== undefined) {
    if (isInt(type) && ctx.store.account.task_types.some((t) => t.id === type))
      next.task_type_id = type;
    else issues.add(ISSUE.choice('task_type_id'));
  }
  for (const key of ['duration', 'created_by', 'updated_by', 'created_at', 'updated_at'] as const) {
    const v = optInt(item, key, '', issues);
    if (typeof v === 'number') next[key] = v;
  }
  if (item['entity_type'] !== undefined || item['entity_id'] !== undefined) {
    const et = item['entity_type'];
    const eid = item['entity_id'];
    if (typeof et !== 'string' || !ENTITY_TYPES.has(et)) issues.add(ISSUE.choice('entity_type'));
    else if (!isInt(eid)) issues.add(ISSUE.type('entity_id', 'int'));
    else if (et !== 'customers' && !ctx.store.entity(et as SandboxEntityType, eid))
      issues.add(ISSUE.choice('entity_id'));
    else {
      next.entity_type = et;
      next.entity_id = eid;
    }
  }
  if (item['is_completed'] !== undefined) {
    if (typeof item['is_completed'] === 'boolean') next.is_completed = item['is_completed'];
    else issues.add(ISSUE.type('is_completed', 'bool'));
  }
  if (item['result'] !== undefined) {
    const r = item['result'];
    if (isObject(r) && typeof r['text'] === 'string' && r['text'] !== '')
      next.result = { text: r['text'] };
    else issues.add(ISSUE.type('result.text', 'string'));
  }
  if (item['updated_at'] === undefined) next.updated_at = ctx.now;
  return {
    requestId,
    issues,
    apply: () => {
      const wasDone = existing?.is_completed ?? false;
      if (!existing) next.id = ctx.store.nextId('task');
      ctx.store.tasks.set(next);
      const event = {
        entity_id: next.id,
        entity_type: 'task',
        created_by: ctx.userId,
        created_at: ctx.now,
      };
      if (!existing)
        ctx.store.addEvent({
          ...event,
          type: 'task_added',
          value_after: [{ task: { text: next.text } }],
          value_before: [],
        });
      if (next.is_completed && !wasDone)
        ctx.store.addEvent({ ...event, type: 'task_completed', value_after: [], value_before: [] });
      if (next.result && next.result.text !== existing?.result?.text)
        ctx.store.addEvent({
          ...event,
          type: 'task_result_added',
          value_after: [{ task: { text: next.result.text } }],
          value_before: [],
        });
      const ref: Record<string, unknown> = { id: next.id };
      if (mode === 'update') ref['updated_at'] = next.updated_at;
      ref['request_id'] = requestId;
      ref['_links'] = self(ctx, `/api/v4/tasks/${String(next.id)}`);
      return ref;
    },
  };
}

function list(ctx: Ctx): Reply {
  const filter = recordOf(ctx.query['filter']);
  const ids = filter['id'] === undefined ? undefined : new Set(intsOf(filter['id']));
  const users =
    filter['responsible_user_id'] === undefined
      ? undefined
      : new Set(intsOf(filter['responsible_user_id']));
  const types =
    filter['task_type'] === undefined ? undefined : new Set(intsOf(filter['task_type']));
  const entityIds =
    filter['entity_id'] === undefined ? undefined : new Set(intsOf(filter['entity_id']));
  const entityType = stringOf(filter['entity_type']);
  const done = stringOf(filter['is_completed']);
  const updated = rangeOf(filter['updated_at']);
  const tasks = ctx.store.tasks.filter(
    (t) =>
      (ids === undefined || ids.has(t.id)) &&
      (users === undefined || users.has(t.responsible_user_id)) &&
      (types === undefined || types.has(t.task_type_id)) &&
      (entityType === undefined || t.entity_type === entityType) &&
      (entityIds === undefined || (t.entity_id !== null && entityIds.has(t.entity_id))) &&
      (done === undefined || t.is_completed === (done === '1')) &&
      (updated === undefined || inRange(t.updated_at, updated)),
  );
  const order = recordOf(ctx.query['order']);
  for (const key of ['created_at', 'complete_till', 'id'] as const) {
    const dir = stringOf(order[key]);
    if (dir !== undefined) {
      const sign = dir.toLowerCase() === 'desc' ? -1 : 1;
      tasks.sort((a, b) => (a[key] - b[key] || a.id - b.id) * sign);
      break;
    }
  }
  return paginate(ctx, 'tasks', tasks, (t) => render(ctx, t));
}

function write(mode: 'create' | 'update') {
  return (ctx: Ctx): Reply => {
    const refs = batch(ctx, (item, i) => planTask(ctx, item, i, mode));
    return listReply(ctx, 'tasks', refs, { total: false, self: '/api/v4/tasks' });
  };
}

function updateOne(ctx: Ctx): Reply {
  const body = objectBody(ctx, { arrayIs405: true, nonEmpty: true });
  const id = idParam(ctx);
  if (!ctx.store.tasks.has(id)) fail(404, 'Task not found');
  const [ref] = runPlans([planTask(ctx, body, 0, 'update', id)]);
  // A single task PATCH answers the bare ref (Kommo's tasks API docs, completing a task).
  return { status: 200, body: ref };
}

/** The task routes. */
export const tasks = family('tasks', {
  'GET /api/v4/tasks': list,
  'POST /api/v4/tasks': write('create'),
  'PATCH /api/v4/tasks': write('update'),
  'GET /api/v4/tasks/:id': (ctx) =>
    itemReply(ctx.store.tasks.get(idParam(ctx)), (t) => render(ctx, t)),
  'PATCH /api/v4/tasks/:id': updateOne,
});
