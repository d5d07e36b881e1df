/**
 * The per-call request options inside a helper's options object.
 *
 * @module
 */

import type { RequestOptions } from '../core/options.js';

/** Keeps only {@link RequestOptions}, so helper-only options never reach a resource's strict input. @internal */
export function requestOptionsOf(options: RequestOptions): RequestOptions {
  return {
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
    ...(options.headers !== undefined ? { headers: options.headers } : {}),
  };
}
