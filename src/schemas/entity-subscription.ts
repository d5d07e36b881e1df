/**
 * Entity subscriptions (`/api/v4/{leads|customers}/{id}/subscriptions`): the users and groups
 * that follow a lead or a customer. Read-only through the API.
 *
 * @see https://www.amocrm.ru/developers/content/crm_platform/subscriptions-api
 * @module
 */

import { z } from 'zod';
import { LimitSchema, PageSchema, collectionSchema } from './common.js';
import { openEnum } from './custom-field-values.js';

/** The entities that have followers. */
export const SubscriptionEntityTypeSchema = z.enum(['leads', 'customers']);
/** The entities that have followers: leads and customers. */
export type SubscriptionEntityType = z.infer<typeof SubscriptionEntityTypeSchema>;

/** A follower as Kommo returns it. */
export const EntitySubscriptionSchema = z.looseObject({
  /** A user id, or a user group id when `type` is `group`. */
  subscriber_id: z.number(),
  type: openEnum<'user' | 'group'>().nullish(),
});
/** A follower of a lead or customer: a user or a group. */
export type EntitySubscription = z.infer<typeof EntitySubscriptionSchema>;

/** Params of `entitySubscriptions.list`. */
export const EntitySubscriptionListParamsSchema = z.strictObject({
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
});
/** Params of `entitySubscriptions.list`. */
export type EntitySubscriptionListParams = z.infer<typeof EntitySubscriptionListParamsSchema>;

/**
 * The schemas of `kommo.entitySubscriptions` by what they check, for its route spec.
 *
 * @internal
 */
export function entitySubscriptionRouteSchemas() {
  return {
    item: EntitySubscriptionSchema,
    page: collectionSchema('subscriptions', EntitySubscriptionSchema),
    list: EntitySubscriptionListParamsSchema,
    entityType: SubscriptionEntityTypeSchema,
  };
}
