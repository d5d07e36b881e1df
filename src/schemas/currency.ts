/**
 * Currencies (`GET /api/v4/currencies`): the currencies Kommo supports, by ISO code.
 * Known from the official PHP SDK only; no documentation page exists.
 *
 * @module
 */

import { z } from 'zod';
import { LimitSchema, PageSchema, collectionSchema } from './common.js';

/** A currency as Kommo returns it (only `code` is known; other fields are kept). */
export const CurrencySchema = z.looseObject({
  /** ISO 4217, e.g. `USD`. */
  code: z.string(),
});
/** A currency Kommo supports. */
export type Currency = z.infer<typeof CurrencySchema>;

/** Params of `currencies.list`. */
export const CurrencyListParamsSchema = z.strictObject({
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
});
/** Params of `currencies.list`. */
export type CurrencyListParams = z.infer<typeof CurrencyListParamsSchema>;

/**
 * The schemas of `kommo.currencies` by what they check, for its route spec.
 *
 * @internal
 */
export function currencyRouteSchemas() {
  return {
    item: CurrencySchema,
    page: collectionSchema('currencies', CurrencySchema),
    list: CurrencyListParamsSchema,
  };
}
