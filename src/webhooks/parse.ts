/**
 * `parseWebhook`: Kommo's form-encoded webhook body → typed events.
 *
 * @module
 */

import { isRecord } from '../core/errors.js';
import { WebhookParseError } from './errors.js';
import { WEBHOOK_ENTITY_SPECS, type WebhookEventEntity } from './events.js';
import {
  decodeForm,
  safeJsonParse,
  type WebhookBody,
  type WebhookFormTree,
  type WebhookFormValue,
  type WebhookParseLimits,
} from './form.js';
import type {
  WebhookAccount,
  WebhookCustomField,
  WebhookCustomFieldValue,
  WebhookEvent,
  WebhookPayload,
} from './types.js';

/** Options of {@link parseWebhook}: the limits that bound hostile bodies. */
export type ParseWebhookOptions = WebhookParseLimits;

type Entity = WebhookEventEntity;

/**
 * Top-level keys → entities, from the events table (`events.ts`): each entity's own name (`tasks`, which
 * some senders use) and Kommo's wire key (`task`), unless that key is another entity's name
 * (companies arrive under `contacts`, told apart by {@link SUBTYPES}). A `Map`, not an object
 * literal: the key comes from the body, and `toString[x]=1` must not find
 * `Object.prototype.toString`.
 */
const WIRE_ENTITY = new Map<string, Entity>();
/** `<entity>:<item type>` → the entity that type stands for (`contacts:company` → companies). */
const SUBTYPES = new Map<string, Entity>();
// Filled in by the first parse, not at import: an entry that only imports this module for
// another export (kommo-sdk/chats) carries no work and no code for it.
function lookups(): void {
  if (WIRE_ENTITY.size > 0) return;
  for (const name of WEBHOOK_ENTITY_SPECS.keys()) WIRE_ENTITY.set(name, name as Entity);
  for (const [name, spec] of WEBHOOK_ENTITY_SPECS) {
    const wire = spec.wire ?? name;
    if (!WIRE_ENTITY.has(wire)) WIRE_ENTITY.set(wire, name as Entity);
    const parent = WIRE_ENTITY.get(wire);
    if (spec.type !== undefined && parent !== undefined) {
      SUBTYPES.set(`${parent}:${spec.type}`, name as Entity);
    }
  }
}

/** Keys ending in `_id` whose values are uuids or free text, never converted. */
const STRING_KEYS = new Set([
  'uid',
  'chat_id',
  'request_id',
  'visitor_uid',
  'form_request_id',
  'gso_session_uid',
  'client_id',
  'amojo_id',
  'form_id_name',
]);

/** Keys whose numeric strings are counts, ids or unix times. */
const NUMERIC_KEYS = new Set([
  'id',
  'ID',
  'price',
  'date_create',
  'last_modified',
  'date_modify',
  'created_at',
  'updated_at',
  'complete_before',
  'element_type',
  'task_type',
  'note_type',
  'created_by',
  'modified_by',
  'main_user',
  'status',
  'rate',
  'sort',
  'datetime',
  'date',
  'timestamp',
  'form_type',
  'duration',
  // customers.*: the next purchase and its period.
  'next_price',
  'next_date',
  'periodicity',
]);

/** Keys holding `"1"`/`"0"` flags besides every `is_*`. */
const FLAG_KEYS = new Set(['action_close', 'deleted']);

const INTEGER = /^-?(0|[1-9]\d*)$/;
const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;

interface Context {
  /** In chat messages `id` is a uuid, even when it happens to be all digits. */
  stringIds: boolean;
}

/**
 * Parses a Kommo webhook body into the account and one typed event per item.
 *
 * Accepts the raw body as a string or bytes (what a handler reads), a `URLSearchParams`, a
 * `FormData`, or an object a framework already decoded (e.g. `express.urlencoded({ extended:
 * true })`). Parsing is lenient: unknown keys stay on `data`, unknown entities or actions
 * become `{ type: 'unknown' }` events, and nothing in a well-formed body throws. Values are
 * converted: ids, counts and unix times to numbers, `is_*` flags to booleans, note `metadata`
 * JSON to objects, and the webhook `custom_fields` variants to one {@link WebhookCustomField}
 * shape. Companies (sent under `contacts` with `type=company`) become `companies.*` events,
 * Kommo's singular `task`, `message` and `talk` become `tasks.*`, `messages.*`, `talks.*`.
 *
 * Parsing does not authenticate anything: call {@link verifyWebhook} first, or use
 * {@link createWebhookHandler}, which does both.
 *
 * @param body - The body as received.
 * @param options - Limits for hostile input.
 * @returns The account, the events and the decoded `raw` tree.
 * Hostile input is expected: keys named like built-ins (`toString[x]`) are ordinary keys,
 * `__proto__`/`constructor`/`prototype` keys are dropped from the form and from note `metadata`
 * JSON alike, and an object input is read structurally (own data properties only, getters never
 * run, sparse arrays by their present indexes, cycles refused).
 *
 * @throws {@link WebhookParseError} — and nothing else, for any input — when the body exceeds
 *   a limit (`too_large`, `too_deep`, `too_many_fields`), is not UTF-8 (`invalid_utf8`), is not
 *   form-encoded (`not_form_encoded`), has no `account[...]` part (`missing_account`), or is
 *   not a body at all (`invalid_input`: another type, a class instance, a cyclic object).
 *
 * @example
 * ```ts
 * const { account, events } = parseWebhook(await request.text());
 * for (const event of events) {
 *   if (event.type === 'leads.status' && event.data.status_id === WON_STATUS_ID) {
 *     await sendThankYou(account.subdomain, event.data.id);
 *   }
 * }
 * ```
 */
export function parseWebhook(body: WebhookBody, options?: ParseWebhookOptions): WebhookPayload {
  return guarded(() => payloadOf(decodeForm(body, options)));
}

/**
 * {@link parseWebhook} for a body already decoded by `decodeForm` (the handler's account check
 * decodes it first): the same payload and the same promise, a `WebhookParseError` or nothing.
 *
 * @internal
 */
export function parseForm(raw: WebhookFormTree): WebhookPayload {
  return guarded(() => payloadOf(raw));
}

function guarded(parse: () => WebhookPayload): WebhookPayload {
  try {
    return parse();
  } catch (error) {
    if (error instanceof WebhookParseError) throw error;
    // Defence in depth: the decoder reads inputs structurally, so only something hostile
    // beyond data (a Proxy whose traps throw, say) lands here. The promise stays: a typed error.
    throw new WebhookParseError('invalid_input', 'The webhook body cannot be read', {
      cause: error,
    });
  }
}

function payloadOf(raw: WebhookFormTree): WebhookPayload {
  lookups();
  const account = parseAccount(raw['account']);
  const events: WebhookEvent[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'account') continue;
    collectEvents(key, value, events);
  }
  return { account, events, raw };
}

function parseAccount(value: WebhookFormValue | undefined): WebhookAccount {
  if (!isTree(value)) {
    throw new WebhookParseError(
      'missing_account',
      'The webhook body has no account[...] part; it is not a Kommo webhook',
    );
  }
  const id = toInteger(value['id']);
  const links = value['_links'];
  const self = isTree(links) && typeof links['self'] === 'string' ? links['self'] : undefined;
  let subdomain = typeof value['subdomain'] === 'string' ? value['subdomain'] : undefined;
  if (subdomain === undefined && self !== undefined) subdomain = hostLabel(self);
  if (subdomain === undefined && id === undefined) {
    throw new WebhookParseError(
      'missing_account',
      'The webhook account part has neither an id nor a subdomain',
    );
  }
  const account: WebhookAccount = { subdomain: subdomain ?? '' };
  if (id !== undefined) account.id = id;
  if (self !== undefined) account.baseUrl = self;
  return account;
}

function hostLabel(url: string): string | undefined {
  try {
    return new URL(url).hostname.split('.')[0];
  } catch {
    return undefined;
  }
}

function collectEvents(key: string, value: WebhookFormValue, events: WebhookEvent[]): void {
  const entity = WIRE_ENTITY.get(key);
  if (typeof value === 'string') {
    events.push({ type: 'unknown', entity: key, action: '', data: { value } });
    return;
  }
  // A list right under the entity (`add[0][id]`, WhatsApp template reviews) has no action.
  if (Array.isArray(value)) {
    for (const item of value) events.push(unknownEvent(key, '', item));
    return;
  }
  for (const [action, itemsValue] of Object.entries(value)) {
    for (const item of itemsOf(itemsValue)) {
      const known = entity === undefined || !isTree(item) ? undefined : resolve(entity, item);
      if (known === undefined || !WEBHOOK_ENTITY_SPECS.get(known)?.actions.includes(action)) {
        events.push(unknownEvent(key, action, item));
        continue;
      }
      events.push(knownEvent(known, action, item as WebhookFormTree));
    }
  }
}

function itemsOf(value: WebhookFormValue): WebhookFormValue[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [value];
  // Non-contiguous indexes (`[3]`, `[7]`) arrive as a map of items.
  const entries = Object.entries(value);
  if (entries.length > 0 && entries.every(([k, v]) => /^\d+$/.test(k) && isTree(v))) {
    return entries.map(([, v]) => v);
  }
  return [value];
}

function unknownEvent(entity: string, action: string, item: WebhookFormValue): WebhookEvent {
  const data = isTree(item)
    ? convertTree(item, { stringIds: false })
    : { value: convert('', item, { stringIds: false }) };
  const event: WebhookEvent = { type: 'unknown', entity, action, data };
  const id = data['id'];
  if (typeof id === 'number' || typeof id === 'string') event.id = id;
  return event;
}

/** The entity an item belongs to: its key's, or a subtype's (`type=company` under `contacts`). */
function resolve(entity: Entity, item: WebhookFormTree): Entity {
  const type = item['type'];
  return (typeof type === 'string' && SUBTYPES.get(`${entity}:${type}`)) || entity;
}

function knownEvent(entity: Entity, action: string, item: WebhookFormTree): WebhookEvent {
  const spec = WEBHOOK_ENTITY_SPECS.get(entity);
  const ctx: Context = { stringIds: spec?.uuid === true };
  let data: Record<string, unknown>;
  if (action === 'note') {
    // Notes have an extra level: `leads[note][0][note][text]`; siblings such as `type` are kept.
    const { note, ...siblings } = item;
    data = { ...convertTree(siblings, ctx), ...(isTree(note) ? convertTree(note, ctx) : {}) };
  } else {
    data = convertTree(item, ctx);
  }
  const id = data[spec?.id ?? 'id'];
  // The union is built at run time from checked parts; the cast names the result.
  const event = { type: `${entity}.${action}`, entity, action, data } as WebhookEvent;
  if (typeof id === 'number' || typeof id === 'string') (event as { id?: unknown }).id = id;
  return event;
}

function convertTree(tree: WebhookFormTree, ctx: Context): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tree)) out[key] = convert(key, value, ctx);
  return out;
}

function convert(key: string, value: WebhookFormValue, ctx: Context): unknown {
  if (key === 'custom_fields') return normalizeCustomFields(value, ctx);
  if (key === 'linked_leads_id' && isTree(value)) {
    return Object.keys(value)
      .map((id) => toInteger(id))
      .filter((id): id is number => id !== undefined);
  }
  if (typeof value === 'string') return convertScalar(key, value, ctx);
  if (Array.isArray(value)) return value.map((item) => convert('', item, ctx));
  return convertTree(value, ctx);
}

function convertScalar(key: string, value: string, ctx: Context): unknown {
  if (key === 'metadata') return parseJson(value);
  if (key.startsWith('is_') || FLAG_KEYS.has(key)) {
    if (value === '1' || value === 'true') return true;
    if (value === '0' || value === 'false') return false;
    return value;
  }
  if (STRING_KEYS.has(key) || (ctx.stringIds && key === 'id')) return value;
  if (key === 'price') return DECIMAL.test(value) ? Number(value) : value;
  if (NUMERIC_KEYS.has(key) || key.endsWith('_id')) return toInteger(value) ?? value;
  return value;
}

function parseJson(value: string): unknown {
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  try {
    // The same key filter as the form decoder: no `__proto__`/`constructor`/`prototype` keys.
    return safeJsonParse(trimmed);
  } catch {
    return value;
  }
}

function toInteger(value: unknown): number | undefined {
  if (typeof value !== 'string' || !INTEGER.test(value)) return undefined;
  const n = Number(value);
  // Ids above 2^53 would silently lose digits; they stay strings.
  return Number.isSafeInteger(n) ? n : undefined;
}

function normalizeCustomFields(value: WebhookFormValue, ctx: Context): WebhookCustomField[] {
  const fields = Array.isArray(value) ? value : isTree(value) ? Object.values(value) : [];
  const out: WebhookCustomField[] = [];
  for (const field of fields) {
    if (!isTree(field)) continue;
    const { values, ...rest } = field;
    const converted = convertTree(rest, ctx) as WebhookCustomField;
    converted.values = normalizeValues(values, ctx);
    out.push(converted);
  }
  return out;
}

/** The three shapes of `values`: a list of `{value, enum}`, a list of bare values, or one object. */
function normalizeValues(
  values: WebhookFormValue | undefined,
  ctx: Context,
): WebhookCustomFieldValue[] {
  if (values === undefined) return [];
  if (typeof values === 'string') return [{ value: values }];
  if (Array.isArray(values)) return values.map((item) => valueItem(item, ctx));
  // Radiobutton: `values[value]=2&values[enum]=566642`.
  if ('value' in values || 'enum' in values) return [valueItem(values, ctx)];
  return Object.values(values).map((item) => valueItem(item, ctx));
}

function valueItem(item: WebhookFormValue, ctx: Context): WebhookCustomFieldValue {
  if (typeof item === 'string') return { value: item };
  if (Array.isArray(item)) return { value: JSON.stringify(item) };
  const { value, enum: enumId, ...rest } = item;
  const out: WebhookCustomFieldValue = {
    ...convertTree(rest, ctx),
    value: typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value),
  };
  const parsedEnum = toInteger(enumId);
  if (parsedEnum !== undefined) out.enum = parsedEnum;
  return out;
}

function isTree(value: unknown): value is WebhookFormTree {
  return isRecord(value);
}
