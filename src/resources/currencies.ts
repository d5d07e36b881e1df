/**
 * `kommo.currencies`: the currencies Kommo supports (`GET /api/v4/currencies`).
 *
 * @module
 */

import type { ListOptions, PagePromise } from '../core/pagination.js';
import type * as s from '../schemas/currency.js';
import { APIResource, route } from './resource.js';

const currencies = route({
  path: '/api/v4/currencies',
  key: 'currencies',
  names: ['currency', 'currencies'],
  schemas: () => import('../schemas/currency.js').then((m) => m.currencyRouteSchemas()),
});

/**
 * Currencies Kommo supports, by ISO code. The endpoint has no documentation page; the SDK
 * follows the official PHP SDK (a paged list of `{ code }`).
 *
 * @example
 * ```ts
 * const codes = (await kommo.currencies.list().toArray({ max: 500 })).map((c) => c.code);
 * ```
 */
export class Currencies extends APIResource {
  readonly #api = currencies.on(this._client);

  /** Lists the currencies. */
  list(params?: s.CurrencyListParams, options?: ListOptions): PagePromise<s.Currency> {
    return this.#api.list(params, options);
  }
}
