/**
 * Group 1, throughput at the rate limit: `createMany` of 10,000 leads (chunks of 250; 62,500 at 50 rps) and a
 * `for await` walk of 50,000 leads (pages of 250) against a sandbox that enforces the limit per
 * sliding second: 7 requests with 0, 300 and 500 ms added to every answer, and 50 requests
 * (several integrations' share of an account) with 300 ms. The figures come from the sandbox's
 * request log, not from the client.
 */
import { Kommo, SlidingWindowRateLimiter, type RateLimiter } from '../src/index.js';
import {
  LIMIT_RPS,
  steadyFrom,
  median,
  round,
  serverThroughput,
  sleep,
  startRemoteSandbox,
  verdict,
  type GroupResult,
  type LoggedRequest,
  type RemoteSandbox,
  type Row,
} from './lib.js';

export const IMPORT_LEADS = 10_000;
/**
 * Leads an import of group 1 creates at `requestsPerSecond`: 10,000 (40 chunks) at Kommo's 7,
 * and at higher rates enough chunks for five seconds of steady state (62,500 at 50 rps), or the
 * run would be over inside the first window and its ratio would say nothing.
 */
export function importLeadsAt(requestsPerSecond: number): number {
  return Math.max(IMPORT_LEADS, requestsPerSecond * 5 * CHUNK_SIZE);
}
export const READ_LEADS = 50_000;
export const CHUNK_SIZE = 250;
export const PAGE_SIZE = 250;
/** The issue's target for the steady-state ratio; the gate a run must pass is {@link GATE_RATIO}. */
const TARGET_RATIO = 0.97;
const GATE_RATIO = 0.95;

/** One setting of group 1: the limit (sandbox and client) and the added latency. */
export interface ThroughputSetting {
  requestsPerSecond: number;
  latencyMs: number;
  /** Up to this much more per answer, drawn per request (Kommo's server time varies). */
  latencySpreadMs?: number;
}

/** The settings `npm run bench` measures. */
export const THROUGHPUT_SETTINGS: readonly ThroughputSetting[] = [
  { requestsPerSecond: LIMIT_RPS, latencyMs: 0 },
  { requestsPerSecond: LIMIT_RPS, latencyMs: 300 },
  { requestsPerSecond: LIMIT_RPS, latencyMs: 500 },
  { requestsPerSecond: 50, latencyMs: 300 },
  // Round trips of 300–500 ms: the server's time spreads them, as Kommo's does. A limiter that
  // bounds arrivals by round trips alone holds each slot for that spread.
  { requestsPerSecond: 50, latencyMs: 300, latencySpreadMs: 200 },
];

/** One measured run of group 1 (or 4). */
export interface ThroughputRun {
  op: 'import' | 'read';
  requestsPerSecond: number;
  latencyMs: number;
  /** Up to this much more per answer (0: a fixed latency). */
  latencySpreadMs: number;
  /** Over the whole run, first to last arrival. */
  ratioOfLimit: number;
  /** After the first two windows' worth of arrivals (`steadyFrom`): what the target applies to. */
  steadyRatio: number;
  requests: number;
  status429: number;
  /** Client wall time of the whole call, seconds. */
  wallSec: number;
  /** Seconds between the first and the last arrival at the sandbox. */
  spanSec: number;
  /** Leads per second over the client's wall time (the physical limit is 7 × 250 = 1,750). */
  leadsPerSec: number;
  busiestSecond: number;
  /**
   * Delay from leaving the client's limiter to arriving at the sandbox (median, 90th
   * percentile, max; ms). The limiter's window is 1,030 ms, so a spread above 30 ms between
   * two requests seven apart puts eight arrivals in one server-side second.
   */
  sendToArrivalMs: { median: number; p90: number; max: number };
  leads: number;
  pass: boolean;
}

/** The sandbox's rate limit for groups 1 and 4: a short `retry_after`, since rejected arrivals count too. */
export const RATE_LIMIT = { requestsPerSecond: LIMIT_RPS, retryAfterSec: 1 } as const;

/** Lead inputs named `<prefix><block>-<i>` so a run's leads can be found (and counted) by name. */
export function leadInputs(prefix: string, count: number): Array<{ name: string; price: number }> {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}b${Math.floor(i / CHUNK_SIZE)}-${i}`,
    price: 1000 + (i % 500),
  }));
}

/**
 * Settings that differ from the SDK's defaults, for investigating a miss (`--allowance-ms`,
 * `--read-ahead`, `--concurrency`). `npm run bench` itself measures the defaults.
 */
export interface Tuning {
  /** The client limiter's arrival allowance (the SDK's default is 25 ms). */
  allowanceMs?: number;
  /** `readAhead` of the walk (default: ramped, sized by the limiter). */
  readAhead?: number;
  /** `concurrency` of `createMany` (default: sized by the limiter). */
  concurrency?: number;
}

export function describeTuning(tuning: Tuning): string {
  const parts = [
    tuning.allowanceMs === undefined ? '' : `allowance ${tuning.allowanceMs} ms`,
    tuning.readAhead === undefined ? '' : `readAhead ${tuning.readAhead}`,
    tuning.concurrency === undefined ? '' : `concurrency ${tuning.concurrency}`,
  ].filter(Boolean);
  return parts.length > 0 ? ` [${parts.join(', ')}]` : '';
}

/**
 * The SDK's default limiter for a rate, made fresh (plus `tuning`), so that a run starts with
 * nothing learnt at another latency: what a process that has been running at this one knows.
 */
export function freshLimiter(requestsPerSecond: number, tuning: Tuning = {}): RateLimiter {
  return new SlidingWindowRateLimiter({
    requestsPerSecond,
    ...(tuning.allowanceMs === undefined ? {} : { arrivalAllowanceMs: tuning.allowanceMs }),
  });
}

/**
 * A client on the sandbox with the SDK's defaults (plus `tuning`). `sends` collects the epoch ms
 * at which each attempt left the rate limiter (the `onRequest` hook), to compare with arrivals.
 */
export function clientFor(
  sandbox: RemoteSandbox,
  tuning: Tuning = {},
  sends: number[] = [],
  limiter: RateLimiter = freshLimiter(LIMIT_RPS, tuning),
): Kommo {
  return new Kommo({
    baseUrl: sandbox.url,
    accessToken: sandbox.accessToken,
    hooks: {
      onRequest: () => {
        sends.push(performance.timeOrigin + performance.now());
      },
    },
    rateLimit: { limiter },
  });
}

/** Lets both the client's and the sandbox's sliding windows forget the previous run. */
export const QUIET_MS = 1200;

async function measure(
  sandbox: RemoteSandbox,
  sends: number[],
  op: ThroughputRun['op'],
  setting: ThroughputSetting,
  body: () => Promise<number>,
): Promise<ThroughputRun> {
  await sleep(QUIET_MS);
  await sandbox.clearRequests();
  sends.length = 0;
  const started = performance.now();
  const leads = await body();
  const wallSec = (performance.now() - started) / 1000;
  const log = await sandbox.log();
  const stats = await sandbox.stats();
  const t = serverThroughput(log, setting.requestsPerSecond);
  return {
    op,
    requestsPerSecond: setting.requestsPerSecond,
    latencyMs: setting.latencyMs,
    latencySpreadMs: setting.latencySpreadMs ?? 0,
    ratioOfLimit: t.ratioOfLimit,
    steadyRatio: t.steadyRatio,
    requests: t.requests,
    status429: stats.status429,
    wallSec: round(wallSec, 2),
    spanSec: t.spanSec,
    leadsPerSec: Math.round(leads / wallSec),
    busiestSecond: t.busiestSecond,
    sendToArrivalMs: sendToArrival(sends, log),
    leads,
    pass: t.steadyRatio >= GATE_RATIO && stats.status429 === 0,
  };
}

/** Pairs the n-th departure with the n-th arrival (both sorted): a spread, not an exact match. */
export function sendToArrival(
  sends: readonly number[],
  log: readonly LoggedRequest[],
): ThroughputRun['sendToArrivalMs'] {
  const a = [...sends].sort((x, y) => x - y);
  const b = log.map((r) => r.arrivedAt).sort((x, y) => x - y);
  const d = a
    .slice(0, b.length)
    .map((t, i) => (b[i] ?? t) - t)
    .sort((x, y) => x - y);
  return {
    median: round(median(d), 1),
    p90: round(d[Math.floor(d.length * 0.9)] ?? 0, 1),
    max: round(d[d.length - 1] ?? 0, 1),
  };
}

export async function runThroughput(
  settings: readonly ThroughputSetting[] = THROUGHPUT_SETTINGS,
  tuning: Tuning = {},
): Promise<GroupResult & { runs: ThroughputRun[] }> {
  const sandbox = await startRemoteSandbox({
    seed: { leads: READ_LEADS },
    rateLimit: RATE_LIMIT,
  });
  const runs: ThroughputRun[] = [];
  try {
    for (const setting of settings) {
      const { latencyMs, requestsPerSecond, latencySpreadMs = 0 } = setting;
      await sandbox.reset();
      await sandbox.setRateLimit({ ...RATE_LIMIT, requestsPerSecond });
      if (latencyMs > 0 || latencySpreadMs > 0)
        await sandbox.setFaults({ latencyMs, ...(latencySpreadMs > 0 ? { latencySpreadMs } : {}) });
      const sends: number[] = [];
      const kommo = clientFor(sandbox, tuning, sends, freshLimiter(requestsPerSecond, tuning));
      const readOptions = tuning.readAhead === undefined ? {} : { readAhead: tuning.readAhead };
      const batchOptions = {
        chunkSize: CHUNK_SIZE,
        ...(tuning.concurrency === undefined ? {} : { concurrency: tuning.concurrency }),
      };

      runs.push(
        await measure(sandbox, sends, 'read', setting, async () => {
          let n = 0;
          for await (const lead of kommo.leads.list({ limit: PAGE_SIZE }, readOptions))
            if (lead.id > 0) n++;
          if (n !== READ_LEADS) throw new Error(`read ${n} leads, expected ${READ_LEADS}`);
          return n;
        }),
      );

      const total = importLeadsAt(requestsPerSecond);
      const items = leadInputs(`bench-g1-${requestsPerSecond}-${latencyMs}-`, total);
      runs.push(
        await measure(sandbox, sends, 'import', setting, async () => {
          const refs = await kommo.leads.createMany(items, batchOptions);
          if (refs.length !== total) throw new Error(`created ${refs.length} leads`);
          return refs.length;
        }),
      );
    }
  } finally {
    await sandbox.close();
  }
  runs.sort((a, b) =>
    a.op !== b.op
      ? a.op === 'import'
        ? -1
        : 1
      : a.requestsPerSecond - b.requestsPerSecond ||
        a.latencyMs - b.latencyMs ||
        a.latencySpreadMs - b.latencySpreadMs,
  );
  return {
    id: 'throughput',
    title: '1. Throughput at the rate limit',
    runs,
    figures: {
      // The weakest run and the totals, so a script can check the group in one place.
      ratioOfLimit: Math.min(...runs.map((r) => r.ratioOfLimit)),
      steadyRatio: Math.min(...runs.map((r) => r.steadyRatio)),
      requests: runs.reduce((sum, r) => sum + r.requests, 0),
      status429: runs.reduce((sum, r) => sum + r.status429, 0),
      runs,
    },
    rows: runs.map((r) => throughputRow('1', r, describeTuning(tuning))),
  };
}

export function throughputRow(group: string, r: ThroughputRun, note = ''): Row {
  const what =
    r.op === 'import'
      ? `createMany ${r.leads.toLocaleString('en')} leads, chunks of ${CHUNK_SIZE}`
      : `for await ${r.leads.toLocaleString('en')} leads, pages of ${PAGE_SIZE}`;
  return {
    group,
    case: `${what}, ${r.requestsPerSecond} rps, +${r.latencyMs}${r.latencySpreadMs > 0 ? `–${r.latencyMs + r.latencySpreadMs}` : ''} ms${note}`,
    figure: `steady ratio ${r.steadyRatio.toFixed(3)} (whole run ${r.ratioOfLimit.toFixed(3)}), ${r.requests} req in ${r.spanSec} s, ${r.status429}×429, ${r.leadsPerSec} leads/s; send→arrival p90 ${r.sendToArrivalMs.p90} ms`,
    target: `steady ratio ≥ ${TARGET_RATIO} (gate ${GATE_RATIO}), 0×429`,
    verdict: verdict(r.pass),
  };
}

/** Why the steady ratio leaves out the first arrivals, for the docs and the table's notes. */
export const STEADY_NOTE = `steady ratio: after two windows' worth of arrivals (from arrival ${steadyFrom(LIMIT_RPS) + 1} at ${LIMIT_RPS} rps, ${steadyFrom(50) + 1} at 50)`;
