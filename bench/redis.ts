/**
 * Benchmark row of `kommo-sdk/redis`: four OS processes, each with its own Kommo client,
 * RedisTokenStore and RedisRateLimiter on one account, share the 7 requests/s budget against
 * the sandox (`startSandbox`, 7 arrivals per sliding second, 429 above). The figures come from
 * the sandbox's request log: the ratio is (requests − 1) ÷ (seconds between the first and the
 * last arrival) ÷ 7. The row's bar: ≥ 0.9 of 7 rps, zero 429s, every request answered 200.
 *
 *   npx tsx bench/redis.ts [--processes 4] [--requests 140]
 *
 * Uses $REDIS_URL when set, else starts a throw-away redis-server (as `npm run test:redis`
 * does) and stops it afterwards. `npm run bench` calls {@link runRedisBench}.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { startSandbox } from '../src/sandbox/index.js';
import {
  apiRequests,
  busiestWindow,
  maxInAnyWindow,
  runProcesses,
  seedTokens,
} from '../test/redis/support/fleet.js';
import { redisForRun } from '../test/redis/support/redis-server.js';

/** Kommo's documented limit, requests per second. */
const LIMIT_RPS = 7;
/** The row's bar: the share of the limit four processes reach together. */
export const REDIS_BENCH_TARGET_RATIO = 0.9;

/** Options of {@link runRedisBench}. */
export interface RedisBenchOptions {
  /** OS processes sharing the budget. @defaultValue 4 */
  processes?: number;
  /** Requests in total, split evenly between the processes. @defaultValue 140 */
  requests?: number;
  /** Requests in flight per process. @defaultValue 3 */
  concurrency?: number;
}

/** What one run of the benchmark measured, from the sandbox's side. */
export interface RedisBenchResult {
  /** (requests − 1) ÷ seconds between the first and the last arrival ÷ 7. */
  ratioOfLimit: number;
  /** API requests that reached the sandbox. */
  requests: number;
  /** 429s the sandbox answered. */
  status429: number;
  processes: number;
  /** Requests answered 200 (every request, when nothing failed). */
  ok: number;
  /** Seconds between the first and the last arrival. */
  spanSec: number;
  /** The most arrivals in any sliding second (7 at most without a 429). */
  busiestSecond: number;
  /** Whether the row's bar was met: ratio ≥ 0.9, zero 429s, every request answered 200. */
  pass: boolean;
  /** The busiest second with each request's fetch→arrival time, when it held more than 7. */
  busiestWindow?: string;
}

/**
 * Runs the row once: starts the sandbox (and a redis-server unless `$REDIS_URL` is set), seeds
 * the shared token store, runs the processes and measures from the sandbox's request log.
 *
 * @throws when redis-server is missing (the message names the install command).
 */
export async function runRedisBench(options: RedisBenchOptions = {}): Promise<RedisBenchResult> {
  const processes = options.processes ?? 4;
  const perProcess = Math.ceil((options.requests ?? 140) / processes);
  const redisServer = await redisForRun();
  const sandbox = await startSandbox({
    seed: false,
    rateLimit: { requestsPerSecond: LIMIT_RPS, retryAfterSec: 1 },
  });
  const redis = new Redis(redisServer.url);
  try {
    const keyPrefix = `bench:${Date.now()}:`;
    await seedTokens(redis, sandbox, keyPrefix);
    const reports = await runProcesses({
      sandbox,
      redisUrl: redisServer.url,
      keyPrefix,
      processes,
      requestsPerProcess: perProcess,
      concurrency: options.concurrency ?? 3,
    });
    const api = apiRequests(sandbox);
    const arrivals = api.map((e) => e.arrivedAt).sort((a, b) => a - b);
    const spanSec = ((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)) / 1000;
    // n arrivals span n − 1 intervals.
    const ratioOfLimit = spanSec > 0 ? (arrivals.length - 1) / spanSec / LIMIT_RPS : 0;
    const ok = reports.reduce((sum, r) => sum + r.ok, 0);
    const status429 = sandbox.stats.status429;
    const busiestSecond = maxInAnyWindow(arrivals, 1000);
    return {
      ratioOfLimit: Math.round(ratioOfLimit * 1000) / 1000,
      requests: api.length,
      status429,
      processes,
      ok,
      spanSec: Math.round(spanSec * 100) / 100,
      busiestSecond,
      pass:
        ratioOfLimit >= REDIS_BENCH_TARGET_RATIO &&
        status429 === 0 &&
        ok === perProcess * processes,
      ...(busiestSecond > LIMIT_RPS ? { busiestWindow: busiestWindow(api, 1000, reports) } : {}),
    };
  } finally {
    redis.disconnect();
    await sandbox.close();
    await redisServer.stop();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      processes: { type: 'string', default: '4' },
      requests: { type: 'string', default: '140' },
    },
  });
  const { busiestWindow: window, ...row } = await runRedisBench({
    processes: Number(values.processes),
    requests: Number(values.requests),
  });
  console.log('redis: processes sharing one budget through RedisRateLimiter (sandbox, 7 rps)');
  console.table([row]);
  if (window !== undefined) console.log(`busiest second:\n${window}`);
  console.log(
    row.pass
      ? `PASS: ≥ ${REDIS_BENCH_TARGET_RATIO} of 7 rps with zero 429s`
      : `MISSED: below ${REDIS_BENCH_TARGET_RATIO} of 7 rps, or 429s, or failed requests`,
  );
  process.exitCode = row.pass ? 0 : 1;
}
