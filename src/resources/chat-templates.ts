/**
 * `kommo.chatTemplates`: chat templates and the review of WhatsApp ones
 * (`/api/v4/chats/templates`).
 *
 * @see https://www.amocrm.ru/developers/content/crm_platform/chat-templates-api
 * @module
 */

import type { BatchOptions } from '../core/batch.js';
import type { RequestOptions } from '../core/options.js';
import type { ListOptions, PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { parseInput } from '../core/schema.js';
import { MAX_CHAT_TEMPLATES_PAGE_LIMIT } from '../facts.js';
import type * as s from '../schemas/chat-template.js';
import { WritableResource } from './bases.js';
import { route, sendFor } from './resource.js';

const BASE = '/api/v4/chats/templates';

const templates = route({
  path: BASE,
  key: 'chat_templates',
  names: ['chat template', 'chat templates'],
  // Kommo pages templates at 50, not 250.
  pageSize: MAX_CHAT_TEMPLATES_PAGE_LIMIT,
  nonEmptyUpdate: true,
  schemas: () => import('../schemas/chat-template.js').then((m) => m.chatTemplateRouteSchemas()),
});

/**
 * Chat templates: canned messages (with buttons and an attachment) managers send from chats,
 * and WhatsApp templates (`type: 'waba'`) that a channel must approve before use. An
 * integration sees and changes only the templates it created; writes need admin rights.
 *
 * The review flow: `sendForReview(id)` hands a WhatsApp template to the channels; the channel
 * integration reports each verdict with `setReviewStatus(id, reviewId, { status })`; read the
 * outcome with `get(id, { with: ['reviews'] })` (`review_status`, `_embedded.reviews`).
 *
 * @example
 * ```ts
 * const [template] = await kommo.chatTemplates.createMany([
 *   {
 *     name: 'Order shipped',
 *     content: 'Hi {{contact.name}}, your order is on its way!',
 *     type: 'waba',
 *     waba_category: 'UTILITY',
 *     waba_language: 'en',
 *     waba_examples: { '{{contact.name}}': 'Ann' },
 *     buttons: [{ type: 'url', text: 'Track', url: 'https://shop.example.com/track' }],
 *   },
 * ]);
 * const reviews = await kommo.chatTemplates.sendForReview(template!.id);
 * ```
 * @see https://www.amocrm.ru/developers/content/crm_platform/chat-templates-api
 */
export class ChatTemplates extends WritableResource<s.ChatTemplateResourceTypes> {
  /** @internal */
  protected readonly _verbs = templates.on(this._client);

  /** Lists the integration's templates (50 per page at most). */
  list(params?: s.ChatTemplateListParams, options?: ListOptions): PagePromise<s.ChatTemplate> {
    return this._verbs.list(params, options);
  }

  /**
   * Reads one template; `with: ['reviews']` adds its review status.
   *
   * @throws {@link NotFoundError} for an unknown template (404).
   */
  get(
    id: number,
    params?: s.ChatTemplateGetParams,
    options?: RequestOptions,
  ): Promise<s.ChatTemplate> {
    return this._verbs.get(id, params, options);
  }

  /**
   * Updates templates (each with its `id`) in chunks. A `waba` template can be edited only
   * before it is sent for review.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  updateMany(
    items: readonly s.ChatTemplateUpdateItem[],
    options?: BatchOptions,
  ): Promise<s.ChatTemplate[]> {
    return this._verbs.updateMany(items, options);
  }

  /** Deletes a template (its attachment too, unless another template uses it). */
  delete(id: number, options?: RequestOptions): Promise<void> {
    return this._verbs.delete(id, options);
  }

  /** Deletes several templates in one request (`DELETE` with `[{ id }]`). */
  async deleteMany(ids: readonly number[], options?: RequestOptions): Promise<void> {
    const schemas = await templates.schemas();
    const body = parseInput(schemas.ids, ids, 'chat template ids').map((id) => ({ id }));
    await this._client._send({ method: 'DELETE', path: BASE, body }, options);
  }

  /**
   * Sends a WhatsApp template to the channels for review and returns the reviews it started
   * (one per WhatsApp source, status `review`).
   */
  async sendForReview(id: number, options?: RequestOptions): Promise<s.ChatTemplateReview[]> {
    const { reviews } = await templates.schemas();
    const answer = await sendFor(
      this._client,
      { method: 'POST', path: path`/api/v4/chats/templates/${id}/review`, body: {} },
      { schema: reviews, what: 'chat template reviews' },
      options,
    );
    return answer._embedded?.reviews ?? [];
  }

  /**
   * Reports a channel's verdict on a WhatsApp template (for channel integrations): `approved`,
   * `paused`, or `rejected` with a `reject_reason`. Returns the review.
   *
   * @throws {@link RequestValidationError} before sending, e.g. a `reject_reason` over 65,535 characters.
   */
  async setReviewStatus(
    id: number,
    reviewId: number,
    params: s.ChatTemplateReviewParams,
    options?: RequestOptions,
  ): Promise<s.ChatTemplateReview> {
    const schemas = await templates.schemas();
    const body = parseInput(schemas.review, params, 'review status');
    return sendFor(
      this._client,
      { method: 'POST', path: path`/api/v4/chats/templates/${id}/review/${reviewId}`, body },
      { schema: schemas.reviewItem, what: 'chat template review' },
      options,
    );
  }
}
