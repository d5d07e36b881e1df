/**
 * Dropping Kommo's repeated deliveries: {@link webhookEventKey}, the {@link WebhookDedupeStore}
 * contract and its in-memory {@link MemoryDedupeStore}. {@link createWebhookHandler} uses them
 * with its `dedupe` option.
 *
 * @module
 */

import type { WebhookEvent, WebhookPayload } from './types.js';

/**
 * Remembers which deliveries were processed, to drop Kommo's retries of the same content.
 * `seen` must check and record in one step (an atomic `SET NX` in Redis, say).
 */
export interface WebhookDedupeStore {
  /** Records `key` for `ttlMs`; resolves `true` when it was already recorded. */
  seen(key: string, ttlMs: number): boolean | Promise<boolean>;
  /** Forgets `key`, so a retry after a failed listener is processed again. */
  delete(key: string): unknown;
}

/** Options of the dedupe feature. */
export interface WebhookDedupeOptions {
  /**
   * The key of an event; `undefined` never deduplicates it.
   *
   * @defaultValue {@link webhookEventKey}
   */
  key?: (event: WebhookEvent, payload: WebhookPayload) => string | undefined;
  /**
   * Where keys live. Use a shared store when several processes receive webhooks.
   *
   * @defaultValue a {@link MemoryDedupeStore} of this handler
   */
  store?: WebhookDedupeStore;
  /**
   * How long a key is remembered. Kommo's last retry comes about 1 h 35 min after the first try.
   *
   * @defaultValue `7_200_000` (2 hours)
   */
  ttlMs?: number;
}

/**
 * The default dedupe key: account, type, item id and a hash of the event's whole content, so a
 * retry of the same delivery matches while any later change of the same entity does not — even
 * within the same second (Kommo's times have one-second resolution, so a move to a stage and
 * then to won in one second differ only by `status_id`).
 */
export function webhookEventKey(event: WebhookEvent, payload: WebhookPayload): string | undefined {
  if (event.id === undefined) return undefined;
  const account = payload.account.id ?? payload.account.subdomain;
  return `${String(account)}:${event.type}:${String(event.id)}:${contentHash(event.data)}`;
}

/** Key-order-independent JSON of a parsed webhook value. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** 64-bit FNV-1a of the stable JSON, as hex: short keys without Web Crypto's async API. */
function contentHash(value: unknown): string {
  const text = stableJson(value);
  // Two 32-bit FNV-1a lanes with different primes.
  return [0x811c9dc5, 0xcbf29ce4]
    .map((hash, lane) => {
      for (let i = 0; i < text.length; i++) {
        hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193 + lane * 2) >>> 0;
      }
      return hash.toString(16).padStart(8, '0');
    })
    .join('');
}

/** A bounded in-memory {@link WebhookDedupeStore} (one process only). */
export class MemoryDedupeStore implements WebhookDedupeStore {
  readonly #expiries = new Map<string, number>();
  readonly #max: number;
  readonly #now: () => number;

  /**
   * @param options.max - Most keys kept; the oldest go first. Default `10_000`.
   * @param options.now - The clock in ms. Default `Date.now`.
   */
  constructor(options: { max?: number; now?: () => number } = {}) {
    this.#max = options.max ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** {@inheritDoc WebhookDedupeStore.seen} */
  seen(key: string, ttlMs: number): boolean {
    const now = this.#now();
    const expiry = this.#expiries.get(key);
    if (expiry !== undefined && expiry > now) return true;
    this.#expiries.delete(key);
    this.#expiries.set(key, now + ttlMs);
    while (this.#expiries.size > this.#max) {
      const oldest = this.#expiries.keys().next().value;
      if (oldest === undefined) break;
      this.#expiries.delete(oldest);
    }
    return false;
  }

  /** {@inheritDoc WebhookDedupeStore.delete} */
  delete(key: string): void {
    this.#expiries.delete(key);
  }
}

/** The `dedupe` option with its defaults filled in. @internal */
export interface ResolvedDedupe {
  key: (event: WebhookEvent, payload: WebhookPayload) => string | undefined;
  store: WebhookDedupeStore;
  ttlMs: number;
}

/** Fills in the defaults of the handler's `dedupe` option; `undefined` when it is off. @internal */
export function resolveDedupe(
  option: boolean | WebhookDedupeOptions | undefined,
): ResolvedDedupe | undefined {
  if (option === undefined || option === false) return undefined;
  const o = option === true ? {} : option;
  return {
    key: o.key ?? webhookEventKey,
    store: o.store ?? new MemoryDedupeStore(),
    ttlMs: o.ttlMs ?? 7_200_000,
  };
}
