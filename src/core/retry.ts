/**
 * The retry policy: which failures are retried and how long to wait. One place, used by every
 * request.
 *
 * @module
 */

import { isWriteMethod, type HttpMethod } from './errors.js';

/** Defaults of {@link RetryOptions}. */
export const DEFAULT_BASE_DELAY_MS = 500;
/** Default ceiling of any wait between attempts. */
export const DEFAULT_MAX_DELAY_MS = 5_000;

/**
 * Whether an HTTP status may be retried for the method. Reads (and DELETE, idempotent) retry
 * 408, 429 and 5xx; writes only 429, because a 429 means Kommo did not apply them while a 5xx
 * may have been applied.
 */
export function isRetryableStatus(method: HttpMethod, status: number): boolean {
  if (isWriteMethod(method)) return status === 429;
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Whether a network failure (no answer) may be retried: for reads and DELETE, and for a write
 * that is safe to send twice (`resendable`: a token refresh with the same refresh token).
 */
export function isRetryableNetworkError(
  method: HttpMethod,
  resendable = !isWriteMethod(method),
): boolean {
  return resendable;
}

/**
 * Kommo's wait hint in milliseconds: the `Retry-After` header (seconds or an HTTP date), else
 * the `retry_after` field (seconds) of the 429 body.
 */
export function retryAfterMs(
  headers: Headers,
  body: unknown,
  now = Date.now(),
): number | undefined {
  const header = headers.get('retry-after');
  if (header !== null && header.trim() !== '') {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const raw = (body as Record<string, unknown>)['retry_after'];
    const seconds = typeof raw === 'string' ? Number(raw) : raw;
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0)
      return Math.round(seconds * 1000);
  }
  return undefined;
}

/**
 * The wait before retry number `retryIndex` (0 for the first retry). A hint within the ceiling
 * is honoured; otherwise exponential backoff with full jitter, capped at the ceiling.
 */
export function retryDelayMs(
  retryIndex: number,
  hintMs: number | undefined,
  options: { baseDelayMs: number; maxDelayMs: number },
  random: () => number = Math.random,
): number {
  if (hintMs !== undefined && hintMs <= options.maxDelayMs) return hintMs;
  const exp = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retryIndex);
  return Math.floor(random() * exp);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 && !signal?.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const reason = (): Error =>
      signal?.reason instanceof Error ? signal.reason : new Error('This operation was aborted');
    if (signal?.aborted) {
      reject(reason());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(reason());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
