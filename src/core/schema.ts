/**
 * Lenient parsing of answers: the one place that runs a response schema and turns a mismatch
 * into a {@link ResponseValidationError}.
 *
 * @module
 */

import type { z } from 'zod';
import { ResponseValidationError } from './errors.js';

/** Parses `data` with `schema`; with validation off, returns it unchecked. */
export function parseResponse<S extends z.ZodType>(
  schema: S,
  data: unknown,
  context: { what: string; validate: boolean; requestId?: string | undefined },
): z.infer<S> {
  if (!context.validate) return data as z.infer<S>;
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new ResponseValidationError(
    `Unexpected answer shape for ${context.what}: ${result.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ')}`,
    {
      issues: result.error.issues.map((i) => ({
        path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
        message: i.message,
      })),
      body: data,
      requestId: context.requestId,
    },
  );
}

/**
 * A value built on first use and kept: how resource specs name their schemas, so that nothing
 * is built before a resource is used, and so that building schemas later (or loading them from
 * another module) is a change to the thunk alone.
 *
 * @internal
 */
export function lazy<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
