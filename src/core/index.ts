export * from './errors.js';
export { normalizeDomain, KOMMO_ACCOUNT_SUFFIXES } from './domain.js';
export {
  MemoryTokenStore,
  FileTokenStore,
  type TokenSet,
  type TokenStore,
  type TokenStoreSetOptions,
  type FileTokenStoreOptions,
} from './token-store.js';
export {
  KommoOAuth,
  toTokenSet,
  type KommoOAuthOptions,
  type OAuthTokenResponse,
  type OAuthPlatform,
  type ExchangeCodeResult,
} from './oauth.js';
export {
  SlidingWindowRateLimiter,
  type RateLimiter,
  type RateLimitOption,
  type Clock,
  type SlidingWindowRateLimiterOptions,
} from './rate-limit.js';
export type {
  KommoOptions,
  RequestOptions,
  KommoRequest,
  Hooks,
  RequestEvent,
  RefreshEvent,
  Logger,
  OAuthCredentials,
  RetryOptions,
} from './options.js';
export type { QueryInput, QueryValue } from './query.js';
export {
  UploadInterruptedError,
  type UploadSource,
  type UploadResumePoint,
  type UploadProgress,
} from './upload.js';
