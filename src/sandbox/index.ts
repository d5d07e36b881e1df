/**
 * `kommo-sdk/sandbox`: a local fake Kommo API server for tests, examples and trying the SDK
 * without an account. Node only (`node:http`).
 *
 * Kommo's facts (limits, won/lost ids, the status palette, HTTP titles) come from `src/facts.ts`,
 * shared with the SDK. Its models (what a write accepts, how it changes the account, what it
 * answers) are an independent implementation on purpose: written from Kommo's docs and real
 * answers, never from the SDK's schemas or resources, so the sandbox is a check on the SDK
 * rather than a mirror of its mistakes.
 *
 * @module
 */
export { connectOrSandbox, type ConnectOrSandboxOptions, type KommoConnection } from './connect.js';
export {
  startSandbox,
  type Sandbox,
  type SandboxOptions,
  type SandboxFaults,
  type SandboxRateLimitOptions,
  type SandboxRequestLogEntry,
  type SandboxStats,
  type SandboxDriveView,
} from './server.js';
export type { SandboxDriveOptions } from './models/drive.js';
export type { SandboxSalesbot, SandboxBotInit, SandboxBotRun } from './models/salesbot.js';
export type {
  RefreshTokenRotation,
  SandboxOAuthCredentials,
  SandboxTokenResponse,
} from './oauth.js';
export type {
  SandboxWebhookOptions,
  SandboxWebhookDelivery,
  SandboxWebhookAttempt,
} from './webhooks.js';
export type { SandboxState, SandboxCollection, SandboxSeedOptions } from './state.js';
export type {
  SandboxChats,
  SandboxChannelRegistration,
  SandboxReplyParams,
  SandboxReplyAttachment,
  SandboxChat,
  SandboxChatChannel,
  SandboxChatConnection,
  SandboxChatMessage,
  SandboxChatHookDelivery,
  SandboxTalk,
} from './amojo/index.js';
export { SEED_IDS } from './seed.js';
export {
  NOTE_TEXT_MAX_LENGTH,
  MAX_PAGE_LIMIT,
  MAX_BATCH_ITEMS,
  MAX_COMPLEX_ITEMS,
  DEFAULT_PAGE_LIMIT,
  TEXT_FIELD_MAX_LENGTH,
  MAX_WEBHOOK_SUBSCRIPTIONS,
} from './limits.js';
export type * from './types.js';
