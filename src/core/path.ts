/**
 * Path building with validated ids: the only way an id enters a URL.
 *
 * @module
 */

import { RequestValidationError } from './errors.js';

/** Checks that `value` is a positive safe integer id. @throws {@link RequestValidationError} */
export function assertId(value: unknown, name = 'id'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new RequestValidationError(
      `\`${name}\` must be a positive integer, got ${JSON.stringify(value) ?? String(value)}`,
      [{ path: [name], message: 'Expected a positive integer' }],
    );
  }
  return value;
}

/**
 * Tagged template for API paths: every interpolated value must be a positive integer id or a
 * known path segment (`[a-z_]+`), so user input can never change the route.
 *
 * @example
 * ```ts
 * path`/api/v4/leads/${id}`; // '/api/v4/leads/42'
 * ```
 */
export function path(
  strings: TemplateStringsArray,
  ...values: ReadonlyArray<number | string>
): string {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    if (typeof value === 'number') out += String(assertId(value));
    else if (/^[a-z_]+$/.test(value)) out += value;
    else
      throw new RequestValidationError(`Invalid path segment ${JSON.stringify(value)}`, [
        { path: ['path'], message: 'Invalid segment' },
      ]);
    out += strings[i + 1] ?? '';
  });
  return out;
}
