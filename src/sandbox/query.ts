/**
 * Reads PHP bracket query strings (`filter[id][]=1&filter[statuses][0][pipeline_id]=2`) into
 * nested records, the way Kommo's PHP backend does, without trusting the input.
 *
 * @module
 */

/** A parsed query value: a string, or a record of further values (lists are records too). */
export type QueryNode = string | QueryRecord;
/** A record of parsed query values; `[]` items get the next numeric key. */
export interface QueryRecord {
  [key: string]: QueryNode;
}

const MAX_PARAMS = 1000;
const MAX_DEPTH = 6;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function splitKey(key: string): string[] | undefined {
  const open = key.indexOf('[');
  if (open === -1) return [key];
  const parts = [key.slice(0, open)];
  const rest = key.slice(open);
  const re = /\[([^[\]]*)\]/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = re.exec(rest)) !== null) {
    parts.push(match[1] ?? '');
    consumed = re.lastIndex;
    if (parts.length > MAX_DEPTH) return undefined;
  }
  // PHP keeps the unmatched tail as part of the last key; we simply ignore such keys.
  if (consumed !== rest.length) return undefined;
  return parts;
}

/** Parses the query part of a URL. Hostile keys are dropped, never thrown on. */
export function parseQuery(params: URLSearchParams): QueryRecord {
  const root: QueryRecord = Object.create(null) as QueryRecord;
  let count = 0;
  for (const [rawKey, value] of params) {
    if (++count > MAX_PARAMS) break;
    const parts = splitKey(rawKey);
    if (!parts || parts[0] === '' || parts.some((p) => FORBIDDEN.has(p))) continue;
    let node: QueryRecord = root;
    for (let i = 0; i < parts.length; i++) {
      let part = parts[i] ?? '';
      if (part === '') part = String(Object.keys(node).length);
      if (i === parts.length - 1) {
        node[part] = value; // duplicate keys: the last one wins, as in PHP
        break;
      }
      const next = node[part];
      if (typeof next === 'object') node = next;
      else {
        const created = Object.create(null) as QueryRecord;
        node[part] = created;
        node = created;
      }
    }
  }
  return root;
}

/** The items of a value given either once (`x=1`), as a list (`x[]=1`) or comma-separated. */
export function listOf(node: QueryNode | undefined): string[] {
  if (node === undefined) return [];
  if (typeof node === 'string') return node.split(',').filter((s) => s !== '');
  return Object.values(node).flatMap((v) => (typeof v === 'string' ? [v] : []));
}

/** The records of a list of records (`filter[statuses][0][pipeline_id]=…`). */
export function recordsOf(node: QueryNode | undefined): QueryRecord[] {
  if (node === undefined || typeof node === 'string') return [];
  return Object.values(node).filter((v): v is QueryRecord => typeof v === 'object');
}

/** Integers of a list value; anything else is dropped. */
export function intsOf(node: QueryNode | undefined): number[] {
  return listOf(node)
    .map((s) => Number(s))
    .filter((n) => Number.isSafeInteger(n));
}

/** A `[from]`/`[to]` range, or a bare value meaning "from". */
export interface Range {
  from?: number;
  to?: number;
}

/** Reads a range filter; `undefined` when absent or not numeric. */
export function rangeOf(node: QueryNode | undefined): Range | undefined {
  if (node === undefined) return undefined;
  const num = (s: QueryNode | undefined): number | undefined => {
    if (typeof s !== 'string' || s.trim() === '') return undefined;
    const n = Number(s);
    return Number.isFinite(n) ? n : undefined;
  };
  if (typeof node === 'string') {
    const from = num(node);
    return from === undefined ? undefined : { from };
  }
  const range: Range = {};
  const from = num(node['from']);
  const to = num(node['to']);
  if (from !== undefined) range.from = from;
  if (to !== undefined) range.to = to;
  return from === undefined && to === undefined ? undefined : range;
}

/** Whether `value` lies within `range` (inclusive). */
export function inRange(value: number | null | undefined, range: Range): boolean {
  if (value === null || value === undefined) return false;
  if (range.from !== undefined && value < range.from) return false;
  if (range.to !== undefined && value > range.to) return false;
  return true;
}

/** A string value, or `undefined` when absent or a record. */
export function stringOf(node: QueryNode | undefined): string | undefined {
  return typeof node === 'string' ? node : undefined;
}

/** The record under `key`, or an empty record. */
export function recordOf(node: QueryNode | undefined): QueryRecord {
  return typeof node === 'object' ? node : (Object.create(null) as QueryRecord);
}
