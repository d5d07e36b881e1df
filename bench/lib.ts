/**
 * Shared pieces of `npm run bench`: the out-of-process sandbox, the server-side throughput
 * figures, and the result rows every group reports.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  SandboxFaults,
  SandboxOptions,
  SandboxRateLimitOptions,
  SandboxStats,
} from '../src/sandbox/index.js';

/** Kommo's documented limit, requests per second. */
export const LIMIT_RPS = 7;

export const root = fileURLToPath(new URL('..', import.meta.url));

/** One line of the printed table. */
export interface Row {
  group: string;
  case: string;
  figure: string;
  target: string;
  /** `PASS`, `MISSED`, `SKIPPED` or `—` (reported, no target). */
  verdict: 'PASS' | 'MISSED' | 'SKIPPED' | '—';
}

/** What each group hands back to the runner. */
export interface GroupResult {
  /** Stable key in `bench/results.json`. */
  id: string;
  title: string;
  /** The figures, for scripts. */
  figures: Record<string, unknown>;
  rows: Row[];
}

export const verdict = (pass: boolean): Row['verdict'] => (pass ? 'PASS' : 'MISSED');

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

export const round = (value: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

// ---------------------------------------------------------------------------------------------
// The sandbox in a child process.

/** A message to `bench/sandbox-child.ts`. */
export interface RemoteCall {
  id: number;
  op:
    | 'clearRequests'
    | 'reset'
    | 'setFaults'
    | 'setRateLimit'
    | 'expiredTokens'
    | 'stats'
    | 'log'
    | 'leadCount'
    | 'namesWithPrefix'
    | 'close';
  arg?: unknown;
}

/** Its answer. */
export interface RemoteReply {
  id: number;
  ok: boolean;
  value: unknown;
}

/** One request as the sandbox logged it. */
export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  arrivedAt: number;
  bodyItems: number;
}

/** The sandbox running in a child process. */
export interface RemoteSandbox {
  url: string;
  accessToken: string;
  clearRequests(): Promise<void>;
  reset(): Promise<void>;
  setFaults(faults: SandboxFaults | SandboxFaults[] | null): Promise<void>;
  setRateLimit(limit: SandboxRateLimitOptions): Promise<void>;
  /** A fresh token pair whose access token has expired, and the OAuth credentials. */
  expiredTokens(): Promise<{ tokens: unknown; oauth: unknown }>;
  stats(): Promise<SandboxStats>;
  log(): Promise<LoggedRequest[]>;
  leadCount(): Promise<number>;
  /** Name → number of leads with that name, for names starting with `prefix`. */
  namesWithPrefix(prefix: string): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** Node flags that let a child run TypeScript (tsx), plus `extra`. */
export function tsExecArgv(extra: readonly string[] = []): string[] {
  return [...extra, '--import', 'tsx'];
}

/** Starts `startSandbox(options)` in a child process (options must be plain JSON). */
export async function startRemoteSandbox(options: SandboxOptions): Promise<RemoteSandbox> {
  const child: ChildProcess = fork(
    fileURLToPath(new URL('./sandbox-child.ts', import.meta.url)),
    [JSON.stringify(options)],
    { cwd: root, execArgv: tsExecArgv(), serialization: 'advanced', stdio: 'inherit' },
  );
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let exited = false;
  const ready = new Promise<{ url: string; accessToken: string }>((resolve, reject) => {
    pending.set(0, { resolve: (v) => resolve(v as { url: string; accessToken: string }), reject });
  });
  child.on('message', (reply: RemoteReply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.ok) waiter.resolve(reply.value);
    else waiter.reject(new Error(`sandbox child: ${String(reply.value)}`));
  });
  child.on('exit', (code) => {
    exited = true;
    for (const waiter of pending.values())
      waiter.reject(new Error(`sandbox child exited (${String(code)})`));
    pending.clear();
  });
  const call = <T>(op: RemoteCall['op'], arg?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (exited) {
        reject(new Error('sandbox child has exited'));
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve: (v) => resolve(v as T), reject });
      child.send({ id, op, arg } satisfies RemoteCall);
    });
  const { url, accessToken } = await ready;
  return {
    url,
    accessToken,
    clearRequests: () => call('clearRequests'),
    reset: () => call('reset'),
    setFaults: (faults) => call('setFaults', faults),
    setRateLimit: (limit) => call('setRateLimit', limit),
    expiredTokens: () => call('expiredTokens'),
    stats: () => call('stats'),
    log: () => call('log'),
    leadCount: () => call('leadCount'),
    namesWithPrefix: (prefix) => call('namesWithPrefix', prefix),
    close: async () => {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await call('close').catch(() => undefined);
      await gone;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Figures from the sandbox's request log.

/** Arrivals before this one are the start of a run (a cold pool, a walk's ramp, the first free window). */
const STEADY_FROM = 16;

/**
 * Where the steady state starts at a rate: after the first two windows' worth of arrivals
 * (and never before arrival 16). The start of a run lasts about two windows whatever the
 * rate: a new connection pool holds each slot until its first answers come, and the first
 * window's free burst is paid for in the second. At 7 rps two windows are 14 arrivals; at
 * 50 rps, 100, and 16 would measure the ramp rather than the steady state.
 */
export function steadyFrom(limit: number): number {
  return Math.max(STEADY_FROM, 2 * limit);
}

/** Throughput as the server saw it. */
export interface ServerThroughput {
  /** (requests − 1) ÷ seconds between the first and the last arrival ÷ the limit. */
  ratioOfLimit: number;
  /**
   * The same from the 17th arrival on: steady state, without the start of the run (a walk's
   * read-ahead ramp, a cold pool's first answers, the first window's free burst).
   */
  steadyRatio: number;
  /** Requests that arrived (every status). */
  requests: number;
  /** Seconds between the first and the last arrival. */
  spanSec: number;
  /** Most arrivals inside any sliding second (the sandbox's own rule). */
  busiestSecond: number;
}

/** Arrivals per second over the limit: `n` arrivals span `n − 1` intervals. */
function ratioOf(times: readonly number[], limit: number): number {
  const spanSec = ((times[times.length - 1] ?? 0) - (times[0] ?? 0)) / 1000;
  return times.length > 1 && spanSec > 0 ? (times.length - 1) / spanSec / limit : 0;
}

/** Throughput from arrival times (ms). */
export function serverThroughput(
  log: readonly LoggedRequest[],
  limit: number = LIMIT_RPS,
): ServerThroughput {
  const times = log.map((r) => r.arrivedAt).sort((a, b) => a - b);
  const spanSec = ((times[times.length - 1] ?? 0) - (times[0] ?? 0)) / 1000;
  return {
    ratioOfLimit: round(ratioOf(times, limit), 3),
    steadyRatio: round(ratioOf(times.slice(steadyFrom(limit)), limit), 3),
    requests: times.length,
    spanSec: round(spanSec, 2),
    busiestSecond: busiestWindow(times, 1000),
  };
}

/** Most arrivals in any window `(t − windowMs, t]`, `times` sorted. */
export function busiestWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  let head = 0;
  for (let i = 0; i < times.length; i++) {
    while ((times[head] ?? 0) <= (times[i] ?? 0) - windowMs) head++;
    best = Math.max(best, i - head + 1);
  }
  return best;
}

/**
 * The 429s the sandbox's rate limit gave (as opposed to injected bursts): a 429 whose arrival
 * was over the limit in its sliding second, replaying the sandbox's own rule on the log.
 */
export function rateLimited429s(log: readonly LoggedRequest[], limit = LIMIT_RPS): number {
  const sorted = [...log].sort((a, b) => a.arrivedAt - b.arrivedAt);
  let head = 0;
  let count = 0;
  for (let i = 0; i < sorted.length; i++) {
    const t = sorted[i]!.arrivedAt;
    while (sorted[head]!.arrivedAt <= t - 1000) head++;
    if (sorted[i]!.status === 429 && i - head + 1 > limit) count++;
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// Small statistics.

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** CPU time (user + system) of this process since `start`, in ms. */
export function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}
