/**
 * `kommo-sdk/redis`: a token store and a rate limiter shared by many processes through Redis.
 * Bring your own client: ioredis or node-redis (an optional peer dependency; this entry never
 * imports it).
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { RedisRateLimiter, RedisTokenStore } from 'kommo-sdk/redis';
 *
 * const redis = new Redis(process.env.REDIS_URL!);
 * const kommo = new Kommo({
 *   domain: 'acme.kommo.com',
 *   oauth: { clientId, clientSecret, redirectUri },
 *   tokenStore: new RedisTokenStore(redis),
 *   rateLimit: { limiter: new RedisRateLimiter(redis) },
 * });
 * ```
 * @see docs/many-processes.md
 * @module
 */

export type { IORedisLike, NodeRedisLike, RedisClientLike } from './client.js';
export { RedisLock, type RedisLockOptions } from './lock.js';
export {
  RedisTokenStore,
  StaleTokenWriteError,
  type RedisTokenStoreOptions,
} from './token-store.js';
export { RedisRateLimiter, type RedisRateLimiterOptions } from './rate-limiter.js';
export { RedisChatInbox, type RedisChatInboxOptions } from './chat-inbox.js';
