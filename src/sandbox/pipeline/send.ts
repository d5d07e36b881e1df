/**
 * The last part of an exchange: the fault's latency, then the reply (optionally trickled
 * slowly) or a reset connection.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Reply } from '../problems.js';
import type { Exchange, Outcome } from './exchange.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends what a step decided, after the fault's latency. */
export async function finish(x: Exchange, outcome: Exclude<Outcome, undefined>): Promise<void> {
  if (outcome === 'answered') return;
  const fault = x.fault;
  const spread = fault?.rule.latencySpreadMs ?? 0;
  const latency =
    (fault?.rule.latencyMs ?? 0) +
    (fault && spread > 0 ? Math.floor(fault.random() * (spread + 1)) : 0);
  if (latency > 0) await sleep(latency);
  if (outcome === 'reset') x.res.destroy();
  else await writeReply(x.res, outcome, x.fault?.rule.slowBodyMs ?? 0);
}

/** Writes a reply: JSON as HAL or problem JSON, strings as HTML, trickled over `slowBodyMs`. */
export async function writeReply(
  res: ServerResponse,
  reply: Reply,
  slowBodyMs: number,
): Promise<void> {
  if (res.destroyed) return;
  const headers: Record<string, string> = {
    'x-request-id': randomBytes(16).toString('hex'),
    ...reply.headers,
  };
  let payload: string | Uint8Array | undefined;
  if (reply.body !== undefined && reply.status !== 204 && reply.status !== 304) {
    if (reply.body instanceof Uint8Array) {
      payload = reply.body;
      headers['content-type'] = reply.contentType ?? 'application/octet-stream';
    } else if (typeof reply.body === 'string') {
      payload = reply.body;
      headers['content-type'] = `${reply.contentType ?? 'text/html'}; charset=utf-8`;
    } else {
      payload = JSON.stringify(reply.body);
      headers['content-type'] =
        reply.contentType ??
        (reply.status >= 400 ? 'application/problem+json' : 'application/hal+json');
    }
  }
  if (payload === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  headers['content-length'] = String(bytes.length);
  res.writeHead(reply.status, headers);
  if (slowBodyMs <= 0 || bytes.length < 2) {
    res.end(bytes);
    return;
  }
  // Trickle the body in a few pieces over `slowBodyMs`.
  const pieces = Math.min(10, bytes.length);
  const step = Math.ceil(bytes.length / pieces);
  for (let i = 0; i < bytes.length; i += step) {
    if (res.destroyed) return;
    res.write(bytes.subarray(i, i + step));
    await sleep(slowBodyMs / pieces);
  }
  res.end();
}
