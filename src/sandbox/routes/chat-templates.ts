/**
 * Chat templates (`/api/v4/chats/templates`): list (`limit` ≤ 50, `filter[external_id]`,
 * `with=reviews`), get, batch create and update, single `PATCH`, batch and single delete, and
 * the WhatsApp review: `POST /{id}/review` opens one review per source of the account (the
 * sandbox treats every source as a WhatsApp number; an account without sources is refused),
 * `POST /{id}/review/{review_id}` sets its verdict.
 *
 * @module
 */

import {
  MAX_CHAT_TEMPLATES_PAGE_LIMIT,
  REVIEW_REJECT_REASON_MAX_LENGTH,
  WABA_HEADER_MAX_LENGTH,
} from '../../facts.js';
import type { Ctx } from '../context.js';
import { perStore } from '../models/per-store.js';
import { ISSUE, fail, type Reply } from '../problems.js';
import { listOf, recordOf } from '../query.js';
import { pageReply, self, withSet } from '../render.js';
import { family } from '../router.js';
import {
  Issues,
  checkKeys,
  isInt,
  isObject,
  optBool,
  optString,
  type JsonObject,
} from '../validate.js';
import {
  batch,
  batchBody,
  check,
  idParam,
  itemOf,
  listReply,
  objectBody,
  runPlans,
  type Plan,
} from './shared.js';

const BASE = '/api/v4/chats/templates';

interface Review {
  id: number;
  source_id: number;
  status: 'approved' | 'review' | 'paused' | 'rejected';
  reject_reason: string | null;
}

interface Template {
  id: number;
  account_id: number;
  name: string;
  content: string;
  is_editable: boolean;
  type: 'amocrm' | 'waba';
  buttons: Array<Record<string, unknown>>;
  attachment: Record<string, unknown> | null;
  created_at: number;
  updated_at: number;
  external_id: string | null;
  waba_footer: string | null;
  waba_category: string | null;
  waba_language: string | null;
  waba_examples: Record<string, unknown> | null;
  waba_header: string | null;
  waba_header_type: string | null;
  reviews: Review[];
}

const templatesOf = perStore(() => new Map<number, Template>());

const STRING_KEYS = ['external_id', 'waba_footer', 'waba_language'] as const;
const KEYS = new Set([
  'name',
  'content',
  'is_editable',
  'type',
  'buttons',
  'attachment',
  'waba_category',
  'waba_examples',
  'waba_header',
  'waba_header_type',
  'request_id',
  ...STRING_KEYS,
]);

function render(
  ctx: Ctx,
  t: Template,
  w: Set<string>,
  requestId?: string,
): Record<string, unknown> {
  const { reviews, ...fields } = t;
  const out: Record<string, unknown> = { ...fields };
  if (w.has('reviews')) {
    const last = reviews.at(-1);
    out['review_status'] = last?.status ?? null;
    out['is_on_review'] = reviews.some((r) => r.status === 'review');
    out['_embedded'] = { reviews };
  }
  if (requestId !== undefined) out['request_id'] = requestId;
  out['_links'] = self(ctx, `${BASE}/${String(t.id)}`);
  return out;
}

function checkButtons(value: unknown, issues: Issues): void {
  if (!Array.isArray(value)) return issues.add(ISSUE.type('buttons', 'array'));
  value.forEach((b, i) => {
    const path = `buttons.${String(i)}`;
    if (!isObject(b) || (b['type'] !== 'inline' && b['type'] !== 'url'))
      return issues.add(ISSUE.choice(`${path}.type`));
    if (typeof b['text'] !== 'string' || b['text'] === '') issues.add(ISSUE.blank(`${path}.text`));
    if (b['type'] === 'url' && (typeof b['url'] !== 'string' || !URL.canParse(b['url'])))
      issues.add(ISSUE.type(`${path}.url`, 'url'));
  });
}

/** Validates the writable fields of `item` and returns the template they make of `base`. */
function applyFields(item: JsonObject, base: Template, issues: Issues, prefix = ''): Template {
  checkKeys(item, KEYS, prefix, issues);
  const next: Template = { ...base };
  for (const key of ['name', 'content'] as const) {
    const value = optString(item, key, prefix, issues);
    if (value !== undefined) next[key] = value;
  }
  for (const key of STRING_KEYS) {
    const value = optString(item, key, prefix, issues);
    if (value !== undefined) next[key] = value;
  }
  const editable = optBool(item, 'is_editable', prefix, issues);
  if (editable !== undefined) next.is_editable = editable;
  if (item['type'] !== undefined) {
    if (item['type'] === 'amocrm' || item['type'] === 'waba') next.type = item['type'];
    else issues.add(ISSUE.choice(`${prefix}type`));
  }
  if (item['buttons'] !== undefined) {
    checkButtons(item['buttons'], issues);
    if (Array.isArray(item['buttons'])) next.buttons = item['buttons'] as JsonObject[];
  }
  if (item['attachment'] !== undefined)
    if (item['attachment'] === null || isObject(item['attachment']))
      next.attachment = item['attachment'] && { ...item['attachment'], is_external: true };
    else issues.add(ISSUE.type(`${prefix}attachment`, 'object'));
  if (item['waba_category'] !== undefined) {
    const category = item['waba_category'];
    if (category === 'UTILITY' || category === 'AUTHENTICATION' || category === 'MARKETING')
      next.waba_category = category;
    else issues.add(ISSUE.choice(`${prefix}waba_category`));
  }
  if (item['waba_examples'] !== undefined)
    if (isObject(item['waba_examples'])) next.waba_examples = item['waba_examples'];
    else issues.add(ISSUE.type(`${prefix}waba_examples`, 'object'));
  if (item['waba_header'] !== undefined) {
    const header = item['waba_header'];
    if (header !== null && typeof header !== 'string')
      issues.add(ISSUE.type(`${prefix}waba_header`, 'string'));
    else if (header !== null && header.length > WABA_HEADER_MAX_LENGTH)
      issues.add(ISSUE.tooLong(`${prefix}waba_header`, WABA_HEADER_MAX_LENGTH));
    else next.waba_header = header;
  }
  if (item['waba_header_type'] !== undefined) {
    const type = item['waba_header_type'];
    if (type === 'text' || type === 'media') next.waba_header_type = type;
    else issues.add(ISSUE.choice(`${prefix}waba_header_type`));
  }
  if (next.waba_header_type === 'media' && next.attachment === null)
    issues.add(ISSUE.missing(`${prefix}attachment`));
  if (next.name.trim() === '') issues.add(ISSUE.blank(`${prefix}name`));
  if (next.content === '') issues.add(ISSUE.blank(`${prefix}content`));
  return next;
}

function blank(ctx: Ctx): Template {
  return {
    id: 0,
    account_id: ctx.store.account.id,
    name: '',
    content: '',
    is_editable: false,
    type: 'amocrm',
    buttons: [],
    attachment: null,
    created_at: ctx.now,
    updated_at: ctx.now,
    external_id: null,
    waba_footer: null,
    waba_category: null,
    waba_language: null,
    waba_examples: null,
    waba_header: null,
    waba_header_type: null,
    reviews: [],
  };
}

function planCreate(ctx: Ctx, raw: unknown, index: number): Plan<Record<string, unknown>> {
  const { item, requestId, issues } = itemOf(raw, index, true);
  const next = applyFields(item, blank(ctx), issues);
  return {
    requestId,
    issues,
    apply: () => {
      const t = { ...next, id: ctx.store.nextId('chatTemplate', 1) + 80_000 };
      templatesOf(ctx.store).set(t.id, t);
      return render(ctx, t, new Set(), requestId);
    },
  };
}

function templateOf(ctx: Ctx, id: number): Template | undefined {
  return templatesOf(ctx.store).get(id);
}

function planUpdate(
  ctx: Ctx,
  raw: unknown,
  index: number,
  fixedId?: number,
): Plan<Record<string, unknown>> {
  const { item, requestId, issues } = itemOf(raw, index, true);
  const { id = fixedId, ...fields } = item;
  const existing = isInt(id) ? templateOf(ctx, id) : undefined;
  if (!existing) issues.add(id === undefined ? ISSUE.missing('id') : ISSUE.choice('id'));
  if (existing?.type === 'waba' && existing.reviews.length > 0)
    issues.add({
      code: 'NotEditable',
      path: 'id',
      detail: 'A WhatsApp template is editable only as a draft',
    });
  const next = applyFields(fields, existing ?? blank(ctx), issues);
  return {
    requestId,
    issues,
    apply: () => {
      const t = { ...next, updated_at: ctx.now };
      templatesOf(ctx.store).set(t.id, t);
      return render(ctx, t, new Set(), requestId);
    },
  };
}

function list(ctx: Ctx): Reply {
  const page = Math.max(1, Number(ctx.query['page'] ?? 1) || 1);
  const limit = Number(ctx.query['limit'] ?? MAX_CHAT_TEMPLATES_PAGE_LIMIT);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CHAT_TEMPLATES_PAGE_LIMIT)
    fail(400, `limit must be 1..${String(MAX_CHAT_TEMPLATES_PAGE_LIMIT)}`);
  const filter = recordOf(ctx.query['filter']);
  const externals =
    filter['external_id'] === undefined ? undefined : new Set(listOf(filter['external_id']));
  const all = [...templatesOf(ctx.store).values()].filter(
    (t) => externals === undefined || (t.external_id !== null && externals.has(t.external_id)),
  );
  const start = (page - 1) * limit;
  const w = withSet(ctx);
  const items = all.slice(start, start + limit).map((t) => render(ctx, t, w));
  return pageReply(ctx, 'chat_templates', items, page, limit, start + limit < all.length, {
    total: all.length,
  });
}

function get(ctx: Ctx): Reply {
  const t = templateOf(ctx, idParam(ctx));
  if (!t) fail(404, 'Template not found');
  return { status: 200, body: render(ctx, t, withSet(ctx)) };
}

function removeMany(ctx: Ctx): Reply {
  const issues = new Issues();
  const ids = batchBody(ctx).map((raw, i) => {
    const id = isObject(raw) ? raw['id'] : undefined;
    if (!isInt(id) || !templateOf(ctx, id)) issues.add(ISSUE.choice(`${String(i)}.id`));
    return id as number;
  });
  check(issues);
  for (const id of ids) templatesOf(ctx.store).delete(id);
  return { status: 204 };
}

function review(ctx: Ctx): Reply {
  const t = templateOf(ctx, idParam(ctx));
  if (!t) fail(404, 'Template not found');
  if (t.type !== 'waba') fail(400, 'Only WhatsApp (waba) templates are reviewed');
  const sources = [...ctx.store.sources.values()];
  if (sources.length === 0) fail(400, 'The account has no WhatsApp sources');
  t.reviews = sources.map((s) => ({
    id: ctx.store.nextId('templateReview', 1) + 500,
    source_id: s.id,
    status: 'review',
    reject_reason: null,
  }));
  return listReply(ctx, 'reviews', t.reviews);
}

function verdict(ctx: Ctx): Reply {
  const t = templateOf(ctx, idParam(ctx));
  const r = t?.reviews.find((x) => x.id === idParam(ctx, 'reviewId'));
  if (!r) fail(404, 'Review not found');
  const body = objectBody(ctx);
  const issues = new Issues();
  checkKeys(body, new Set(['status', 'reject_reason']), '', issues);
  const status = body['status'];
  if (status !== 'approved' && status !== 'paused' && status !== 'rejected')
    issues.add(ISSUE.choice('status'));
  const reason = optString(body, 'reject_reason', '', issues);
  if (reason !== undefined && reason.length > REVIEW_REJECT_REASON_MAX_LENGTH)
    issues.add(ISSUE.tooLong('reject_reason', REVIEW_REJECT_REASON_MAX_LENGTH));
  check(issues);
  r.status = status as Review['status'];
  r.reject_reason = reason ?? null;
  return { status: 200, body: r };
}

/** The chat-template routes. */
export const chatTemplates = family('chat-templates', {
  [`GET ${BASE}`]: list,
  [`GET ${BASE}/:id`]: get,
  [`POST ${BASE}`]: (ctx) =>
    listReply(
      ctx,
      'chat_templates',
      batch(ctx, (raw, i) => planCreate(ctx, raw, i)),
    ),
  [`PATCH ${BASE}`]: (ctx) =>
    listReply(
      ctx,
      'chat_templates',
      batch(ctx, (raw, i) => planUpdate(ctx, raw, i)),
    ),
  [`PATCH ${BASE}/:id`]: (ctx) => {
    const body = objectBody(ctx, { arrayIs405: true, nonEmpty: true });
    const [t] = runPlans([planUpdate(ctx, body, 0, idParam(ctx))]);
    return { status: 200, body: t };
  },
  [`DELETE ${BASE}`]: removeMany,
  [`DELETE ${BASE}/:id`]: (ctx) => {
    if (!templatesOf(ctx.store).delete(idParam(ctx))) fail(404, 'Template not found');
    return { status: 204 };
  },
  [`POST ${BASE}/:id/review`]: review,
  [`POST ${BASE}/:id/review/:reviewId`]: verdict,
});
