/**
 * Cursors of the list tools: opaque to agents, they carry the next page and the page size, so a
 * walk keeps its pages aligned whatever `limit` a later call passes.
 *
 * @module
 */

import { DEFAULT_PAGE_ITEMS } from './args.js';
import { ToolError } from './errors.js';

/** Where a list call starts. */
export interface PageRequest {
  /** 1-based page. */
  page: number;
  /** Items per page. */
  limit: number;
}

/** What a list tool returns. */
export type PageResult<T> = {
  items: T[];
  /** Pass it as `cursor` to read on; `null` on the last page. */
  next_cursor: string | null;
};

/** The page a call asks for: its cursor's, else page 1 with `limit`. */
export function pageRequest(
  args: {
    limit?: number | undefined;
    cursor?: string | undefined;
  },
  def = DEFAULT_PAGE_ITEMS,
): PageRequest {
  if (args.cursor === undefined) return { page: 1, limit: args.limit ?? def };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(args.cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const p = parsed as { p?: unknown; l?: unknown } | undefined;
  if (
    typeof p !== 'object' ||
    p === null ||
    !Number.isInteger(p.p) ||
    !Number.isInteger(p.l) ||
    (p.p as number) < 1 ||
    (p.l as number) < 1 ||
    (p.l as number) > 250
  ) {
    throw new ToolError('invalid_arguments', 'cursor: not a cursor this server returned', {
      issues: [{ field: 'cursor', message: 'Pass next_cursor from the previous answer unchanged' }],
    });
  }
  return { page: p.p as number, limit: p.l as number };
}

/** The cursor of the page after `request`, or `null`. */
export function nextCursor(request: PageRequest, hasNext: boolean): string | null {
  if (!hasNext) return null;
  return Buffer.from(JSON.stringify({ p: request.page + 1, l: request.limit })).toString(
    'base64url',
  );
}

/** One page of a list already in memory (pipelines, users, field definitions). */
export function pageOf<T>(all: readonly T[], request: PageRequest): PageResult<T> {
  const start = (request.page - 1) * request.limit;
  const items = all.slice(start, start + request.limit);
  return { items, next_cursor: nextCursor(request, start + request.limit < all.length) };
}
