/**
 * Calls (`POST /api/v4/calls`): each call is matched to a contact, then a company, by the last
 * 10 digits of its phone, and stored as a `call_in`/`call_out` note of that card's one open lead
 * (when the card has no customers), else its one customer (when it has no open leads), else the
 * card itself. A number no card has is refused: Kommo's third error shape, `_total_items` plus
 * `errors[]` (with 200 beside logged calls, with 400 when nothing was logged; each error carries
 * the item's `request_id`, which Kommo's one captured answer does not show).
 *
 * @module
 */

import { MAX_BATCH_ITEMS } from '../../facts.js';
import { SINGULAR, noteEvent } from '../changes.js';
import type { Ctx } from '../context.js';
import { isClosedStatus } from '../entities.js';
import { ISSUE, type Reply } from '../problems.js';
import { self } from '../render.js';
import { family } from '../router.js';
import type { SandboxCardType, SandboxEntityBase, SandboxNote } from '../types.js';
import { checkKeys, isInt, optInt, optString, type JsonObject } from '../validate.js';
import { batchBody, itemOf, runPlans, type Plan } from './shared.js';

const KEYS = new Set([
  'direction',
  'duration',
  'source',
  'phone',
  'uniq',
  'link',
  'call_responsible',
  'call_result',
  'call_status',
  'responsible_user_id',
  'created_by',
  'updated_by',
  'created_at',
  'updated_at',
  'request_id',
]);

/** The last 10 digits of a phone number: Kommo's search key. */
const phoneKey = (phone: string): string => phone.replace(/\D+/g, '').slice(-10);

/** The card a phone belongs to: a contact first, then a company. */
function cardOf(
  ctx: Ctx,
  phone: string,
): { type: SandboxCardType; card: SandboxEntityBase } | undefined {
  const key = phoneKey(phone);
  if (key === '') return undefined;
  const has = (card: SandboxEntityBase): boolean =>
    (card.custom_fields_values ?? []).some(
      (f) =>
        f.field_code === 'PHONE' &&
        f.values.some((v) => typeof v['value'] === 'string' && phoneKey(v['value']) === key),
    );
  for (const type of ['contacts', 'companies'] as const)
    for (const card of ctx.store[type].values()) if (has(card)) return { type, card };
  return undefined;
}

/** Where the call note goes: the one open lead, else the one customer, else the card. */
function target(
  ctx: Ctx,
  type: SandboxCardType,
  id: number,
): { type: SandboxCardType; id: number } {
  const linked = (to: string) => ctx.store.links.of(type, id, to).map((l) => l.to_entity_id);
  const open = linked('leads').filter((leadId) => {
    const status = ctx.store.leads.get(leadId)?.status_id;
    return status !== undefined && !isClosedStatus(status);
  });
  const customers = linked('customers');
  if (open.length === 1 && customers.length === 0) return { type: 'leads', id: open[0] as number };
  if (customers.length === 1 && open.length === 0)
    return { type: 'customers', id: customers[0] as number };
  return { type, id };
}

interface Outcome {
  ref?: Record<string, unknown>;
  error?: Record<string, unknown>;
}

function planCall(ctx: Ctx, raw: unknown, index: number): Plan<Outcome> {
  const { item, requestId, issues } = itemOf(raw, index, true);
  checkKeys(item, KEYS, '', issues);
  const direction = item['direction'];
  if (direction !== 'inbound' && direction !== 'outbound')
    issues.add(direction === undefined ? ISSUE.missing('direction') : ISSUE.choice('direction'));
  if (!isInt(item['duration']))
    issues.add(
      item['duration'] === undefined ? ISSUE.missing('duration') : ISSUE.type('duration', 'int'),
    );
  for (const key of ['source', 'phone'] as const) {
    const value = optString(item, key, '', issues);
    if (value === undefined || value.trim() === '') issues.add(ISSUE.blank(key));
  }
  for (const key of ['uniq', 'link', 'call_result'] as const) optString(item, key, '', issues);
  for (const key of ['call_status', 'responsible_user_id', 'created_by', 'created_at'] as const)
    optInt(item, key, '', issues);
  return {
    requestId,
    issues,
    apply: () => {
      const found = cardOf(ctx, String(item['phone']));
      if (!found) return { error: { title: 'Entity not found', request_id: requestId } };
      const to = target(ctx, found.type, found.card.id);
      const note = callNote(ctx, item, direction === 'inbound' ? 'call_in' : 'call_out', to);
      ctx.store.addNote(note);
      ctx.events.push(noteEvent(note));
      return {
        ref: {
          id: note.id,
          entity_id: to.id,
          entity_type: SINGULAR[to.type],
          account_id: ctx.store.account.id,
          request_id: requestId,
          _embedded: {
            entity: { id: to.id, _links: self(ctx, `/api/v4/${to.type}/${String(to.id)}`) },
          },
        },
      };
    },
  };
}

function callNote(
  ctx: Ctx,
  item: JsonObject,
  noteType: 'call_in' | 'call_out',
  to: { type: SandboxCardType; id: number },
): SandboxNote {
  const int = (key: string): number | undefined => (isInt(item[key]) ? item[key] : undefined);
  const params: Record<string, unknown> = {};
  for (const key of ['uniq', 'duration', 'source', 'link', 'phone', 'call_result', 'call_status'])
    if (item[key] !== undefined) params[key] = item[key];
  if (item['call_responsible'] !== undefined) params['call_responsible'] = item['call_responsible'];
  return {
    id: ctx.store.nextId('note'),
    entity_type: to.type,
    entity_id: to.id,
    created_by: int('created_by') ?? ctx.userId,
    updated_by: int('updated_by') ?? ctx.userId,
    created_at: int('created_at') ?? ctx.now,
    updated_at: int('updated_at') ?? ctx.now,
    responsible_user_id: int('responsible_user_id') ?? ctx.userId,
    group_id: 0,
    note_type: noteType,
    params,
    account_id: ctx.store.account.id,
    is_pinned: false,
  };
}

function logCalls(ctx: Ctx): Reply {
  const outcomes = runPlans(batchBody(ctx, MAX_BATCH_ITEMS).map((raw, i) => planCall(ctx, raw, i)));
  const calls = outcomes.flatMap((o) => (o.ref ? [o.ref] : []));
  const errors = outcomes.flatMap((o) => (o.error ? [o.error] : []));
  if (calls.length === 0) return { status: 400, body: { _total_items: 0, errors } };
  return {
    status: 200,
    body: { _total_items: calls.length, errors, _embedded: { calls } },
  };
}

/** The calls route. */
export const calls = family('calls', { 'POST /api/v4/calls': logCalls });
