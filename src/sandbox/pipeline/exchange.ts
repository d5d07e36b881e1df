/**
 * One request on its way through the sandbox's pipeline, what the steps share (the runtime),
 * and what a step decides.
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OAuthServer } from '../oauth.js';
import type { Reply } from '../problems.js';
import type { Surface } from '../router.js';
import type { Store } from '../state.js';
import type { WebhookDispatcher } from '../webhooks.js';
import type { Faults, FaultRule } from './faults.js';
import type { RateLimiter } from './rate-limit.js';
import type { RequestLog, SandboxRequestLogEntry } from './request-log.js';

/** The sandbox's state as the steps see it. */
export interface Runtime {
  /** Replaced by `sandbox.reset()`. */
  store: Store;
  /** Set once the server listens. */
  url: string;
  readonly log: RequestLog;
  readonly limiter: RateLimiter;
  readonly faults: Faults;
  readonly oauth: OAuthServer;
  readonly surfaces: readonly Surface[];
  readonly webhooks: WebhookDispatcher;
  readonly maxBodyBytes: number;
  readonly noteTextMaxLength: number;
}

/** One request and what the steps learnt about it. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Upper case. */
  readonly method: string;
  /** The percent-decoded path; `\u0000` when it does not decode. */
  readonly path: string;
  /** The path as sent, still percent-encoded. */
  readonly rawPath: string;
  /** The raw query string, without `?`. */
  readonly rawQuery: string;
  readonly entry: SandboxRequestLogEntry;
  /** The surface the path belongs to (`/api/`), if any. */
  readonly surface: Surface | undefined;
  /** The fault rule that applies to this request, if any. */
  readonly fault: FaultRule | undefined;
  /** The request body, once read. */
  body: Buffer;
}

/**
 * What a step decides: send this reply; `reset` the connection (a fault); `answered`, the step
 * has dealt with the connection itself; or `undefined`, the next step goes on.
 */
export type Outcome = Reply | 'reset' | 'answered' | undefined;

/** One step of the pipeline. */
export type Step = (x: Exchange, rt: Runtime) => Outcome | Promise<Outcome>;

/** Starts an exchange: logs the request, decodes its path, finds its surface and fault rule. */
export function openExchange(req: IncomingMessage, res: ServerResponse, rt: Runtime): Exchange {
  const method = (req.method ?? 'GET').toUpperCase();
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const rawQuery = q === -1 ? '' : rawUrl.slice(q + 1);
  const entry = rt.log.open(res, method, rawPath, rawQuery);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    path = '\u0000';
  }
  const surface = rt.surfaces.find((s) => path.startsWith(s.prefix));
  const fault =
    surface || path.startsWith('/oauth')
      ? rt.faults.ruleFor(method, path, surface !== undefined)
      : undefined;
  return {
    req,
    res,
    method,
    path,
    rawPath,
    rawQuery,
    entry,
    surface,
    fault,
    body: Buffer.alloc(0),
  };
}
