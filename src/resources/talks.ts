/**
 * `kommo.talks`: conversation episodes of chats (`/api/v4/talks`).
 *
 * @see https://www.amocrm.ru/developers/content/crm_platform/talks-api
 * @module
 */

import type { RequestOptions } from '../core/options.js';
import type { ListOptions, PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { parseInput } from '../core/schema.js';
import type * as s from '../schemas/talk.js';
import { APIResource, route } from './resource.js';

const talks = route({
  path: '/api/v4/talks',
  key: 'talks',
  names: ['talk', 'talks'],
  schemas: () => import('../schemas/talk.js').then((m) => m.talkRouteSchemas()),
});

/**
 * Talks: one conversation episode of a chat, opened when a client writes, closed by a manager
 * or after the NPS bot. A talk's id is its `talk_id`.
 *
 * @example
 * ```ts
 * const open = await kommo.talks.list({ filter: { contact_id: [contactId], only_in_work: true } }).toArray({ max: 10 });
 * for (const talk of open) await kommo.talks.close(talk.talk_id, { force_close: true });
 * ```
 * @see https://www.amocrm.ru/developers/content/crm_platform/talks-api
 */
export class Talks extends APIResource {
  readonly #api = talks.on(this._client);

  /**
   * Lists talks. Kommo's pages document only `get` and `close`; the list and its filters are
   * the ones integrations use (`filter[talk_id|contact_id|entity_id|entity_type|only_in_work]`).
   */
  list(params?: s.TalkListParams, options?: ListOptions): PagePromise<s.Talk> {
    return this.#api.list(params, options);
  }

  /**
   * Reads one talk.
   *
   * @throws {@link NotFoundError} for an unknown talk (404).
   */
  get(talkId: number, options?: RequestOptions): Promise<s.Talk> {
    return this.#api.get(talkId, undefined, options);
  }

  /**
   * Closes a talk. Without `force_close: true` Kommo runs the NPS bot instead when the account
   * has it enabled (the talk closes after the client's rating); with it, the talk closes at once.
   * Kommo answers 202 with no body.
   *
   * @throws {@link BadRequestError} (422) when the talk is closed or closing already.
   */
  async close(talkId: number, params?: s.TalkCloseParams, options?: RequestOptions): Promise<void> {
    const { close } = await talks.schemas();
    const body = parseInput(close, params ?? {}, 'talk close');
    await this._client._send(
      { method: 'POST', path: path`/api/v4/talks/${talkId}/close`, body },
      options,
    );
  }
}
