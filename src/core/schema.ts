/**
 * Running schemas: the one place that checks an answer against its (lenient) response schema
 * and turns a mismatch into a {@link ResponseValidationError}, and the one place that checks
 * input against its (strict) schema and turns a mismatch into a {@link RequestValidationError}.
 *
 * @module
 */

import type { z } from 'zod';
import { RequestValidationError, ResponseValidationError, type ValidationIssue } from './errors.js';

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
 * Validates input strictly before anything is sent.
 *
 * @throws {@link RequestValidationError} naming every offending path (a misspelt key is named
 *   by its own path, e.g. `stauts_id`).
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: ValidationIssue[] = [];
  for (const issue of result.error.issues) {
    const base = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        issues.push({ path: [...base, key], message: `Unknown key "${key}"` });
    } else {
      issues.push({ path: base, message: issue.message });
    }
  }
  const summary = issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
  const more = issues.length > 5 ? ` (+${issues.length - 5} more)` : '';
  throw new RequestValidationError(`Invalid ${what}: ${summary}${more}`, issues);
}

/**
 * Refuses an update with no field: Kommo answers it with 400 "Request data can not be empty".
 *
 * @throws {@link RequestValidationError}
 */
export function requireSomeField<T extends object>(body: T, what: string): T {
  if (Object.keys(body).length === 0) {
    throw new RequestValidationError(`Invalid ${what}: give at least one field to change`, [
      { path: [], message: 'Empty update' },
    ]);
  }
  return body;
}

/**
 * A value built on first use and kept: how resource specs name their schemas (a thunk that
 * imports the family's schema module), so that nothing is built before a resource is used.
 */
export function lazy<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
