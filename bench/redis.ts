/**
 * Benchmark row: N processes (default 4), each with its own Kommo client, RedisTokenStore and
 * RedisRateLimiter on one account, share the 7 requests/s budget. Prints the throughput the
 * server saw, its ratio to 7 rps, the 429s and the busiest sliding second; exits 1 when the
 * row's bar (≥ 0.9 of 7 rps, zero 429s) is missed.
 *
 *   npx tsx bench/redis.ts [--processes 4] [--requests 140]
 *
 * Uses $REDIS_URL when set, else starts a throw-away redis-server. The server is
 * test/redis/support/fake-kommo.ts (it counts arrivals per sliding second like Kommo).
 */
import { parseArgs } from 'node:util';
import { RedisTokenStore } from '../src/redis/index.js';
import { startWorker } from '../test/redis/support/children.js';
import { maxInAnyWindow, startFakeKommo } from '../test/redis/support/fake-kommo.js';
import { startRedisServer } from '../test/redis/support/redis-server.js';
import { Redis } from 'ioredis';

const { values } = parseArgs({
  options: {
    processes: { type: 'string', default: '4' },
    requests: { type: 'string', default: '140' },
  },
});
const processes = Number(values.processes);
const requests = Number(values.requests);
const LIMIT = 7;

const server = process.env['REDIS_URL'] ? null : await startRedisServer();
const redisUrl = process.env['REDIS_URL'] ?? server!.url;
const fake = await startFakeKommo({
  rotation: 'strict',
  accessTtlSec: 3600,
  requestsPerSecond: LIMIT,
});
const redis = new Redis(redisUrl);
const keyPrefix = `bench:${Date.now()}:`;
try {
  await new RedisTokenStore(redis, { keyPrefix }).set(new URL(fake.url).host, fake.initial);
  const perProcess = Math.ceil(requests / processes);
  const workers = Array.from({ length: processes }, () =>
    startWorker('kommo-worker', {
      redisUrl,
      keyPrefix,
      baseUrl: fake.url,
      mode: 'run',
      requests: perProcess,
      concurrency: 3,
    }),
  );
  await Promise.all(workers.map((w) => w.next('ready')));
  for (const w of workers) w.send({ type: 'go' });
  const reports = await Promise.all(workers.map((w) => w.next('done')));

  const arrivals = fake.stats.arrivals;
  const seconds = (arrivals[arrivals.length - 1]! - arrivals[0]!) / 1000;
  // n arrivals span n - 1 intervals.
  const rps = (arrivals.length - 1) / seconds;
  const ok = reports.reduce((sum, r) => sum + (r['ok'] as number), 0);
  const row = {
    processes,
    requests: arrivals.length,
    ok,
    seconds: Number(seconds.toFixed(2)),
    rps: Number(rps.toFixed(2)),
    ratioOf7: Number((rps / LIMIT).toFixed(3)),
    responses429: fake.stats.tooManyRequests,
    busiestSecond: maxInAnyWindow(arrivals, 1000),
  };
  console.log('redis: shared budget across processes');
  console.table([row]);
  const pass = row.ratioOf7 >= 0.9 && row.responses429 === 0 && ok === perProcess * processes;
  console.log(
    pass
      ? 'PASS: ≥ 0.9 of 7 rps with zero 429s'
      : 'FAIL: below 0.9 of 7 rps, or 429s, or failed requests',
  );
  process.exitCode = pass ? 0 : 1;
} finally {
  redis.disconnect();
  await fake.close();
  await server?.stop();
}
