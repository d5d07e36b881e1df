/**
 * `kommo.webhooks`: the account's webhook subscriptions (`/api/v4/webhooks`).
 *
 * Kommo signs none of these deliveries. Put a secret into the destination URL and check it with
 * `verifyWebhook` / `createWebhookHandler` (see `docs/webhooks.md`).
 *
 * @see https://developers.kommo.com/reference/webhooks-list
 * @module
 */

import { RequestValidationError } from '../core/errors.js';
import type { RequestOptions } from '../core/options.js';
import type { ListOptions, PagePromise } from '../core/pagination.js';
import { parseInput, parseResponse } from '../core/schema.js';
import { WEBHOOK_SETTINGS } from '../webhooks/events.js';
import type { WebhookSubscription } from '../schemas/webhook-subscription.js';
import { APIResource, route } from './resource.js';

export type { WebhookSubscription } from '../schemas/webhook-subscription.js';

// The names derive from the one table of webhook events (src/webhooks/events.ts).
export { WEBHOOK_SETTINGS };

/**
 * An event a subscription listens to. The documented names are listed; any other string is
 * accepted too, because the names of the incoming-lead, message and catalog events are not
 * documented (`add_unsorted`, `add_message`, … are used in the wild).
 */
export type WebhookSubscriptionSetting = (typeof WEBHOOK_SETTINGS)[number] | (string & {});

/** Parameters of {@link WebhookSubscriptions.list}. */
export interface WebhookListParams {
  /** Only the subscription with exactly this destination URL. */
  filter?: { destination?: string };
}

/** Parameters of {@link WebhookSubscriptions.subscribe}. */
export interface WebhookSubscribeParams {
  /**
   * Where Kommo POSTs the events: an `https` URL (plain `http` only for loopback hosts in
   * development). Put your secret in it, e.g. `https://example.com/kommo?secret=…`.
   */
  destination: string;
  /** The events to receive, e.g. `['add_lead', 'status_lead']`. */
  settings: readonly WebhookSubscriptionSetting[];
  /** Delivery order among the account's webhooks. */
  sort?: number;
}

/** Whether a host name is this machine, where plain http cannot leak anything. */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(host)
  );
}

/** @throws {@link RequestValidationError} unless `destination` is https, or http on loopback. */
function assertDestination(destination: string): void {
  let url: URL;
  try {
    url = new URL(destination);
  } catch {
    throw new RequestValidationError('`destination` must be an absolute URL', [
      { path: ['destination'], message: 'Invalid URL' },
    ]);
  }
  const secure = url.protocol === 'https:';
  const local = url.protocol === 'http:' && isLoopback(url.hostname);
  if (!secure && !local) {
    // Webhook bodies carry customer data, and the URL carries the secret that protects them.
    throw new RequestValidationError(
      '`destination` must use https (plain http is allowed only for localhost/127.0.0.1)',
      [{ path: ['destination'], message: 'Expected an https URL' }],
    );
  }
}

const webhooks = route({
  path: '/api/v4/webhooks',
  key: 'webhooks',
  names: ['webhook', 'webhooks'],
  paginated: false,
  schemas: () =>
    import('../schemas/webhook-subscription.js').then((m) => m.webhookSubscriptionRouteSchemas()),
});

/**
 * Webhook subscriptions of the account: `kommo.webhooks`. Admin rights are required, and
 * webhooks via API need an Advanced plan or above.
 *
 * @example
 * ```ts
 * await kommo.webhooks.subscribe({
 *   destination: `https://example.com/api/kommo?secret=${process.env.KOMMO_WEBHOOK_SECRET}`,
 *   settings: ['add_lead', 'status_lead'],
 * });
 * const disabled = (await kommo.webhooks.list()).items.filter((w) => w.disabled);
 * ```
 */
export class WebhookSubscriptions extends APIResource {
  readonly #api = webhooks.on(this._client);

  /**
   * Lists the subscriptions (one page: Kommo does not paginate them). Check `disabled`: Kommo
   * switches off a webhook that keeps failing.
   */
  list(params?: WebhookListParams, options?: ListOptions): PagePromise<WebhookSubscription> {
    return this.#api.list(params, options);
  }

  /**
   * Subscribes a destination to events. If the destination is already subscribed, Kommo
   * replaces its settings, which also re-enables a disabled webhook.
   *
   * @returns The subscription Kommo created or updated.
   * @throws {@link RequestValidationError} before sending, for a destination that is not https
   *   (loopback http excepted), no settings, or an unknown key.
   */
  async subscribe(
    params: WebhookSubscribeParams,
    options?: RequestOptions,
  ): Promise<WebhookSubscription> {
    const sc = await webhooks.schemas();
    const p = parseInput(sc.subscribe, params, 'webhook subscribe params');
    assertDestination(p.destination);
    const response = await this._client._send(
      { method: 'POST', path: '/api/v4/webhooks', body: p },
      options,
    );
    return parseResponse(sc.item, response.body, {
      what: 'webhook (POST /api/v4/webhooks)',
      validate: this._client._validateResponses,
      requestId: response.requestId,
    });
  }

  /**
   * Removes the subscription of a destination URL.
   *
   * @throws {@link NotFoundError} when no webhook has this destination.
   */
  async unsubscribe(destination: string, options?: RequestOptions): Promise<void> {
    if (typeof destination !== 'string' || destination === '') {
      throw new RequestValidationError('`destination` must be a non-empty string', [
        { path: ['destination'], message: 'Expected a URL' },
      ]);
    }
    await this._client._send(
      { method: 'DELETE', path: '/api/v4/webhooks', body: { destination } },
      options,
    );
  }
}

/**
 * The old name of {@link WebhookSubscriptions}.
 *
 * @deprecated Use `WebhookSubscriptions` (renamed in 0.2.0: `Webhooks` read like the incoming
 *   webhooks of `kommo-sdk/webhooks`); `kommo.webhooks` stays. This alias goes in 0.3.0.
 */
export const Webhooks = WebhookSubscriptions;
/** @deprecated Use `WebhookSubscriptions`. */
export type Webhooks = WebhookSubscriptions;
