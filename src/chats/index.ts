/**
 * `kommo-sdk/chats`: a custom chat channel on Kommo's Chats API (amojo) — the signed client
 * ({@link KommoChats}), typed message builders, and the receiver of the hooks Kommo sends to
 * the channel ({@link createChatsHandler}) with a durable inbox. Web APIs only: Node 20+, Deno,
 * Bun, Cloudflare Workers, Vercel Edge. The file inbox lives in `kommo-sdk/chats/file-inbox`
 * (it needs `node:fs`), the Redis one in `kommo-sdk/redis`.
 *
 * @see docs/chats.md
 * @module
 */
export {
  KommoChats,
  AMOJO_HOSTS,
  getAccountAmojoId,
  type KommoChatsOptions,
  type ChatsPlatform,
  type ChatsConnectOptions,
  type ChatProfileInput,
  type ChatParticipantInput,
  type ChatUserInput,
  type CreateChatParams,
  type ChatQuotedMessageInput,
  type ChatMessageParams,
  type ChatEditMessageParams,
  type ChatDeliveryErrorCode,
  type ChatDeliveryStatusParams,
  type ChatTypingParams,
  type ChatReactionParams,
  type ChatHistoryParams,
  type AmojoIdSource,
} from './client.js';
export {
  chatMessage,
  type ChatMessageType,
  type ChatMessageContent,
  type ChatSharedPost,
  type ChatFileOptions,
  type ChatAudioOptions,
} from './messages.js';
export {
  CHATS_LIMITS,
  type Chat,
  type ChatMessageAnswer,
  type ChatHistoryMessage,
} from './schemas.js';
export {
  signChatsApiRequest,
  formatChatsDate,
  type SignChatsApiRequestParams,
} from '../webhooks/chats-sign.js';
export type {
  ChatsEvent,
  ChatsEventType,
  ChatsEventBase,
  ChatsMessageEvent,
  ChatsTypingEvent,
  ChatsReactionEvent,
  ChatsUnknownEvent,
  ChatsHookMessage,
  ChatsHookMessageContent,
  ChatsHookMessageType,
  ChatsMarkup,
  ChatsInlineMarkup,
  ChatsListMessageMarkup,
  ChatsTemplate,
} from './events.js';
export {
  createChatsHandler,
  type ChatsHandler,
  type ChatsHandlerOptions,
  type ChatsListener,
  type ChatsListenerContext,
  type ChatsRoutes,
  type ChatsErrorContext,
  type ChatsRetryOptions,
} from './handler.js';
export {
  MemoryChatInbox,
  type ChatInbox,
  type ChatInboxEntry,
  type ChatInboxOutcome,
  type MemoryChatInboxOptions,
} from './inbox.js';
export {
  KommoError,
  KommoApiError,
  BadRequestError,
  PermissionDeniedError,
  NotFoundError,
  RateLimitError,
  ServerError,
  ConnectionError,
  RequestTimeoutError,
  RequestAbortedError,
  RequestValidationError,
  ResponseValidationError,
  ConfigurationError,
  isKommoError,
} from '../core/errors.js';
export { WebhookVerificationError, WebhookParseError } from '../webhooks/errors.js';
export { toNodeHandler } from '../webhooks/node.js';
