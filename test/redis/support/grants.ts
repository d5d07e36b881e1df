// No vitest import here: worker processes use this too.
import type { Redis } from 'ioredis';
import type { IORedisLike } from '../../../src/redis/index.js';

/**
 * Wraps a connection for a `RedisRateLimiter` so that every slot it is granted is
 * recorded on the Redis clock, exactly: right behind each acquire script, on the same
 * connection, it queues a `ZSCORE` of the caller's ticket in the budget's log, which Redis runs
 * next, so the score is the grant's own time. Times taken in the process when `acquire`
 * resolves would add the event loop's delay, which on a busy machine is tens of milliseconds.
 */
export function recordingGrants(client: Redis): { client: IORedisLike; grants: number[] } {
  const grants: number[] = [];
  const record = (numKeys: number, keysAndArgs: string[], reply: Promise<unknown>) => {
    // The acquire script is the only one with five keys or more: cool, queue, seen, seq, log….
    if (numKeys < 5) return reply;
    const score = client.zscore(keysAndArgs[4]!, keysAndArgs[numKeys]!);
    return reply.then(async (value) => {
      const at = await score;
      if (Number(value) === 0 && at !== null) grants.push(Number(at));
      return value;
    });
  };
  return {
    grants,
    client: {
      eval: (script, numKeys, ...keysAndArgs) =>
        record(numKeys, keysAndArgs, client.eval(script, numKeys, ...keysAndArgs)),
      evalsha: (sha, numKeys, ...keysAndArgs) =>
        record(numKeys, keysAndArgs, client.evalsha(sha, numKeys, ...keysAndArgs)),
    },
  };
}
