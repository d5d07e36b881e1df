/**
 * Kommo's documented (and, where Kommo is silent, the sandbox's conservative) limits. Plain
 * constants with no Node imports, so SDK helpers can share them with the sandbox.
 *
 * @module
 */

/**
 * The longest `params.text` of a note the sandbox accepts by default.
 *
 * Kommo publishes no limit for note texts (kommo-api.md §9.9); this is a conservative cap
 * that helpers splitting long texts (a chat history) can share with the sandbox, so that a
 * text that fits here is unlikely to be refused by a real account.
 */
export const NOTE_TEXT_MAX_LENGTH = 20_000;

/** The most items one list page may hold (`limit`), and one batch write may carry. */
export const MAX_PAGE_LIMIT = 250;

/** The most entities one batch `POST`/`PATCH` may carry. */
export const MAX_BATCH_ITEMS = 250;

/** The most leads one `POST /api/v4/leads/complex` may carry. */
export const MAX_COMPLEX_ITEMS = 50;

/** The page size of a list request without `limit`. */
export const DEFAULT_PAGE_LIMIT = 50;

/** The longest value of a `text` custom field the API accepts (the UI allows more). */
export const TEXT_FIELD_MAX_LENGTH = 256;

/** The most webhook subscriptions one account may have. */
export const MAX_WEBHOOK_SUBSCRIPTIONS = 100;
