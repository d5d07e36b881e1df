/**
 * The limits the sandbox enforces: Kommo's facts from `src/facts.ts`, the one place the SDK and
 * the sandbox share them.
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
