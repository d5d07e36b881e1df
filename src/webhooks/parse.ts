/**
 * `parseWebhook`: Kommo's form-encoded webhook body → typed events.
 *
 * @module
 */

import { isRecord } from '../core/errors.js';
import { parseError, WebhookParseError } from './errors.js';
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
const STRING_KEYS = new Set(
  'uid chat_id request_id visitor_uid form_request_id gso_session_uid client_id amojo_id form_id_name'.split(
    ' ',
  ),
);

/** Keys whose numeric strings are counts, ids or unix times (`next_*`, `periodicity`: customers). */
const NUMERIC_KEYS = new Set(
  'id ID price date_create last_modified date_modify created_at updated_at complete_before element_type task_type note_type created_by modified_by main_user status rate sort datetime date timestamp form_type duration next_price next_date periodicity'.split(
    ' ',
  ),
);

const INTEGER = /^-?(0|[1-9]\d*)$/;

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
    throw parseError('invalid_input', 'The webhook body cannot be read', error);
  }
}

function payloadOf(raw: WebhookFormTree): WebhookPayload {
  lookups();
  const accountPart = raw['account'];
  const missing = (what: string) =>
    parseError('missing_account', `The webhook body has no account ${what}; not a Kommo webhook`);
  if (!isTree(accountPart)) throw missing('part');
  const id = toInteger(accountPart['id']);
  const links = accountPart['_links'];
  const self = isTree(links) && typeof links['self'] === 'string' ? links['self'] : undefined;
  let subdomain = accountPart['subdomain'];
  if (typeof subdomain !== 'string') {
    try {
      subdomain = new URL(self ?? '').hostname.split('.')[0];
    } catch {
      subdomain = undefined;
    }
  }
  if (subdomain === undefined && id === undefined) throw missing('id or subdomain');
  const account: WebhookAccount = { subdomain: subdomain ?? '' };
  if (id !== undefined) account.id = id;
  if (self !== undefined) account.baseUrl = self;

  const events: WebhookEvent[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'account') continue;
    const wire = WIRE_ENTITY.get(key);
    // A string or a list right under the entity (`add[0][id]`, WhatsApp template reviews) has
    // no action.
    for (const [action, items] of isTree(value) ? Object.entries(value) : [['', value] as const]) {
      for (const item of itemsOf(items)) {
        // The entity an item belongs to: its key's, or a subtype's (`type=company` under `contacts`).
        const type = isTree(item) ? item['type'] : undefined;
        const entity =
          wire && ((typeof type === 'string' && SUBTYPES.get(`${wire}:${type}`)) || wire);
        const spec = entity && WEBHOOK_ENTITY_SPECS.get(entity);
        const known = spec && isTree(item) && spec.actions.includes(action) ? spec : undefined;
        const uuid = known?.uuid === true;
        let data: Record<string, unknown>;
        if (!isTree(item)) data = { value: convert('', item, false) };
        else if (known && action === 'note') {
          // Notes have an extra level: `leads[note][0][note][text]`; siblings such as `type`
          // are kept.
          const { note, ...siblings } = item;
          data = {
            ...convertTree(siblings, uuid),
            ...(isTree(note) ? convertTree(note, uuid) : {}),
          };
        } else data = convertTree(item, uuid);
        const eventId = data[known?.id ?? 'id'];
        // The union is built at run time from checked parts; the cast names the result.
        const event = (
          known
            ? { type: `${entity}.${action}`, entity, action, data }
            : { type: 'unknown', entity: key, action, data }
        ) as WebhookEvent;
        if (typeof eventId === 'number' || typeof eventId === 'string') event.id = eventId;
        events.push(event);
      }
    }
  }
  return { account, events, raw };
}

function itemsOf(value: WebhookFormValue): WebhookFormValue[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [value];
  // Non-contiguous indexes (`[3]`, `[7]`) arrive as a map of items.
  const entries = Object.entries(value);
  return entries.length && entries.every(([k, v]) => /^\d+$/.test(k) && isTree(v))
    ? Object.values(value)
    : [value];
}

function convertTree(tree: WebhookFormTree, uuid: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tree)) out[key] = convert(key, value, uuid);
  return out;
}

/** One value, by its key; `uuid`: in chat messages `id` is a uuid, even when all digits. */
function convert(key: string, value: WebhookFormValue, uuid: boolean): unknown {
  if (key === 'custom_fields') {
    // The webhook variants of custom fields, made into one shape.
    const fields = Array.isArray(value) ? value : isTree(value) ? Object.values(value) : [];
    return fields.filter(isTree).map(({ values, ...rest }) => ({
      ...convertTree(rest, uuid),
      values: customValues(values, uuid),
    }));
  }
  if (Array.isArray(value)) return value.map((item) => convert('', item, uuid));
  if (isTree(value)) {
    return key === 'linked_leads_id'
      ? Object.keys(value)
          .map(toInteger)
          .filter((id) => id !== undefined)
      : convertTree(value, uuid);
  }
  if (key === 'metadata') {
    // Note metadata is JSON, read with the form decoder's key filter (no `__proto__`…).
    try {
      if (/^\s*[[{]/.test(value)) return safeJsonParse(value);
    } catch {
      // Not JSON after all: kept as text.
    }
    return value;
  }
  // Flags: every `is_*`, `action_close` and `deleted`.
  if (/^(is_|(action_close|deleted)$)/.test(key)) {
    return /^(1|true)$/.test(value) ? true : /^(0|false)$/.test(value) ? false : value;
  }
  if (STRING_KEYS.has(key) || (uuid && key === 'id')) return value;
  if (key === 'price') return /^-?(0|[1-9]\d*)(\.\d+)?$/.test(value) ? Number(value) : value;
  return NUMERIC_KEYS.has(key) || key.endsWith('_id') ? (toInteger(value) ?? value) : value;
}

function toInteger(value: unknown): number | undefined {
  // Only text is converted: `Number()` on a part (`account[id][toString]=…`) would run its keys.
  if (typeof value !== 'string' || !INTEGER.test(value)) return undefined;
  const n = Number(value);
  // Ids above 2^53 would silently lose digits; they stay strings.
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The three shapes of `values`: a list of `{value, enum}`, a list of bare values, or one object. */
function customValues(
  values: WebhookFormValue | undefined,
  uuid: boolean,
): WebhookCustomFieldValue[] {
  if (values === undefined) return [];
  // Radiobutton: `values[value]=2&values[enum]=566642`.
  const items =
    typeof values === 'string' || 'value' in values || 'enum' in values
      ? [values]
      : Array.isArray(values)
        ? values
        : Object.values(values);
  return items.map((item) => {
    if (!isTree(item)) return { value: typeof item === 'string' ? item : JSON.stringify(item) };
    const { value, enum: enumId, ...rest } = item;
    const out: WebhookCustomFieldValue = {
      ...convertTree(rest, uuid),
      value: typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value),
    };
    const parsedEnum = toInteger(enumId);
    if (parsedEnum !== undefined) out.enum = parsedEnum;
    return out;
  });
}

/** A map of the decoded form (not a string, not a list). */
const isTree = isRecord as (value: unknown) => value is WebhookFormTree;
