/**
 * INTERIM: the server's own pace, stricter than the SDK's default limiter. It exists only until
 * the SDK's limiter guarantees zero 429s (kommo-sdk issue 14, the limiter rewrite); once that
 * is merged, delete this file and its one use in `cli.ts` (`rateLimit: interimRateLimit()`),
 * and keep the test that counts 429s over 100 rapid tool calls (`test/stdio.test.ts`,
 * "pacing"): it must then pass on the SDK's default alone.
 *
 * @module
 */

import { SlidingWindowRateLimiter, type KommoOptions } from 'kommo-sdk';

/**
 * The `rateLimit` client option the bin uses: 5 requests per 1.1 s, evenly spaced (no burst),
 * under Kommo's 7 per sliding second with room to spare. Why: a process busy answering many
 * MCP calls (or a busy machine) delays some requests between the limiter's start and the wire,
 * which bunches arrivals. The SDK's default (7 per 1,030 ms, bursts of 4) drew a 429 in the
 * 100-call test, 6 per 1,030 ms still one under load; spacing of 220 ms takes a stall of over
 * half a second to put 8 arrivals in one second. Agents are not throughput-bound.
 */
export function interimRateLimit(): NonNullable<KommoOptions['rateLimit']> {
  return {
    limiter: new SlidingWindowRateLimiter({ requestsPerSecond: 5, windowMs: 1100, burst: 1 }),
  };
}
