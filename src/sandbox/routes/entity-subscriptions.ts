/**
 * Entity subscriptions (followers) of leads and customers (`GET /api/v4/{type}/{id}/subscriptions`).
 * Kommo has no API to add followers; the sandbox's followers are the card's responsible user and
 * its creator (as Kommo subscribes them), each listed once.
 *
 * @module
 */

import type { Ctx } from '../context.js';
import { customersOf } from '../models/customers.js';
import { fail, type Reply } from '../problems.js';
import { paginate } from '../render.js';
import { family, forEach } from '../router.js';
import { idParam } from './shared.js';

function followers(ctx: Ctx, type: 'leads' | 'customers'): Reply {
  const id = idParam(ctx);
  const card =
    type === 'leads' ? ctx.store.leads.get(id) : customersOf(ctx.store).customers.get(id);
  if (!card) fail(404, type === 'leads' ? 'Lead not found' : 'Customer not found');
  const ids = [...new Set([card.responsible_user_id, card.created_by])].filter((u) => u > 0);
  if (ids.length === 0) return { status: 204 };
  return paginate(
    ctx,
    'subscriptions',
    ids.map((subscriber_id) => ({ subscriber_id, type: 'user' })),
    (s) => s,
    true,
  );
}

/** The follower routes of leads and customers. */
export const entitySubscriptions = family(
  'entity-subscriptions',
  forEach(['leads', 'customers'] as const, (type) => ({
    [`GET /api/v4/${type}/:id/subscriptions`]: (ctx) => followers(ctx, type),
  })),
);
