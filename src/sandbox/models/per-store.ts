/**
 * Tables a route family keeps beside the {@link Store}: one per store, so `sandbox.reset()` (a
 * new store) starts them empty.
 *
 * @module
 */

import type { Store } from '../state.js';

/** A getter of the `T` of a store, made by `make` on first use. */
export function perStore<T>(make: (store: Store) => T): (store: Store) => T {
  const tables = new WeakMap<Store, T>();
  return (store) => {
    let table = tables.get(store);
    if (table === undefined) {
      table = make(store);
      tables.set(store, table);
    }
    return table;
  };
}
