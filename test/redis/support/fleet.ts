import { toTokenSet, type TokenSet } from '../../../src/index.js';
import { RedisTokenStore, type RedisClientLike } from '../../../src/redis/index.js';
import type { Sandbox, SandboxRequestLogEntry } from '../../../src/sandbox/index.js';
import { startWorker, type Worker } from './children.js';
import type { KommoWorkerConfig } from '../workers/kommo-worker.js';

/** The account key the SDK uses for a sandbox: its `host:port`. */
export function accountOf(sandbox: Sandbox): string {
  return new URL(sandbox.url).host;
}

/** A fresh pair from the sandbox, as the SDK stores it (`expires_at` in unix seconds). */
export function issuePair(sandbox: Sandbox, overrides: Partial<TokenSet> = {}): TokenSet {
  return { ...toTokenSet(sandbox.issueTokens()), ...overrides };
}

/** Writes a fresh pair for the sandbox's account into the Redis token store under `keyPrefix`. */
export async function seedTokens(
  redis: RedisClientLike,
  sandbox: Sandbox,
  keyPrefix: string,
  overrides: Partial<TokenSet> = {},
): Promise<TokenSet> {
  const pair = issuePair(sandbox, overrides);
  await new RedisTokenStore(redis, { keyPrefix }).set(accountOf(sandbox), pair);
  return pair;
}

/** API requests the sandbox received (its rate limit counts these; `/oauth2` and warm-ups not). */
export function apiRequests(sandbox: Sandbox): SandboxRequestLogEntry[] {
  return sandbox.requests.filter((entry) => entry.path.startsWith('/api/'));
}

/** Refresh-grant calls the sandbox received, from its request log. */
export function tokenRequests(sandbox: Sandbox): SandboxRequestLogEntry[] {
  return sandbox.requests.filter((entry) => entry.path === '/oauth2/access_token');
}

/** The most arrivals in any window of `windowMs` ending at an arrival (the sandbox's rule). */
export function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[start]! <= sorted[end]! - windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

/**
 * The busiest window of `windowMs` in the log, for a failure message: who arrived when, and how
 * long each request took from fetch in its process to its arrival at the sandbox.
 */
export function busiestWindow(
  entries: readonly SandboxRequestLogEntry[],
  windowMs: number,
  reports: readonly RunReport[] = [],
): string {
  const sentAt = new Map<string, number[]>();
  for (const [tag, at] of reports.flatMap((r) => r.sent)) {
    sentAt.set(tag, [...(sentAt.get(tag) ?? []), at]);
  }
  const seen = new Map<string, number>();
  const transit = new Map<SandboxRequestLogEntry, number>();
  for (const entry of entries) {
    const tag = new URLSearchParams(entry.query).get('from') ?? '';
    const n = seen.get(tag) ?? 0;
    seen.set(tag, n + 1);
    const at = sentAt.get(tag)?.[n];
    if (at !== undefined) transit.set(entry, entry.arrivedAt - at);
  }
  const sorted = [...entries].sort((a, b) => a.arrivedAt - b.arrivedAt);
  let best: SandboxRequestLogEntry[] = [];
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[start]!.arrivedAt <= sorted[end]!.arrivedAt - windowMs) start++;
    if (end - start + 1 > best.length) best = sorted.slice(start, end + 1);
  }
  const t0 = best[0]?.arrivedAt ?? 0;
  return best
    .map((e) => {
      const ms = transit.get(e);
      const after = ms === undefined ? '' : ` (fetch→arrival ${ms.toFixed(1)} ms)`;
      return `+${(e.arrivedAt - t0).toFixed(1)}ms ${e.query} ${e.status}${after}`;
    })
    .join('\n');
}

/** What a `run` worker reports. */
export interface RunReport {
  ok: number;
  errors: Array<{ code: string; message: string }>;
  /** `onRefresh` reasons: `store` when the pair came from another process. */
  refreshes: string[];
  /** `onBlocked` reasons: one per breaker opening the process saw itself. */
  blocked: string[];
  /** Each request's `from` tag and when it was handed to fetch (epoch ms), replays included. */
  sent: Array<[tag: string, at: number]>;
}

/** Options of {@link runProcesses}. */
export interface RunProcessesOptions {
  sandbox: Sandbox;
  redisUrl: string;
  keyPrefix: string;
  processes: number;
  requestsPerProcess: number;
  /** Requests in flight per process. */
  concurrency: number;
  /** Each client's `breaker` option. */
  breaker?: KommoWorkerConfig['breaker'];
  /** Runs once every process is warmed up, just before they start. */
  beforeGo?: () => Promise<void>;
}

/**
 * Runs `processes` OS processes (node + tsx), each with its own Kommo client on the sandbox's
 * account, and resolves with their reports. The store must already hold a pair.
 *
 * Every process is started and warmed up before any of them sends a counted request, so a slow
 * start-up (loading the SDK, opening connections) never lands inside the measured run.
 */
export async function runProcesses(options: RunProcessesOptions): Promise<RunReport[]> {
  const workers: Worker[] = Array.from({ length: options.processes }, (_, i) => {
    const config: KommoWorkerConfig = {
      name: `p${i + 1}`,
      redisUrl: options.redisUrl,
      keyPrefix: options.keyPrefix,
      baseUrl: options.sandbox.url,
      oauth: { ...options.sandbox.oauth },
      mode: 'run',
      requests: options.requestsPerProcess,
      concurrency: options.concurrency,
      ...(options.breaker ? { breaker: options.breaker } : {}),
    };
    return startWorker('kommo-worker', config);
  });
  await Promise.all(workers.map((w) => w.next('ready')));
  if (options.beforeGo) {
    for (const w of workers) w.send({ type: 'hold' });
    await Promise.all(workers.map((w) => w.next('held')));
    await options.beforeGo();
  }
  for (const w of workers) w.send({ type: 'go' });
  const reports = await Promise.all(workers.map((w) => w.next('done')));
  return reports as unknown as RunReport[];
}

/**
 * Calls `action` each time the sandbox's count of API arrivals reaches one of `counts`, polling
 * its request log. Returns a function that stops polling.
 */
export function atArrivals(
  sandbox: Sandbox,
  counts: readonly number[],
  action: () => void,
): () => void {
  const pending = [...counts].sort((a, b) => a - b);
  let seen = 0;
  let api = 0;
  const timer = setInterval(() => {
    const log = sandbox.requests;
    for (; seen < log.length; seen++) if (log[seen]!.path.startsWith('/api/')) api++;
    while (pending.length > 0 && api >= pending[0]!) {
      pending.shift();
      action();
    }
  }, 10);
  return () => clearInterval(timer);
}
