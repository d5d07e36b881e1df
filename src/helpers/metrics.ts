/**
 * In-process metrics fed by the client's hooks and by the helpers: requests by status, retries,
 * refreshes, sync errors, request-time percentiles, leads created and chat-to-lead conversion.
 *
 * @module
 */

import type { Kommo } from '../client.js';
import type { Hooks, RequestEvent } from '../core/options.js';

/** Request-time percentiles, in milliseconds (`0` before the first answer). */
export interface RequestTimeSnapshot {
  /** Answers measured (the window keeps the latest {@link MetricsOptions.windowSize}). */
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** A plain-object copy of the counters: log it, send it anywhere, `JSON.stringify` it. */
export interface MetricsSnapshot {
  /** Attempts sent (retries included). */
  requests: number;
  /** Answers by HTTP status (`{ '200': 40, '429': 2 }`); `'network'` for attempts with no answer. */
  requestsByStatus: Record<string, number>;
  /** Retries the SDK made. */
  retries: number;
  /** Token refreshes. */
  refreshes: number;
  /** Calls that finally failed (after retries): what a sync job would report. */
  syncErrors: number;
  /** Final failures by error code (`rate_limited`, `server_error`, …). */
  syncErrorsByCode: Record<string, number>;
  /** Time of each attempt, from sending to the answer. */
  requestTimeMs: RequestTimeSnapshot;
  /** Leads created, as reported by the helpers and {@link KommoMetrics.recordLeadsCreated}. */
  leadsCreated: number;
  /** Chat-to-lead conversion of `createLeadFromChat`. */
  chatToLead: {
    /** Conversations handled. */
    conversations: number;
    /** Leads created from them. */
    leads: number;
    /** `leads / conversations`, 0 when none was handled. */
    conversionRate: number;
  };
}

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /**
   * How many recent request times the percentiles are computed over.
   *
   * @defaultValue 2000
   */
  windowSize?: number;
}

/**
 * Counters for one or more clients. Pass `hooks` to the client, and `attach` the client so the
 * helpers report leads and conversations to it.
 */
export interface KommoMetrics {
  /** Hooks for `new Kommo({ hooks })`; combine them with yours through {@link combineHooks}. */
  readonly hooks: Hooks;
  /** Lets the helpers (`createLeadFromChat`, …) called with this client report to these metrics. */
  attach<K extends Kommo>(kommo: K): K;
  /** Counts leads your own code created (`leads.createMany`, …). */
  recordLeadsCreated(count: number): void;
  /** Counts one handled conversation and whether it produced a lead. */
  recordConversation(outcome: { leadCreated: boolean }): void;
  /** A copy of the counters. */
  snapshot(): MetricsSnapshot;
  /** Sets every counter back to zero. */
  reset(): void;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  // Nearest-rank: the smallest value with at least p% of the samples at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

const sinks = new WeakMap<Kommo, KommoMetrics>();

/** The metrics attached to a client, if any. @internal */
export function metricsOf(kommo: Kommo): KommoMetrics | undefined {
  return sinks.get(kommo);
}

/**
 * Creates in-process metrics: no server, no dependency; read them with `snapshot()`.
 *
 * @example
 * ```ts
 * const metrics = createMetrics();
 * const kommo = metrics.attach(new Kommo({ domain, accessToken, hooks: metrics.hooks }));
 * await createLeadFromChat(kommo, { contact: { name: 'Ann', phone: '+15550100' } });
 * console.log(metrics.snapshot().chatToLead); // { conversations: 1, leads: 1, conversionRate: 1 }
 * ```
 */
export function createMetrics(options: MetricsOptions = {}): KommoMetrics {
  const windowSize = options.windowSize ?? 2000;
  let requests = 0;
  let byStatus: Record<string, number> = {};
  let retries = 0;
  let refreshes = 0;
  let syncErrors = 0;
  let errorsByCode: Record<string, number> = {};
  let times: number[] = [];
  let next = 0;
  let measured = 0;
  let leadsCreated = 0;
  let conversations = 0;
  let chatLeads = 0;

  const bump = (record: Record<string, number>, key: string): void => {
    record[key] = (record[key] ?? 0) + 1;
  };

  const hooks: Hooks = {
    onRequest: () => {
      requests++;
    },
    onResponse: (event: RequestEvent) => {
      bump(byStatus, String(event.status ?? 'network'));
      if (event.durationMs !== undefined) {
        measured++;
        // A ring buffer: the percentiles follow recent traffic and memory stays bounded.
        if (times.length < windowSize) times.push(event.durationMs);
        else times[next] = event.durationMs;
        next = (next + 1) % windowSize;
      }
    },
    onRetry: (event: RequestEvent) => {
      retries++;
      // A retry after a network error has no answer for onResponse to count.
      if (event.status === undefined) bump(byStatus, 'network');
    },
    onRefresh: () => {
      refreshes++;
    },
    onError: (event: RequestEvent) => {
      syncErrors++;
      const code = event.error?.code ?? 'unknown';
      bump(errorsByCode, code);
      if (code === 'connection_error' || code === 'timeout') bump(byStatus, 'network');
    },
  };

  const metrics: KommoMetrics = {
    hooks,
    attach(kommo) {
      sinks.set(kommo, metrics);
      return kommo;
    },
    recordLeadsCreated(count) {
      if (Number.isFinite(count) && count > 0) leadsCreated += count;
    },
    recordConversation({ leadCreated }) {
      conversations++;
      if (leadCreated) {
        chatLeads++;
        leadsCreated++;
      }
    },
    snapshot() {
      const sorted = [...times].sort((a, b) => a - b);
      return {
        requests,
        requestsByStatus: { ...byStatus },
        retries,
        refreshes,
        syncErrors,
        syncErrorsByCode: { ...errorsByCode },
        requestTimeMs: {
          count: measured,
          p50: round(percentile(sorted, 50)),
          p90: round(percentile(sorted, 90)),
          p95: round(percentile(sorted, 95)),
          p99: round(percentile(sorted, 99)),
          max: round(sorted[sorted.length - 1] ?? 0),
        },
        leadsCreated,
        chatToLead: {
          conversations,
          leads: chatLeads,
          conversionRate: conversations === 0 ? 0 : chatLeads / conversations,
        },
      };
    },
    reset() {
      requests = retries = refreshes = syncErrors = measured = next = 0;
      leadsCreated = conversations = chatLeads = 0;
      byStatus = {};
      errorsByCode = {};
      times = [];
    },
  };
  return metrics;
}

/**
 * Merges several hook sets into one: each hook calls every set's hook in order, so metrics,
 * logging and tracing can all listen.
 *
 * @example
 * ```ts
 * const kommo = new Kommo({ domain, accessToken, hooks: combineHooks(metrics.hooks, { onRetry: log }) });
 * ```
 */
export function combineHooks(...sets: ReadonlyArray<Hooks | undefined>): Hooks {
  const all = sets.filter((s): s is Hooks => s !== undefined);
  return {
    onRequest: (e) => {
      for (const s of all) s.onRequest?.(e);
    },
    onResponse: (e) => {
      for (const s of all) s.onResponse?.(e);
    },
    onRetry: (e) => {
      for (const s of all) s.onRetry?.(e);
    },
    onRefresh: (e) => {
      for (const s of all) s.onRefresh?.(e);
    },
    onError: (e) => {
      for (const s of all) s.onError?.(e);
    },
  };
}
