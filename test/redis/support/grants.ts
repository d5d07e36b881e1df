// No vitest import here: worker processes use this too.
import type { Redis } from 'ioredis';
import type { IORedisLike } from '../../../src/redis/index.js';

/**
 * Wraps a connection for a `RedisRateLimiter` so that every slot it is granted is recorded on
 * the Redis clock, exactly: the acquire script answers `{0, now, probe}` for a grant, `now`
 * being the grant's time on the Redis server. Times taken in the process when `acquire`
 * resolves would add the event loop's delay, which on a busy machine is tens of milliseconds.
 */
export function recordingGrants(client: Redis): { client: IORedisLike; grants: number[] } {
  const grants: number[] = [];
  const record = (reply: Promise<unknown>) =>
    reply.then((value) => {
      if (Array.isArray(value) && value.length === 3 && Number(value[0]) === 0)
        grants.push(Number(value[1]));
      return value;
    });
  return {
    grants,
    client: {
      eval: (script, numKeys, ...keysAndArgs) =>
        record(client.eval(script, numKeys, ...keysAndArgs)),
      evalsha: (sha, numKeys, ...keysAndArgs) =>
        record(client.evalsha(sha, numKeys, ...keysAndArgs)),
    },
  };
}
