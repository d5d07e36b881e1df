/**
 * The write log: one JSON line per write tool call (dry runs included), with the MCP request
 * id, the arguments, the outcome and every HTTP request the call made with Kommo's
 * `X-Request-Id`. Requests are attributed to their tool call through `AsyncLocalStorage`, fed
 * by the client's hooks, which never see a token; the `confirmation_token` argument is left
 * out too.
 *
 * @module
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import type { Hooks, RequestEvent } from 'kommo-sdk';

/** One HTTP request a tool call made. */
export interface CallRequest {
  method: string;
  path: string;
  status?: number;
  /** Kommo's `X-Request-Id`. */
  kommo_request_id?: string;
}

/** What is gathered while one tool call runs. */
export interface CallRecord {
  requests: CallRequest[];
}

const calls = new AsyncLocalStorage<CallRecord>();

/** Runs `fn` with a fresh record of the HTTP requests it makes. */
export function recordCall<T>(fn: () => Promise<T>): { record: CallRecord; result: Promise<T> } {
  const record: CallRecord = { requests: [] };
  return { record, result: calls.run(record, fn) };
}

function onResponse(event: RequestEvent): void {
  calls.getStore()?.requests.push({
    method: event.method,
    path: event.path,
    ...(event.status !== undefined ? { status: event.status } : {}),
    ...(event.requestId !== undefined ? { kommo_request_id: event.requestId } : {}),
  });
}

/**
 * The client hooks that attribute requests to tool calls. Pass them to the `Kommo` client the
 * server uses (the bin does); without them the log has no per-request lines.
 */
export const kommoMcpHooks: Hooks = { onResponse };

/** One line of the write log. */
export interface WriteLogEntry {
  time: string;
  tool: string;
  /** The JSON-RPC id of the `tools/call` request. */
  mcp_request_id: string | number;
  dry_run: boolean;
  ok: boolean;
  /** The error code when `ok` is false. */
  error?: string;
  args: Record<string, unknown>;
  /** The ids the call wrote (or would write). */
  result?: unknown;
  requests: CallRequest[];
}

/** Where log lines go. */
export type WriteLogSink = (line: string) => void;

/** Writes one entry as one JSON line. */
export function writeLogLine(sink: WriteLogSink, entry: WriteLogEntry): void {
  // Not a Kommo secret, but a credential for a bulk write all the same.
  const args = Object.fromEntries(
    Object.entries(entry.args).filter(([key]) => key !== 'confirmation_token'),
  );
  sink(`${JSON.stringify({ kommo_mcp: 'write', ...entry, args })}\n`);
}
