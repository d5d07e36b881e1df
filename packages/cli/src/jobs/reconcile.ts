/**
 * Finding out whether writes of unknown outcome happened, by the key each row wrote into the
 * entity. Kommo has no idempotency key and does not store `request_id`, so the key field is
 * the only way to tell "created before the crash" from "never arrived".
 *
 * The function is shaped like the SDK's coming batch `reconcile` option: items of unknown
 * outcome in, for each the entity that exists (its ref) or `undefined`.
 *
 * @module
 */

import type { Kommo } from 'kommo-sdk';
import { keyOf, type TransferEntity } from './rows.js';

/** For each item of unknown outcome: its entity's ref when it exists, else `undefined`. */
export type Reconcile<I> = (items: readonly I[]) => Promise<Array<{ id: number } | undefined>>;

/** What a lookup found, for the report. */
export interface ReconcileStats {
  /** Requests made. */
  lookups: number;
  /** Keys found more than once (written twice before; the lowest id is taken). */
  duplicates: string[];
  /** Whether the account ignored the custom-field filter and `query` was used instead. */
  usedQuery: boolean;
}

type Listed = { id: number; custom_fields_values?: unknown };

/** Items per filter request: the query string stays far below URL limits. */
const KEYS_PER_LOOKUP = 50;

/**
 * A {@link Reconcile} over a key field: looks keys up with
 * `filter[custom_fields_values][<field>][]=<key>` (one request per 50 keys), checks every
 * answer's key exactly, and falls back to a full-text `query` per key when the account ignores
 * the filter (Kommo's "advanced filtering" is not on every account).
 */
export function keyFieldReconciler<I>(
  kommo: Kommo,
  entity: TransferEntity,
  fieldId: number,
  keyOfItem: (item: I) => string,
  stats: ReconcileStats = { lookups: 0, duplicates: [], usedQuery: false },
): Reconcile<I> {
  const list = (params: Record<string, unknown>): AsyncIterable<Listed> =>
    kommo[entity].list(params);

  const byQuery = async (key: string): Promise<number[]> => {
    const ids: number[] = [];
    stats.lookups++;
    for await (const item of list({ query: key }))
      if (keyOf(item, fieldId) === key) ids.push(item.id);
    return ids;
  };

  return async (items) => {
    const keys = items.map(keyOfItem);
    const found = new Map<string, number[]>();
    for (let start = 0; start < keys.length; start += KEYS_PER_LOOKUP) {
      const wanted = new Set(keys.slice(start, start + KEYS_PER_LOOKUP));
      if (stats.usedQuery) {
        for (const key of wanted) found.set(key, await byQuery(key));
        continue;
      }
      stats.lookups++;
      let ignored = false;
      for await (const item of list({
        filter: { custom_fields_values: { [fieldId]: [...wanted] } },
      })) {
        const key = keyOf(item, fieldId);
        if (key === undefined || !wanted.has(key)) {
          // An answer outside the filter: the account does not filter on custom fields.
          ignored = true;
          break;
        }
        found.set(key, [...(found.get(key) ?? []), item.id]);
      }
      if (ignored) {
        stats.usedQuery = true;
        for (const key of wanted) found.set(key, await byQuery(key));
      }
    }
    return keys.map((key) => {
      const ids = (found.get(key) ?? []).sort((a, b) => a - b);
      if (ids.length > 1) stats.duplicates.push(key);
      return ids.length > 0 ? { id: ids[0] as number } : undefined;
    });
  };
}
