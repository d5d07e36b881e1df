/**
 * Cold start: 429s drawn by processes that never made a request before (a new connection pool,
 * a limiter that knows nothing yet). Each process is fresh Node running the built package
 * (`dist/`), one after another, each against a fresh out-of-process sandbox of its own (a fresh
 * account budget, so only the process's own burst can draw a 429):
 *
 * - `createMany` of 2,000 leads (chunks of 250);
 * - the same 2,000 leads as eight `createMany` calls of 250 fired at once;
 * - a walk of 2,000 leads (pages of 250);
 * - 100 concurrent gets;
 * - 40 concurrent gets on an expired access token (the refresh goes first);
 * - and 4 cold processes at once sharing one `RedisRateLimiter` against one sandbox, each
 *   importing 2,000 leads.
 *
 * The bar is 0 × 429 in total, reported as a count.
 *
 * `--latency 0,150,300` runs every workload at each added latency (the sandbox delays every
 * answer by that much; the peers' comparison used 0, 150 and 300 ms).
 *
 *   npx tsx bench/cold-start.ts [--processes 20] [--latency 0]
 */
import { fork } from 'node:child_process';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { redisForRun } from '../test/redis/support/redis-server.js';
import type { ColdChildConfig } from './cold-child.js';
import {
  root,
  startRemoteSandbox,
  tsExecArgv,
  verdict,
  type GroupResult,
  type RemoteSandbox,
} from './lib.js';
import { RATE_LIMIT } from './throughput.js';

/** One workload's figures over its processes. */
export interface ColdRun {
  workload: ColdChildConfig['workload'] | 'redis-4';
  /** Added latency of every answer, ms. */
  latencyMs: number;
  processes: number;
  requests: number;
  status429: number;
  /** Processes that drew at least one 429. */
  processesWith429: number;
}

function runChild(config: ColdChildConfig): Promise<{ items: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(
      fileURLToPath(new URL('./cold-child.ts', import.meta.url)),
      [JSON.stringify(config)],
      { cwd: root, execArgv: tsExecArgv(), stdio: 'inherit' },
    );
    let reply: { items: number } | undefined;
    child.on('message', (message) => (reply = message as { items: number }));
    child.on('exit', (code) =>
      reply ? resolve(reply) : reject(new Error(`cold child exited with ${String(code)}`)),
    );
  });
}

async function freshSandbox(
  workload: ColdChildConfig['workload'],
  latencyMs: number,
): Promise<RemoteSandbox> {
  const sandbox = await startRemoteSandbox({
    rateLimit: RATE_LIMIT,
    ...(workload === 'walk' ? { seed: { leads: 2000 } } : {}),
  });
  if (latencyMs > 0) await sandbox.setFaults({ latencyMs });
  return sandbox;
}

/** Items a workload must report: leads created or walked, or calls answered. */
const EXPECTED: Record<ColdChildConfig['workload'], number> = {
  import: 2000,
  parallel: 2000,
  walk: 2000,
  gets: 100,
  expired: 40,
};

async function oneByOne(
  workload: ColdChildConfig['workload'],
  processes: number,
  latencyMs: number,
): Promise<ColdRun> {
  const run: ColdRun = {
    workload,
    latencyMs,
    processes,
    requests: 0,
    status429: 0,
    processesWith429: 0,
  };
  for (let i = 0; i < processes; i++) {
    const sandbox = await freshSandbox(workload, latencyMs);
    try {
      const config: ColdChildConfig = {
        url: sandbox.url,
        accessToken: sandbox.accessToken,
        workload,
        prefix: `cold-${workload}-${i}-`,
        ...(workload === 'expired' ? await sandbox.expiredTokens() : {}),
      };
      const { items } = await runChild(config);
      if (items !== EXPECTED[workload]) throw new Error(`${workload}: ${items} items`);
      const stats = await sandbox.stats();
      run.requests += stats.requests;
      run.status429 += stats.status429;
      if (stats.status429 > 0) run.processesWith429++;
    } finally {
      await sandbox.close();
    }
  }
  return run;
}

async function redisTogether(processes: number, latencyMs: number): Promise<ColdRun> {
  const redis = await redisForRun();
  const sandbox = await freshSandbox('import', latencyMs);
  try {
    const keyPrefix = `bench-cold:${Date.now()}:`;
    await Promise.all(
      Array.from({ length: processes }, (_, i) =>
        runChild({
          url: sandbox.url,
          accessToken: sandbox.accessToken,
          workload: 'import',
          prefix: `cold-redis-${i}-`,
          redis: { url: redis.url, keyPrefix },
        }),
      ),
    );
    const stats = await sandbox.stats();
    return {
      workload: 'redis-4',
      latencyMs,
      processes,
      requests: stats.requests,
      status429: stats.status429,
      processesWith429: stats.status429 > 0 ? processes : 0,
    };
  } finally {
    await sandbox.close();
    await redis.stop();
  }
}

const WHAT: Record<ColdRun['workload'], string> = {
  import: 'createMany 2,000 leads (chunks of 250)',
  parallel: '8 createMany calls of 250 leads fired at once',
  walk: 'walk 2,000 leads (pages of 250)',
  gets: '100 concurrent gets',
  expired: '40 concurrent gets on an expired token (the refresh first)',
  'redis-4': '4 processes at once on one RedisRateLimiter, createMany 2,000 leads each',
};

export async function runColdStart(
  processes = 20,
  latencies: readonly number[] = [0],
): Promise<GroupResult & { runs: ColdRun[] }> {
  const runs: ColdRun[] = [];
  for (const latencyMs of latencies) {
    for (const workload of ['import', 'parallel', 'walk', 'gets', 'expired'] as const)
      runs.push(await oneByOne(workload, processes, latencyMs));
    runs.push(await redisTogether(4, latencyMs));
  }
  const total429 = runs.reduce((sum, r) => sum + r.status429, 0);
  return {
    id: 'cold-start',
    title: 'Cold start',
    figures: { status429: total429, runs },
    rows: runs.map((r) => ({
      group: 'cold',
      case:
        r.workload === 'redis-4'
          ? `${WHAT[r.workload]}, +${r.latencyMs} ms`
          : `${r.processes} fresh processes one after another, ${WHAT[r.workload]}, +${r.latencyMs} ms`,
      figure: `${r.status429}×429 in ${r.requests} requests (${r.processesWith429} of ${r.processes} processes drew one)`,
      target: '0×429',
      verdict: verdict(r.status429 === 0),
    })),
    runs,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { processes: { type: 'string' }, latency: { type: 'string' } },
  });
  const latencies = (values.latency ?? '0').split(',').map(Number);
  if (latencies.some((ms) => !Number.isFinite(ms) || ms < 0))
    throw new Error(`--latency takes milliseconds, e.g. 0,150,300; got ${values.latency}`);
  const result = await runColdStart(Number(values.processes ?? 20), latencies);
  for (const row of result.rows) console.log(`${row.case}: ${row.figure} ${row.verdict}`);
}
