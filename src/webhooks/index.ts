/**
 * `kommo-sdk/webhooks`: parse, verify and route Kommo's webhooks with Web APIs only
 * (Node 20+, Deno, Bun, Cloudflare Workers, Vercel Edge).
 *
 * Standard Kommo webhooks are not signed: protect them with a secret in the destination URL
 * (the `url-secret` scheme of {@link verifyWebhook}). See `docs/webhooks.md`.
 *
 * @module
 */
export {
  buildWebhookBody,
  type WebhookAccountInput,
  type WebhookEventInput,
  type WebhookInputData,
  type WebhookInputValue,
  type WebhookWireEntity,
  type WebhookEntityName,
} from './encode.js';
export {
  WebhookVerificationError,
  WebhookParseError,
  type WebhookVerificationReason,
  type WebhookParseReason,
} from './errors.js';
export type { WebhookBody, WebhookFormTree, WebhookFormValue, WebhookParseLimits } from './form.js';
export { parseWebhook, type ParseWebhookOptions } from './parse.js';
export type {
  WebhookAccount,
  WebhookCustomField,
  WebhookCustomFieldValue,
  WebhookTag,
  WebhookEntityFields,
  WebhookEventBase,
  WebhookLead,
  WebhookContact,
  WebhookCustomer,
  WebhookTask,
  WebhookNote,
  WebhookUnsorted,
  WebhookMessage,
  WebhookTalk,
  WebhookCatalogElement,
  WebhookLeadAction,
  WebhookContactAction,
  WebhookCustomerAction,
  WebhookTaskAction,
  WebhookLeadEvent,
  WebhookContactEvent,
  WebhookCompanyEvent,
  WebhookCustomerEvent,
  WebhookTaskEvent,
  WebhookUnsortedEvent,
  WebhookMessageEvent,
  WebhookTalkEvent,
  WebhookCatalogEvent,
  WebhookUnknownEvent,
  WebhookEvent,
  WebhookEventType,
  WebhookEventOf,
  WebhookPayload,
} from './types.js';
export type { VerifyWebhookInput, WebhookRequestLike, WebhookHeaders } from './input.js';
export {
  verifyWebhook,
  type VerifyWebhookOptions,
  type UrlSecretVerifyOptions,
  type DisconnectVerifyOptions,
  type ChatsVerifyOptions,
  type WidgetJwtVerifyOptions,
  type SalesbotJwtVerifyOptions,
  type HmacVerifyOptions,
  type WebhookScheme,
  type WebhookSecret,
  type ExpectedAccount,
  type WebhookVerification,
  type WebhookVerificationFor,
  type DisconnectClaims,
  type WidgetTokenClaims,
  type SalesbotTokenClaims,
} from './verify.js';
export type { HmacAlgorithm } from '../core/crypto.js';
export type { JwtAlgorithm } from './jwt.js';
export {
  signWebhook,
  signChatsApiRequest,
  type SignWebhookParams,
  type SignUrlSecretParams,
  type SignDisconnectParams,
  type SignBodyParams,
  type SignJwtParams,
  type SignedUrl,
  type SignedBody,
  type SignedToken,
  type SignChatsApiRequestParams,
} from './sign.js';
export {
  createWebhookHandler,
  type WebhookHandlerOptions,
  type WebhookHandlerContext,
  type WebhookListener,
  type WebhookRoute,
  type WebhookRouteEntry,
  type WebhookRoutes,
  type WebhookDataFilter,
  type WebhookErrorContext,
} from './handler.js';
export {
  webhookEventKey,
  MemoryDedupeStore,
  type WebhookDedupeStore,
  type WebhookDedupeOptions,
} from './dedupe.js';
export {
  toNodeHandler,
  type NodeRequestLike,
  type NodeResponseLike,
  type ToNodeHandlerOptions,
} from './node.js';
