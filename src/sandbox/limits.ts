/**
 * The limits the sandbox enforces. Kommo's facts live in `src/facts.ts`, the one place the SDK
 * and the sandbox share them; this module re-exports the public ones for `kommo-sdk/sandbox`
 * and holds the few `src/facts.ts` does not have yet (the SDK keeps its own copies of these,
 * so they belong there once both sides import them).
 *
 * @module
 */

export {
  NOTE_TEXT_MAX_LENGTH,
  MAX_PAGE_LIMIT,
  MAX_BATCH_ITEMS,
  MAX_COMPLEX_ITEMS,
  DEFAULT_PAGE_LIMIT,
  TEXT_FIELD_MAX_LENGTH,
  MAX_WEBHOOK_SUBSCRIPTIONS,
} from '../facts.js';

/** The largest `limit` of `GET /api/v4/events` (Kommo answers 422 above it). */
export const MAX_EVENTS_PAGE_LIMIT = 100;

/** The most sources one `POST`/`PATCH`/`DELETE /api/v4/sources` may carry. */
export const MAX_SOURCES_PER_REQUEST = 50;

/** The most sources `GET /api/v4/sources` lists (it has no paging). */
export const MAX_SOURCES_LISTED = 100;

/** The most catalogs (lists) one account may have. */
export const MAX_CATALOGS = 10;
