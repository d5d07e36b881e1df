/**
 * `kommo.salesbot`: start bots on leads and contacts, and continue a bot that waits on a
 * `widget_request` step. The receiver of those requests is `createSalesbotHandler` from
 * `kommo-sdk/salesbot`.
 *
 * @see https://developers.kommo.com/reference/salesbot-widget-block-execution-confirmation
 * @module
 */

import type { RequestOptions } from '../core/options.js';
import type * as s from '../schemas/salesbot.js';
import { APIResource } from './resource.js';

/** The requests and their schemas, loaded on the first call: the main entry does not carry them. */
function requests(): Promise<typeof import('../salesbot/requests.js')> {
  return import('../salesbot/requests.js');
}

/**
 * Salesbot: `kommo.salesbot`. A bot can write in any chat channel of the account — WhatsApp,
 * Instagram, Telegram — including those of other integrations, which the Chats API cannot:
 * the sanctioned way for an AI agent to answer there is a bot whose `widget_request` step
 * calls your receiver, which continues the bot with what to say (see `docs/salesbot.md`).
 *
 * @example
 * ```ts
 * await kommo.salesbot.run([{ bot_id: 5521, entity_id: leadId, entity_type: 'leads' }]);
 * await kommo.salesbot.continue(
 *   { bot_id: 5521, continue_id: 8812 },
 *   { execute_handlers: [{ handler: 'show', params: { type: 'text', value: 'Hello!' } }] },
 * );
 * ```
 */
export class Salesbot extends APIResource {
  /**
   * Starts bots: each task runs one bot on one lead or contact (a lead's chat contact). Kommo
   * queues them and answers 202.
   *
   * @throws {@link RequestValidationError} before sending: no task, more than 100, a bad id or
   *   entity type.
   */
  async run(tasks: readonly s.SalesbotRunTask[], options?: RequestOptions): Promise<void> {
    await (await requests()).run(this._client, tasks, options);
  }

  /**
   * Continues a bot waiting on a `widget_request` step: `POST /api/v4/{salesbot|marketingbot}/
   * {bot_id}/continue/{continue_id}` on the account's own host, from the ids — the request's
   * `return_url` is never followed. The handlers are checked against Kommo's limits before
   * anything is sent: at most 10, a `show` value of at most 80 characters, at most 25
   * buttons, link buttons as http(s) URLs. Needs an administrator's token.
   *
   * @throws {@link RequestValidationError} before sending, naming the offending field
   *   (`execute_handlers.0.params.value`).
   * @throws {@link NotFoundError} when no bot waits on this `continue_id` (any more).
   */
  async continue(
    target: s.SalesbotContinueTarget,
    params: s.SalesbotContinueParams = {},
    options?: RequestOptions,
  ): Promise<void> {
    await (await requests()).resume(this._client, target, params, options);
  }
}
