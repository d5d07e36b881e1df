/**
 * Query-string serialization in the PHP bracket style Kommo reads.
 *
 * @module
 */

/** A value the query serializer accepts. `undefined` and `null` are skipped. */
export type QueryValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly QueryValue[]
  | { readonly [key: string]: QueryValue };

/** Query parameters of a request. */
export type QueryInput = Readonly<Record<string, QueryValue>>;

function scalar(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

function isScalar(value: QueryValue): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * Serializes nested params the way Kommo expects:
 * `{ filter: { id: [1, 2], statuses: [{ pipeline_id: 1, status_id: 2 }] } }` →
 * `filter[id][]=1&filter[id][]=2&filter[statuses][0][pipeline_id]=1&filter[statuses][0][status_id]=2`.
 * Arrays of scalars use `[]`, arrays of objects use indexes, booleans become `1`/`0`.
 */
export function toSearchParams(query: QueryInput | undefined): URLSearchParams {
  const params = new URLSearchParams();
  const walk = (prefix: string, value: QueryValue): void => {
    if (value === undefined || value === null) return;
    if (isScalar(value)) {
      params.append(prefix, scalar(value));
      return;
    }
    if (Array.isArray(value)) {
      const items = value as readonly QueryValue[];
      items.forEach((item, index) => {
        walk(isScalar(item) ? `${prefix}[]` : `${prefix}[${index}]`, item);
      });
      return;
    }
    for (const [key, inner] of Object.entries(value as Record<string, QueryValue>))
      walk(`${prefix}[${key}]`, inner);
  };
  for (const [key, value] of Object.entries(query ?? {})) walk(key, value);
  return params;
}

/** Turns `with: ['contacts', 'loss_reason']` into Kommo's `with=contacts,loss_reason`. */
export function joinWith(values: readonly string[] | undefined): string | undefined {
  return values && values.length > 0 ? [...new Set(values)].join(',') : undefined;
}
