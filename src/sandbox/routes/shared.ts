/**
 * What every route family shares: the batch body and its all-or-nothing plans, one-object
 * bodies, id parameters, and Kommo's answers for one item and for a list of items.
 *
 * @module
 */

import { MAX_BATCH_ITEMS } from '../../facts.js';
import type { Ctx } from '../context.js';
import {
  HttpProblem,
  ISSUE,
  fail,
  validationFailed,
  type ItemValidationErrors,
  type Reply,
} from '../problems.js';
import { self } from '../render.js';
import { Issues, isObject, requestIdOf, type JsonObject } from '../validate.js';

/** A validated write of one item, applied only when every item of the batch is valid. */
export interface Plan<T> {
  requestId: string;
  issues: Issues;
  apply: () => T;
}

/** The array body of a batch write, with Kommo's size rules. */
export function batchBody(ctx: Ctx, max = MAX_BATCH_ITEMS): unknown[] {
  const body = ctx.body;
  if (body === undefined || body === null || (Array.isArray(body) && body.length === 0))
    fail(400, 'Request data can not be empty');
  if (!Array.isArray(body)) fail(400, 'Request body must be a JSON array of entities');
  ctx.bodyItems = body.length;
  if (body.length > max) fail(422, `Limit ${String(max)} entities per request`);
  return body;
}

/** Applies every plan, or answers 400 with the issues of the failing ones. */
export function runPlans<T>(plans: ReadonlyArray<Plan<T>>): T[] {
  const failed: ItemValidationErrors[] = plans
    .filter((p) => !p.issues.ok)
    .map((p) => ({ request_id: p.requestId, errors: p.issues.list }));
  if (failed.length > 0) throw new HttpProblem(validationFailed(failed));
  return plans.map((p) => p.apply());
}

/** Plans each item of the batch body and applies them all, or answers 400. */
export function batch<T>(
  ctx: Ctx,
  plan: (raw: unknown, index: number) => Plan<T>,
  max = MAX_BATCH_ITEMS,
): T[] {
  return runPlans(batchBody(ctx, max).map(plan));
}

/** Answers 400 with the issues of one item, if it has any. */
export function check(issues: Issues, requestId = '0'): void {
  runPlans([{ requestId, issues, apply: () => undefined }]);
}

/** One item of a batch: the object (`{}` for anything else), its `request_id` and its issues. */
export interface BatchItem {
  item: JsonObject;
  requestId: string;
  issues: Issues;
}

/**
 * Starts the plan of one item.
 *
 * @param typed - Report a non-object item as `InvalidType` at its index.
 */
export function itemOf(raw: unknown, index: number, typed = false): BatchItem {
  const issues = new Issues();
  if (typed && !isObject(raw)) issues.add(ISSUE.type(String(index), 'array'));
  return { item: isObject(raw) ? raw : {}, requestId: requestIdOf(raw, index), issues };
}

/**
 * The object body of a single-item write (`PATCH /…/{id}`), counted in the request log.
 *
 * @throws HttpProblem 405 for an array when `arrayIs405` (Kommo, amocrm-api-php #329); 400 when
 * the body is not an object, or is empty and `nonEmpty` is set.
 */
export function objectBody(
  ctx: Ctx,
  { arrayIs405 = false, nonEmpty = false }: { arrayIs405?: boolean; nonEmpty?: boolean } = {},
): JsonObject {
  if (arrayIs405 && Array.isArray(ctx.body)) fail(405, 'Method Not Allowed');
  if (!isObject(ctx.body) || (nonEmpty && Object.keys(ctx.body).length === 0))
    fail(400, 'Request data can not be empty');
  ctx.bodyItems = 1;
  return ctx.body;
}

/** A numeric path parameter (`:id` segments only take positive integers). */
export function idParam(ctx: Ctx, name = 'id'): number {
  return Number(ctx.params[name]);
}

/** 200 with the rendered item, or 204 when there is none (Kommo's answer to an unknown id). */
export function itemReply<T>(item: T | undefined, render: (item: T) => unknown): Reply {
  return item === undefined ? { status: 204 } : { status: 200, body: render(item) };
}

/** Options of {@link listReply}. */
export interface ListReplyOptions {
  /** Send `_total_items`: the number of items, this number, or nothing. @defaultValue true */
  total?: boolean | number;
  /** The `_links.self` path; `null` sends no `_links`. @defaultValue the request path */
  self?: string | null;
  /** @defaultValue 200 */
  status?: number;
}

/** Kommo's answer holding `items` under `_embedded[key]`, with `_total_items` and `_links`. */
export function listReply(
  ctx: Ctx,
  key: string,
  items: unknown[],
  { total = true, self: path = ctx.path, status = 200 }: ListReplyOptions = {},
): Reply {
  const body: Record<string, unknown> = {};
  if (total !== false) body['_total_items'] = total === true ? items.length : total;
  if (path !== null) body['_links'] = self(ctx, path);
  body['_embedded'] = { [key]: items };
  return { status, body };
}

/** An item with the `request_id` of the write that made it (when given) and its `_links`. */
export function withRequestId(
  ctx: Ctx,
  item: object,
  path: string,
  requestId: string | undefined,
): Record<string, unknown> {
  return {
    ...item,
    ...(requestId === undefined ? {} : { request_id: requestId }),
    _links: self(ctx, path),
  };
}
