/**
 * The request log and the counters: every request the sandbox received, its status, arrival
 * time and duration, and totals by outcome.
 *
 * @module
 */

import type { ServerResponse } from 'node:http';

/** One request the sandbox received. */
export interface SandboxRequestLogEntry {
  method: string;
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  /** The answer's status; `0` when the connection was reset by a fault. */
  status: number;
  /** Arrival time, epoch ms with sub-ms precision (`performance.timeOrigin + performance.now()`). */
  arrivedAt: number;
  /** Time from arrival to the end of the answer, ms. */
  durationMs: number;
  /** Items in the body of a write (array length, or 1 for an object). */
  bodyItems?: number;
}

/** Counters since start (or the last `reset()`/`clearRequests()`). */
export interface SandboxStats {
  requests: number;
  /** Answers by status (`{ '200': 40, '429': 2 }`). */
  byStatus: Record<string, number>;
  status401: number;
  status429: number;
  status403: number;
  /** Refresh-token grant requests received (whatever the outcome). */
  refreshes: number;
  /** Refresh attempts answered 401 `Token has been revoked`. */
  revokedRefreshAttempts: number;
  /** Authorization-code grant requests received. */
  tokenExchanges: number;
  webhooksDelivered: number;
  webhooksFailed: number;
  /** Faults injected (errors, 429 bursts, resets). */
  faultsInjected: number;
}

function emptyStats(): SandboxStats {
  return {
    requests: 0,
    byStatus: {},
    status401: 0,
    status429: 0,
    status403: 0,
    refreshes: 0,
    revokedRefreshAttempts: 0,
    tokenExchanges: 0,
    webhooksDelivered: 0,
    webhooksFailed: 0,
    faultsInjected: 0,
  };
}

/** The request log (oldest entries dropped beyond `limit`) and the live counters. */
export class RequestLog {
  readonly entries: SandboxRequestLogEntry[] = [];
  /** Replaced by {@link RequestLog.clear}; read it through the log, never keep it. */
  stats = emptyStats();

  constructor(private readonly limit: number) {}

  /** Logs a request as it arrives; its status and duration are filled in when it closes. */
  open(res: ServerResponse, method: string, path: string, query: string): SandboxRequestLogEntry {
    const started = performance.now();
    const entry: SandboxRequestLogEntry = {
      method,
      path,
      query,
      status: 0,
      arrivedAt: performance.timeOrigin + started,
      durationMs: 0,
    };
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    this.stats.requests++;
    res.on('close', () => {
      entry.durationMs = performance.now() - started;
      entry.status = res.headersSent ? res.statusCode : 0;
      if (entry.status !== 0) {
        const key = String(entry.status);
        this.stats.byStatus[key] = (this.stats.byStatus[key] ?? 0) + 1;
      }
    });
    return entry;
  }

  /** Empties the log and zeroes the counters. */
  clear(): void {
    this.entries.length = 0;
    this.stats = emptyStats();
  }
}
