/**
 * Currencies: the paged list of ISO codes (`GET /api/v4/currencies`). Kommo documents no page
 * for it; the sandbox answers as the official PHP SDK reads it (`_embedded.currencies[{code}]`).
 *
 * @module
 */

import { paginate } from '../render.js';
import { family } from '../router.js';

/** The codes the sandbox lists: a sample of ISO 4217, the account's own currency among them. */
const CODES = ['USD', 'EUR', 'GBP', 'BRL', 'MXN', 'ARS', 'COP', 'CLP', 'PEN', 'RUB', 'TRY', 'INR'];

/** The currencies route. */
export const currencies = family('currencies', {
  'GET /api/v4/currencies': (ctx) =>
    paginate(
      ctx,
      'currencies',
      CODES.map((code) => ({ code })),
      (c) => c,
      true,
    ),
});
