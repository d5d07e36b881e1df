/**
 * What the sync status shows: webhooks received (by event type, the last one) and the errors
 * of the webhook route. In process memory, per server process: enough for a status badge; a
 * real app with several instances keeps it in its database or Redis.
 */
import type { WebhookEvent } from 'kommo-sdk';

/** The status the browser polls (`GET /api/crm/status`). */
export interface SyncStatus {
  webhooks: {
    received: number;
    byType: Record<string, number>;
    last: { type: string; entityId: number | undefined; at: number } | undefined;
  };
  errors: {
    count: number;
    last: { phase: string; message: string; at: number } | undefined;
  };
}

const KEY = Symbol.for('kommo-sdk.nextjs-example.sync');
type Holder = { [KEY]?: SyncStatus };

/** The process's sync state (shared by every route bundle, see lib/kommo.ts). */
export function syncState(): SyncStatus {
  const holder = globalThis as Holder;
  holder[KEY] ??= {
    webhooks: { received: 0, byType: {}, last: undefined },
    errors: { count: 0, last: undefined },
  };
  return holder[KEY];
}

/** Counts one webhook event. */
export function recordWebhook(event: WebhookEvent): void {
  const state = syncState();
  state.webhooks.received++;
  state.webhooks.byType[event.type] = (state.webhooks.byType[event.type] ?? 0) + 1;
  const id = (event.data as { id?: unknown }).id;
  state.webhooks.last = {
    type: event.type,
    entityId: typeof id === 'number' ? id : undefined,
    at: Date.now(),
  };
}

/** Counts one failure of the webhook route (refused secret, bad body, a throwing listener). */
export function recordError(phase: string, error: unknown): void {
  const state = syncState();
  state.errors.count++;
  state.errors.last = {
    phase,
    // SDK errors never carry the secret or a token; other messages are cut short.
    message: (error instanceof Error ? error.message : String(error)).slice(0, 200),
    at: Date.now(),
  };
}

/** The answer of `GET /api/crm/status`. */
export interface AppStatus extends SyncStatus {
  /** What the server's client talks to (never a token). */
  target: string;
  mode: 'sandbox' | 'account';
  api: { requests: number; failed: number; retries: number; leadsCreated: number };
}
