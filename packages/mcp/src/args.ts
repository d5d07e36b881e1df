/**
 * Argument pieces shared by the tools' input schemas, each with the description an agent reads
 * in `tools/list`. Strict on input: ids are positive integers, names non-empty, lists bounded.
 *
 * @module
 */

import { z } from 'zod';

/** Items one list call returns at most, whatever `limit` asks (answers stay small). */
const MAX_PAGE_ITEMS = 50;
/** Items a list call returns when `limit` is not given. */
export const DEFAULT_PAGE_ITEMS = 20;

/** A positive integer id. */
export function id(description: string): z.ZodNumber {
  return z.number().int().positive().max(Number.MAX_SAFE_INTEGER).describe(description);
}

/** A pipeline by id or by name. */
export const PipelineRefArg = z
  .union([z.number().int().positive(), z.string().trim().min(1)])
  .describe('A pipeline: its id, or its name (case-insensitive). Default: the main pipeline.');

/** A stage by id or by name; `won` / `lost` name the closing stages. */
export const StageRefArg = z
  .union([z.number().int().positive(), z.string().trim().min(1)])
  .describe(
    'A stage: its id, or its name (case-insensitive, as list_pipelines shows it). "won" and "lost" name the closing stages (142 / 143).',
  );

/** A user by id, name or e-mail. */
export const UserRefArg = z
  .union([z.number().int().positive(), z.string().trim().min(1)])
  .describe('A user: their id, or their name or e-mail as list_users shows it.');

/** A time: ISO 8601 or unix seconds. */
export const TimeArg = z
  .union([z.number().int().nonnegative(), z.string().trim().min(1)])
  .describe('A date-time: ISO 8601 ("2026-12-01T15:00:00Z", "2026-12-01") or unix seconds.');

/** Entity types notes, links and responsibles apply to. */
export const EntityTypeArg = z
  .enum(['leads', 'contacts', 'companies'])
  .describe('The entity type: leads, contacts or companies.');

/** Custom-field values to write, by field name, code or id. */
export const CustomFieldsArg = z
  .record(
    z.string().min(1),
    z.union([
      z.string(),
      z.number(),
      z.boolean(),
      z.null(),
      z.array(z.union([z.string(), z.number()])),
    ]),
  )
  .describe(
    'Custom-field values by field name, code or id (as list_custom_fields shows them): {"Budget": 5000, "Source": "Website"}. A select field takes the option text; a multiselect a list of them; null clears the field. Fields not named are left alone.',
  );

/** `limit` and `cursor` of a list tool. */
export function pageArgs(max = MAX_PAGE_ITEMS, def = DEFAULT_PAGE_ITEMS) {
  return {
    limit: z
      .number()
      .int()
      .min(1)
      .max(max)
      .optional()
      .describe(`Items per call, 1–${max} (default ${def}).`),
    cursor: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('The next_cursor of the previous call, to read the next page.'),
  };
}

/** `dry_run`, added to every write tool. */
export const DryRunArg = z
  .boolean()
  .optional()
  .describe(
    'true: change nothing; return the exact requests that would be sent and the diff against the current entities.',
  );

/** `confirmation_token`, added to every bulk tool. */
export const ConfirmationTokenArg = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe(
    'Required when the call touches more entities than the server allows without confirmation: the confirmation_token a dry run of the same arguments returned.',
  );
