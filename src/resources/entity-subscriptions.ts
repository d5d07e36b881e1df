/**
 * `kommo.entitySubscriptions`: the followers of a lead or a customer
 * (`/api/v4/{leads|customers}/{id}/subscriptions`).
 *
 * @see https://www.amocrm.ru/developers/content/crm_platform/subscriptions-api
 * @module
 */

import type { ListOptions, PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { parseInput } from '../core/schema.js';
import type * as s from '../schemas/entity-subscription.js';
import { APIResource, route } from './resource.js';

const subscriptions = route({
  key: 'subscriptions',
  names: ['subscription', 'subscriptions'],
  schemas: () =>
    import('../schemas/entity-subscription.js').then((m) => m.entitySubscriptionRouteSchemas()),
});

/**
 * Entity subscriptions: the users and groups that follow a lead or a customer (they get its
 * notifications). Read-only: Kommo offers no API to add or remove followers. Not to be confused
 * with `kommo.webhooks`, the webhook subscriptions.
 *
 * @example
 * ```ts
 * const followers = await kommo.entitySubscriptions.list('leads', 19030890).toArray({ max: 100 });
 * const userIds = followers.filter((f) => f.type === 'user').map((f) => f.subscriber_id);
 * ```
 */
export class EntitySubscriptions extends APIResource {
  /** Lists the followers of one lead or customer; a 204 is an empty list. */
  list(
    entityType: s.SubscriptionEntityType,
    entityId: number,
    params?: s.EntitySubscriptionListParams,
    options?: ListOptions,
  ): PagePromise<s.EntitySubscription> {
    return subscriptions
      .on(this._client, (sc) => {
        const type = parseInput(sc.entityType, entityType, 'entity type');
        return path`/api/v4/${type}/${entityId}/subscriptions`;
      })
      .list(params, options);
  }
}
