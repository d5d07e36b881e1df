// Takes `count` rate-limit slots from a RedisRateLimiter shared with other processes and
// reports when each was granted, on the Redis clock.
import { Redis } from 'ioredis';
import { RedisRateLimiter } from '../../../src/redis/index.js';
import { recordingGrants } from '../support/grants.js';

const config = JSON.parse(process.argv[2]!) as {
  redisUrl: string;
  keyPrefix: string;
  account: string;
  requestsPerSecond: number;
  count: number;
  concurrency: number;
};
const redis = new Redis(config.redisUrl);
const recorded = recordingGrants(redis);
const limiter = new RedisRateLimiter(recorded.client, {
  keyPrefix: config.keyPrefix,
  requestsPerSecond: config.requestsPerSecond,
});

process.send!({ type: 'ready' });
process.once('message', () => {
  void (async () => {
    let left = config.count;
    await Promise.all(
      Array.from({ length: config.concurrency }, async () => {
        while (left > 0) {
          left--;
          await limiter.acquire(config.account);
        }
      }),
    );
    process.send!({ type: 'done', grants: recorded.grants }, () => {
      redis.disconnect();
      process.exit(0);
    });
  })();
});
