/**
 * The encoder of Kommo's webhook bodies: the form-encoded, PHP-bracketed shape Kommo POSTs to a
 * subscribed URL. Users call it to unit-test their handlers; the local sandbox calls it to
 * deliver webhooks. Web APIs only.
 *
 * @module
 */

import { isRecord } from '../core/errors.js';
import { WEBHOOK_ENTITY_SPECS, type WebhookEventEntity, type WebhookEventWire } from './events.js';

/**
 * A value inside a webhook item, as {@link buildWebhookBody} encodes it.
 *
 * Strings are sent as they are; numbers with `String(n)`; booleans as `"1"`/`"0"` (Kommo's
 * flags); arrays as `[0]`, `[1]`…; objects as `[key]`. `null` and `undefined` are left out,
 * as PHP's `http_build_query` does.
 */
export type WebhookInputValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly WebhookInputValue[]
  | { readonly [key: string]: WebhookInputValue };

/** An item of a webhook with Kommo's webhook field names (`id`, `status_id`, `custom_fields`…). */
export type WebhookInputData = { readonly [key: string]: WebhookInputValue };

/** The account a webhook comes from: the `account[...]` part of every body. */
export interface WebhookAccountInput {
  /** Account id (`account[id]`). */
  id: number | string;
  /** Account subdomain (`account[subdomain]`), e.g. `acme`. */
  subdomain: string;
  /**
   * Account URL (`account[_links][self]`), e.g. `https://acme.kommo.com` or a sandbox URL.
   *
   * @defaultValue `https://<subdomain>.kommo.com`
   */
  baseUrl?: string | undefined;
}

/**
 * Kommo's top-level webhook keys (the wire keys of the events table in `events.ts`). Note the
 * singular `task`, `message` and `talk`: that is how Kommo spells them on the wire.
 */
export type WebhookWireEntity = {
  [E in WebhookEventEntity]: WebhookEventWire<E>;
}[WebhookEventEntity];

/** The SDK's normalized entity names, which {@link buildWebhookBody} maps to the wire keys. */
export type WebhookEntityName = WebhookEventEntity;

/** One item to encode into a webhook body. */
export interface WebhookEventInput {
  /**
   * The entity: Kommo's wire key (`leads`, `contacts`, `task`, `unsorted`, `message`, `talk`,
   * `catalogs`, `customers`) or the SDK's normalized name (`companies`, `tasks`, `messages`,
   * `talks`). `companies` is sent the way Kommo sends it: under `contacts` with
   * `type=company`. Any other string is used as the key unchanged.
   */
  entity: WebhookWireEntity | WebhookEntityName | (string & {});
  /** The action: `add`, `update`, `delete`, `restore`, `status`, `responsible`, `note`… */
  action: string;
  /**
   * The item, with Kommo's webhook field names, in the order they should appear. For `note`
   * events pass either Kommo's `{ note: { … } }` wrapper or the bare note (it is wrapped).
   */
  data: WebhookInputData;
}

/**
 * Builds the `application/x-www-form-urlencoded` body Kommo sends to a webhook destination.
 *
 * The result is byte-compatible with real deliveries: `account[...]` first, then
 * `entity[action][N][field]=value` for every item, brackets percent-encoded, spaces as `+`.
 * Items with the same entity and action are batched under `[0]`, `[1]`… as Kommo does. Keys
 * keep the order of `data`. Send it with `content-type: application/x-www-form-urlencoded`.
 *
 * @param account - The account part (`account[subdomain]`, `account[id]`, `account[_links][self]`).
 * @param events - The items, each `{ entity, action, data }`.
 * @returns The encoded body.
 *
 * @example
 * ```ts
 * const body = buildWebhookBody({ id: 31204999, subdomain: 'acme' }, [
 *   { entity: 'leads', action: 'status', data: { id: 42, status_id: 142, old_status_id: 7, pipeline_id: 1 } },
 * ]);
 * const response = await handler(
 *   new Request('https://example.com/kommo?secret=s3cret', {
 *     method: 'POST',
 *     headers: { 'content-type': 'application/x-www-form-urlencoded' },
 *     body,
 *   }),
 * );
 * ```
 */
export function buildWebhookBody(
  account: WebhookAccountInput,
  events: readonly WebhookEventInput[],
): string {
  const pairs: Array<[string, string]> = [
    ['account[subdomain]', account.subdomain],
    ['account[id]', String(account.id)],
    ['account[_links][self]', account.baseUrl ?? `https://${account.subdomain}.kommo.com`],
  ];

  // Kommo batches items of one entity/action under consecutive indexes.
  const counters = new Map<string, number>();
  for (const event of events) {
    const spec = WEBHOOK_ENTITY_SPECS.get(event.entity);
    const entity = spec?.wire ?? event.entity;
    let data: WebhookInputData = event.data;
    if (event.action === 'note' && !isRecord(data['note'])) data = { note: data };
    // An entity sent under another's key says which it is (companies: `type=company`).
    if (spec?.type !== undefined && data['type'] === undefined) data = { ...data, type: spec.type };
    const group = `${entity}[${event.action}]`;
    const index = counters.get(group) ?? 0;
    counters.set(group, index + 1);
    appendValue(pairs, `${group}[${String(index)}]`, data);
  }
  return encodePairs(pairs);
}

/** Serializes key/value pairs the way PHP's `http_build_query` does. @internal */
export function encodePairs(pairs: ReadonlyArray<readonly [string, string]>): string {
  // URLSearchParams uses the WHATWG form serializer, which leaves `*` alone; PHP encodes it.
  return new URLSearchParams(pairs as Array<[string, string]>).toString().replace(/\*/g, '%2A');
}

/**
 * Appends `value` under `key` as PHP-bracketed pairs (a list's items under `[0]`, `[1]`…); an
 * empty `key` puts an object's keys at the top level.
 *
 * @internal
 */
export function appendValue(
  pairs: Array<[string, string]>,
  key: string,
  value: WebhookInputValue,
): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) appendValue(pairs, key ? `${key}[${k}]` : k, v);
  } else pairs.push([key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value)]);
}
