/**
 * `kommo-sdk/redis`: a token store and a rate limiter shared by many processes through Redis.
 *
 * @module
 */
export {};
