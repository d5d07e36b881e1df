/**
 * `kommo-sdk/salesbot`: answer in any chat of the account — WhatsApp, Instagram, Telegram,
 * channels of other integrations — from your code or an AI agent, through a Salesbot's
 * `widget_request` step: the receiver ({@link createSalesbotHandler}), the handler builders
 * ({@link bot}), and a fake delivery for tests ({@link fakeWidgetRequest}). Web APIs only.
 * Starting and continuing bots is `kommo.salesbot`.
 *
 * @see docs/salesbot.md
 * @module
 */
export {
  createSalesbotHandler,
  type SalesbotHandlerOptions,
  type SalesbotRequestHandler,
  type SalesbotWidgetRequest,
  type SalesbotReply,
  type SalesbotErrorContext,
} from './handler.js';
export {
  bot,
  type SalesbotShowHandler,
  type SalesbotGotoHandler,
  type SalesbotExitsHandler,
} from './dsl.js';
export { fakeWidgetRequest, type FakeWidgetRequestParams } from './fake.js';
export {
  toNodeHandler,
  type NodeRequestLike,
  type NodeResponseLike,
  type ToNodeHandlerOptions,
} from '../webhooks/node.js';
export { MAX_SALESBOT_HANDLERS, MAX_SALESBOT_SHOW_LENGTH, MAX_SALESBOT_BUTTONS } from '../facts.js';
export type {
  SalesbotHandler,
  SalesbotContinueParams,
  SalesbotContinueTarget,
  SalesbotBotType,
} from '../schemas/salesbot.js';
export type { SalesbotTokenClaims } from '../webhooks/verify.js';
