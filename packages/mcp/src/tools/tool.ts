/**
 * What a tool is: a name, words for the agent, a strict zod input, MCP annotations, and `run`.
 *
 * @module
 */

import type { Kommo, KommoCache } from 'kommo-sdk';
import type { z } from 'zod';
import type { Names } from '../compact.js';

/** `read` tools change nothing; `write` tools change one entity; `bulk` tools many. */
type ToolKind = 'read' | 'write' | 'bulk';

/** What a tool's `run` gets besides its arguments. */
export interface ToolContext {
  /** The client to call the SDK with: in a dry run, the one that records writes. */
  kommo: Kommo;
  /** The real client (reads that must not be recorded: names, the diff). */
  main: Kommo;
  /** The SDK's cache of the real client (`cacheFor`): pipelines, users, field definitions. */
  cache: KommoCache;
  /** Pipelines and (when the token may list them) users, for names in answers. */
  names(): Promise<Names>;
  /** Whether this is a dry run. */
  dryRun: boolean;
  /** Cancelled when the MCP client cancels the call. */
  signal: AbortSignal;
  /**
   * For bulk tools, before writing: the entities the call resolved to. Refuses (throws
   * `confirmation_required`) when they are more than the server allows and the call has no
   * valid token; in a dry run, issues the token.
   */
  confirm(ids: readonly number[]): void;
}

/** A tool definition; the server adds `dry_run` (and `confirmation_token` for bulk) itself. */
export interface ToolDef<Shape extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  /** Says what the tool reads or exactly what it changes. */
  description: string;
  kind: ToolKind;
  input: Shape;
  /**
   * Other names an argument is accepted under, not listed in the schema: Kommo's wire names
   * (`status_id` for `stage`, `complete_till` for `due`…) and `id`, so a caller who writes
   * Kommo's names is understood. `{ lead_id: 'entity' }` reads `lead_id: 5` as
   * `entity_type: 'leads', entity_id: 5` (likewise `contact_id`, `company_id`).
   */
  aliases?: Readonly<Record<string, string>>;
  /** For write tools (reads are never destructive and always idempotent). */
  destructive?: boolean;
  idempotent?: boolean;
  run(args: z.output<z.ZodObject<Shape>>, ctx: ToolContext): Promise<Record<string, unknown>>;
}

/** Declares a tool with its argument types inferred from `input`. */
export function defineTool<Shape extends z.ZodRawShape>(def: ToolDef<Shape>): ToolDef {
  return def;
}
