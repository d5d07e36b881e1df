/**
 * `kommo-sdk/webhooks`: parse, verify and route Kommo's webhooks with Web APIs only
 * (Node 20+, Deno, Bun, Cloudflare Workers, Vercel Edge).
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
