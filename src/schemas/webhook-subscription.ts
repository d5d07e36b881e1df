/**
 * Webhook subscriptions (`/api/v4/webhooks`): the answer schemas (lenient) and the input
 * schemas (strict) of `kommo.webhooks`.
 *
 * @see https://developers.kommo.com/reference/webhooks-list
 * @module
 */

import { z } from 'zod';

/** A subscription as Kommo lists it (lenient). */
export const WebhookSubscriptionSchema = z.looseObject({
  id: z.number(),
  destination: z.string(),
  created_at: z.number().nullish(),
  updated_at: z.number().nullish(),
  account_id: z.number().nullish(),
  created_by: z.number().nullish(),
  sort: z.number().nullish(),
  /** Kommo disables a webhook that keeps failing; `subscribe` again to re-enable it. */
  disabled: z.boolean().nullish(),
  settings: z.array(z.string()).nullish(),
});

/** A webhook subscription as Kommo lists it. */
export type WebhookSubscription = z.infer<typeof WebhookSubscriptionSchema>;

/** The list answer (lenient). */
export const WebhookSubscriptionCollectionSchema = z.looseObject({
  _total_items: z.number().nullish(),
  _embedded: z.looseObject({ webhooks: z.array(WebhookSubscriptionSchema) }).nullish(),
});

/** Checks `WebhookListParams` (strict). */
export const WebhookListParamsSchema = z.strictObject({
  filter: z.strictObject({ destination: z.string().min(1).optional() }).optional(),
});

/** Checks `WebhookSubscribeParams` (strict). */
export const WebhookSubscribeParamsSchema = z.strictObject({
  destination: z.string().min(1),
  settings: z.array(z.string().min(1)).min(1),
  sort: z.number().int().positive().optional(),
});

/**
 * The schemas of `kommo.webhooks` by what they check, for its route spec.
 *
 * @internal
 */
export function webhookSubscriptionRouteSchemas() {
  return {
    item: WebhookSubscriptionSchema,
    page: WebhookSubscriptionCollectionSchema,
    list: WebhookListParamsSchema,
    subscribe: WebhookSubscribeParamsSchema,
  };
}
