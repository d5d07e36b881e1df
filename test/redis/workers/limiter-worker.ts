// Takes `count` rate-limit slots from a RedisRateLimiter shared with other processes and
// reports when each was granted.
import { Redis } from 'ioredis';
import { RedisRateLimiter } from '../../../src/redis/index.js';

const config = JSON.parse(process.argv[2]!) as {
  redisUrl: string;
  keyPrefix: string;
  account: string;
  requestsPerSecond: number;
  count: number;
  concurrency: number;
};
const redis = new Redis(config.redisUrl);
const limiter = new RedisRateLimiter(redis, {
  keyPrefix: config.keyPrefix,
  requestsPerSecond: config.requestsPerSecond,
});
const starts: number[] = [];

process.send!({ type: 'ready' });
process.once('message', () => {
  void (async () => {
    let left = config.count;
    await Promise.all(
      Array.from({ length: config.concurrency }, async () => {
        while (left > 0) {
          left--;
          await limiter.acquire(config.account);
          starts.push(performance.timeOrigin + performance.now());
        }
      }),
    );
    process.send!({ type: 'done', starts }, () => {
      redis.disconnect();
      process.exit(0);
    });
  })();
});
