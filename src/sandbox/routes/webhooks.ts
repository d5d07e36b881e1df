/**
 * Webhook subscriptions: list (`filter[destination]`), subscribe (an existing destination is
 * updated and re-enabled) and unsubscribe, up to Kommo's limit per account.
 *
 * @module
 */

import { MAX_WEBHOOK_SUBSCRIPTIONS } from '../../facts.js';
import type { Ctx } from '../context.js';
import { ISSUE, fail, type Reply } from '../problems.js';
import { recordOf, stringOf } from '../query.js';
import { family } from '../router.js';
import { Issues, checkKeys, isInt, isObject } from '../validate.js';
import { check, listReply, objectBody } from './shared.js';

const KEYS = new Set(['destination', 'settings', 'sort']);

function destinationOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : undefined;
  } catch {
    return undefined;
  }
}

function listWebhooks(ctx: Ctx): Reply {
  const destination = stringOf(recordOf(ctx.query['filter'])['destination']);
  const hooks = ctx.store.webhooks.filter(
    (h) => destination === undefined || h.destination === destination,
  );
  if (hooks.length === 0) return { status: 204 };
  return listReply(
    ctx,
    'webhooks',
    hooks.map((h) => ({ ...h, settings: [...h.settings] })),
  );
}

function subscribe(ctx: Ctx): Reply {
  const item = objectBody(ctx);
  const issues = new Issues();
  checkKeys(item, KEYS, '', issues);
  const destination = destinationOf(item['destination']);
  if (destination === undefined)
    issues.add(
      item['destination'] === undefined
        ? ISSUE.missing('destination')
        : ISSUE.choice('destination'),
    );
  const settings = item['settings'];
  if (
    !Array.isArray(settings) ||
    settings.length === 0 ||
    !settings.every((s) => typeof s === 'string')
  )
    issues.add(ISSUE.type('settings', 'array'));
  if (item['sort'] !== undefined && !isInt(item['sort'])) issues.add(ISSUE.type('sort', 'int'));
  check(issues);
  const existing = ctx.store.webhooks.filter((h) => h.destination === destination)[0];
  if (!existing && ctx.store.webhooks.size >= MAX_WEBHOOK_SUBSCRIPTIONS)
    fail(400, `Limit of ${String(MAX_WEBHOOK_SUBSCRIPTIONS)} webhooks per account reached`);
  // An existing destination is updated (settings replaced); this also re-enables it.
  const hook = existing
    ? { ...existing, settings: [...(settings as string[])], updated_at: ctx.now, disabled: false }
    : {
        id: ctx.store.nextId('webhook', 7),
        destination: destination as string,
        created_at: ctx.now,
        updated_at: ctx.now,
        account_id: ctx.store.account.id,
        created_by: ctx.userId,
        sort: isInt(item['sort']) ? item['sort'] : ctx.store.webhooks.size + 1,
        disabled: false,
        settings: [...(settings as string[])],
      };
  if (isInt(item['sort'])) hook.sort = item['sort'];
  ctx.store.webhooks.set(hook);
  return { status: 201, body: { ...hook, settings: [...hook.settings] } };
}

function unsubscribe(ctx: Ctx): Reply {
  if (!isObject(ctx.body) || typeof ctx.body['destination'] !== 'string')
    fail(400, 'Request data can not be empty');
  const destination = ctx.body['destination'];
  const hook = ctx.store.webhooks.filter((h) => h.destination === destination)[0];
  if (!hook) fail(404, 'Webhook not found');
  ctx.store.webhooks.delete(hook.id);
  return { status: 204 };
}

/** The webhook subscription routes. */
export const webhooks = family('webhooks', {
  'GET /api/v4/webhooks': listWebhooks,
  'POST /api/v4/webhooks': subscribe,
  'DELETE /api/v4/webhooks': unsubscribe,
});
