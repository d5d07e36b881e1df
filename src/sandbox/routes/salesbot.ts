/**
 * Salesbot: `POST /api/v2/salesbot/run` (up to 100 tasks, entity types `1` contact and `2`
 * lead, answered 202 before the bots start) and the continue of a bot waiting on its
 * `widget_request` step, `POST /api/v4/{salesbot|marketingbot}/{bot_id}/continue/{continue_id}`
 * (202; 404 when no bot waits on that id), with Kommo's limits on the handlers.
 *
 * @module
 */

import type { Ctx } from '../context.js';
import type { SalesbotModel } from '../models/salesbot.js';
import { ISSUE, fail, type Reply } from '../problems.js';
import { family, type RouteFamily } from '../router.js';
import { Issues, checkKeys, isInt, isObject, type JsonObject } from '../validate.js';
import { batchBody, check, runPlans, type Plan } from './shared.js';

const TASK_KEYS = new Set(['bot_id', 'entity_id', 'entity_type']);
const SHOW_TYPES = new Set(['text', 'buttons', 'buttons_url']);
const GOTO_TYPES = new Set(['question', 'answer', 'finish']);

function run(ctx: Ctx, model: SalesbotModel): Reply {
  const plans = batchBody(ctx, 100).map((raw, i): Plan<() => void> => {
    const issues = new Issues();
    const task: JsonObject = isObject(raw) ? raw : {};
    checkKeys(task, TASK_KEYS, '', issues);
    const { bot_id: botId, entity_id: entityId, entity_type: code } = task;
    if (!isInt(botId) || !model.bot(botId)) issues.add(ISSUE.choice('bot_id'));
    const type = code === 2 ? 'leads' : code === 1 ? 'contacts' : undefined;
    if (type === undefined) issues.add(ISSUE.choice('entity_type'));
    else if (!isInt(entityId) || !ctx.store.entity(type, entityId))
      issues.add(ISSUE.choice('entity_id'));
    return {
      requestId: String(i),
      issues,
      apply: () => () =>
        model.start(botId as number, { type: type ?? 'leads', id: Number(entityId) }),
    };
  });
  const starts = runPlans(plans);
  // Kommo queues the bots: they start after the answer.
  setImmediate(() => {
    for (const start of starts) start();
  });
  return { status: 202, body: {} };
}

function handlerIssues(handler: unknown, path: string, issues: Issues): void {
  if (!isObject(handler) || typeof handler['handler'] !== 'string') {
    issues.add(ISSUE.missing(`${path}.handler`));
    return;
  }
  const params = handler['params'];
  if (!isObject(params)) {
    issues.add(ISSUE.type(`${path}.params`, 'array'));
    return;
  }
  if (handler['handler'] === 'show') {
    const type = params['type'];
    if (typeof type !== 'string' || !SHOW_TYPES.has(type))
      issues.add(ISSUE.choice(`${path}.params.type`));
    const value = params['value'];
    if (typeof value !== 'string') issues.add(ISSUE.type(`${path}.params.value`, 'string'));
    else if (Array.from(value).length > 80) issues.add(ISSUE.tooLong(`${path}.params.value`, 80));
    if (type === 'buttons' || type === 'buttons_url') {
      const buttons = params['buttons'];
      if (!Array.isArray(buttons) || buttons.length === 0)
        issues.add(ISSUE.type(`${path}.params.buttons`, 'array'));
      else if (buttons.length > 25)
        issues.add({
          code: 'TooMany',
          path: `${path}.params.buttons`,
          detail: 'This collection should contain 25 elements or less.',
        });
      else if (
        buttons.some(
          (b) => typeof b !== 'string' || (type === 'buttons_url' && !/^https?:\/\/\S+$/.test(b)),
        )
      )
        issues.add(ISSUE.type(`${path}.params.buttons`, type === 'buttons_url' ? 'url' : 'string'));
    }
  } else if (handler['handler'] === 'goto') {
    if (typeof params['type'] !== 'string' || !GOTO_TYPES.has(params['type']))
      issues.add(ISSUE.choice(`${path}.params.type`));
    if (!isInt(params['step']) || params['step'] < 0)
      issues.add(ISSUE.type(`${path}.params.step`, 'int'));
  }
}

function resume(ctx: Ctx, model: SalesbotModel, botType: 'salesbot' | 'marketingbot'): Reply {
  const body: unknown = ctx.body ?? {};
  if (!isObject(body)) fail(400, 'Request body must be a JSON object');
  ctx.bodyItems = 1;
  const issues = new Issues();
  checkKeys(body, new Set(['data', 'execute_handlers']), '', issues);
  if (body['data'] !== undefined && !isObject(body['data']))
    issues.add(ISSUE.type('data', 'array'));
  const handlers = body['execute_handlers'] ?? [];
  if (!Array.isArray(handlers)) issues.add(ISSUE.type('execute_handlers', 'array'));
  else if (handlers.length > 10)
    issues.add({
      code: 'TooMany',
      path: 'execute_handlers',
      detail: 'This collection should contain 10 elements or less.',
    });
  else
    handlers.forEach((h: unknown, i) => handlerIssues(h, `execute_handlers.${String(i)}`, issues));
  check(issues);
  const waiting = model.waiting(
    botType,
    Number(ctx.params['bot_id']),
    ctx.params['continue_id'] ?? '',
  );
  if (!waiting) fail(404, 'No widget is waiting for this continue_id');
  waiting.status = 'continued';
  waiting.continued = {
    data: body['data'] ?? {},
    execute_handlers: Array.isArray(handlers) ? handlers : [],
    seq: model.tick(),
  };
  return { status: 202 };
}

/** The Salesbot routes, on the sandbox's bots. */
export function salesbotRoutes(model: SalesbotModel): RouteFamily {
  return family('salesbot', {
    'POST /api/v2/salesbot/run': (ctx) => run(ctx, model),
    'POST /api/v4/salesbot/:bot_id/continue/*continue_id': (ctx) => resume(ctx, model, 'salesbot'),
    'POST /api/v4/marketingbot/:bot_id/continue/*continue_id': (ctx) =>
      resume(ctx, model, 'marketingbot'),
  });
}
