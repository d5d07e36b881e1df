/**
 * Webhook delivery: Kommo's form-encoded v2 bodies (built by `buildWebhookBody`), Kommo's
 * headers, a 2 s timeout and Kommo's retry rule with shortened delays. Deliveries run in the
 * background; `flush()` waits for all of them, retries included.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import { buildWebhookBody, type WebhookEventInput } from '../webhooks/encode.js';
import type { ChangeEvent } from './context.js';
import type { Store } from './state.js';

/** Webhook delivery settings. */
export interface SandboxWebhookOptions {
  /**
   * How long a destination has to answer; a later answer counts as failed, as in Kommo.
   *
   * @defaultValue 2000
   */
  timeoutMs?: number;
  /**
   * Waits before attempts 2, 3, 4 and 5. Kommo waits 5 min, 15 min, 15 min and 1 hour; the
   * sandbox shortens them. Attempts 2–3 follow a network error, a timeout or a status ≥ 300;
   * attempts 4–5 only follow 499 or 5xx (a 4xx stops after attempt 3).
   *
   * @defaultValue [50, 150, 150, 600]
   */
  retryDelaysMs?: readonly number[];
  /**
   * Deliver webhooks at all. Off, changes are still logged in `sandbox.webhooks` as `skipped`.
   *
   * @defaultValue true
   */
  enabled?: boolean;
}

/** One attempt to deliver a webhook. */
export interface SandboxWebhookAttempt {
  /** Epoch ms when the attempt started. */
  at: number;
  /** The destination's status, or `0` for a network error or a timeout. */
  status: number;
  /** Why it failed, for network errors and timeouts. */
  error?: string;
  durationMs: number;
}

/** One webhook (one destination, one entity and action) and its attempts. */
export interface SandboxWebhookDelivery {
  /** The `x-amocrm-requestid` header (the same on every retry). */
  requestId: string;
  destination: string;
  subscriptionId: number;
  /** The subscription settings that matched, e.g. `['status_lead']`. */
  settings: string[];
  /** The form-encoded body. */
  body: string;
  headers: Record<string, string>;
  attempts: SandboxWebhookAttempt[];
  /** `pending` while attempts remain, then `delivered` or `failed`; `skipped` when delivery is off. */
  status: 'pending' | 'delivered' | 'failed' | 'skipped';
}

const DEFAULT_DELAYS = [50, 150, 150, 600] as const;
/** Kommo disables a hook after more than 100 invalid answers (in 2 hours). */
const DISABLE_AFTER = 100;

function retryAllowed(attempt: number, status: number): boolean {
  // `attempt` is the number of the attempt that just failed (1-based).
  if (attempt <= 2) return status < 100 || status >= 300;
  if (attempt <= 4) return status === 499 || status >= 500 || status < 100;
  return false;
}

export class WebhookDispatcher {
  readonly deliveries: SandboxWebhookDelivery[] = [];
  readonly #pending = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  readonly #invalid = new Map<number, number>();
  options: Required<SandboxWebhookOptions>;

  constructor(
    options: SandboxWebhookOptions,
    private readonly counters: () => { webhooksDelivered: number; webhooksFailed: number },
  ) {
    this.options = {
      timeoutMs: options.timeoutMs ?? 2000,
      retryDelaysMs: options.retryDelaysMs ?? DEFAULT_DELAYS,
      enabled: options.enabled ?? true,
    };
  }

  /** Sends the webhooks for `events` to every subscription that lists them. */
  dispatch(store: Store, events: readonly ChangeEvent[]): void {
    if (events.length === 0) return;
    const account = {
      id: store.account.id,
      subdomain: store.account.subdomain,
      baseUrl: `https://${store.account.domain}`,
    };
    for (const hook of store.webhooks.values()) {
      if (hook.disabled) continue;
      const wanted = events.filter((e) => hook.settings.includes(e.setting));
      // One body per entity and action, items batched under [0], [1]… as Kommo does.
      const groups = new Map<string, ChangeEvent[]>();
      for (const e of wanted) {
        const key = `${e.entity}:${e.action}`;
        const list = groups.get(key);
        if (list) list.push(e);
        else groups.set(key, [e]);
      }
      for (const group of groups.values()) {
        const inputs: WebhookEventInput[] = group.map((e) => ({
          entity: e.entity,
          action: e.action,
          data: e.data,
        }));
        const body = buildWebhookBody(account, inputs);
        const delivery: SandboxWebhookDelivery = {
          requestId: randomUUID(),
          destination: hook.destination,
          subscriptionId: hook.id,
          settings: [...new Set(group.map((e) => e.setting))],
          body,
          headers: {},
          attempts: [],
          status: this.options.enabled ? 'pending' : 'skipped',
        };
        delivery.headers = {
          'accept-encoding': 'gzip',
          'x-amocrm-requestid': delivery.requestId,
          'content-type': 'application/x-www-form-urlencoded',
          'user-agent': 'amoCRM-Webhooks/3.0',
        };
        this.deliveries.push(delivery);
        if (!this.options.enabled) continue;
        const run = this.#deliver(delivery, () => {
          hook.disabled = true;
        }).finally(() => this.#pending.delete(run));
        this.#pending.add(run);
      }
    }
  }

  async #deliver(delivery: SandboxWebhookDelivery, disable: () => void): Promise<void> {
    const delays = this.options.retryDelaysMs;
    for (let attempt = 1; ; attempt++) {
      if (this.#abort.signal.aborted) return;
      const started = performance.now();
      const record: SandboxWebhookAttempt = { at: Date.now(), status: 0, durationMs: 0 };
      try {
        const response = await fetch(delivery.destination, {
          method: 'POST',
          headers: delivery.headers,
          body: delivery.body,
          redirect: 'manual',
          signal: AbortSignal.any([
            this.#abort.signal,
            AbortSignal.timeout(this.options.timeoutMs),
          ]),
        });
        record.status = response.status;
        // Drain the body so the socket is released.
        await response.arrayBuffer().catch(() => undefined);
      } catch (error) {
        record.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      record.durationMs = performance.now() - started;
      delivery.attempts.push(record);
      if (record.status >= 100 && record.status < 300) {
        delivery.status = 'delivered';
        this.counters().webhooksDelivered++;
        return;
      }
      const invalid = (this.#invalid.get(delivery.subscriptionId) ?? 0) + 1;
      this.#invalid.set(delivery.subscriptionId, invalid);
      if (invalid > DISABLE_AFTER) disable();
      const delay = delays[attempt - 1];
      if (
        delay === undefined ||
        !retryAllowed(attempt, record.status) ||
        this.#abort.signal.aborted
      ) {
        delivery.status = 'failed';
        this.counters().webhooksFailed++;
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.#abort.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
    }
  }

  /** Resolves when no delivery is pending (retries included). */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** Stops retries and waits for running attempts. */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.flush();
  }

  clear(): void {
    this.deliveries.length = 0;
    this.#invalid.clear();
  }
}
