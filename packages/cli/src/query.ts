/**
 * `key=value` pairs in Kommo's bracket style (`filter[statuses][0][status_id]=142`,
 * `filter[id][]=1`) turned into the nested objects the SDK serialises back the same way.
 *
 * @module
 */

import { UsageError } from './io.js';

/** A nested query value built from pairs. */
export type QueryTree = { [key: string]: string | string[] | QueryTree };

const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

function segments(key: string, flag: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match)
    throw new UsageError(
      `${flag}: cannot read the key ${JSON.stringify(key)} (use name or name[sub][]…)`,
    );
  const rest = [...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? '');
  const all = [match[1] as string, ...rest];
  for (const part of all)
    if (FORBIDDEN.has(part))
      throw new UsageError(`${flag}: the key ${JSON.stringify(key)} is not allowed`);
  return all;
}

/**
 * Builds a nested query from `key=value` pairs. `[]` appends to a list; repeating a plain key
 * makes a list too.
 *
 * @throws {@link UsageError} for a pair without `=`, an unreadable key, or a key that mixes a
 * value and sub-keys.
 */
export function parsePairs(pairs: readonly string[], flag: string): QueryTree {
  const root: QueryTree = Object.create(null) as QueryTree;
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag}: expected key=value, got ${JSON.stringify(pair)}`);
    const path = segments(pair.slice(0, eq), flag);
    const value = pair.slice(eq + 1);
    let node: QueryTree = root;
    for (let i = 0; i < path.length; i++) {
      const part = path[i] as string;
      const last = i === path.length - 1;
      const nextIsList = path[i + 1] === '';
      if (part === '')
        throw new UsageError(`${flag}: [] must come last in ${JSON.stringify(pair)}`);
      const existing = node[part];
      if (last) {
        if (existing === undefined) node[part] = value;
        else if (typeof existing === 'string') node[part] = [existing, value];
        else if (Array.isArray(existing)) existing.push(value);
        else throw new UsageError(`${flag}: ${JSON.stringify(pair)} mixes a value and sub-keys`);
        break;
      }
      if (nextIsList && i + 1 === path.length - 1) {
        if (existing === undefined) node[part] = [value];
        else if (Array.isArray(existing)) existing.push(value);
        else if (typeof existing === 'string') node[part] = [existing, value];
        else throw new UsageError(`${flag}: ${JSON.stringify(pair)} mixes a list and sub-keys`);
        break;
      }
      if (existing === undefined) {
        const child = Object.create(null) as QueryTree;
        node[part] = child;
        node = child;
      } else if (typeof existing === 'object' && !Array.isArray(existing)) node = existing;
      else throw new UsageError(`${flag}: ${JSON.stringify(pair)} mixes a value and sub-keys`);
    }
  }
  return root;
}

/** Digit-only strings as numbers, deeply: ids and unix times for the SDK's typed filters. */
export function numbersDeep(tree: QueryTree | string | string[]): unknown {
  if (typeof tree === 'string') return /^-?\d+(\.\d+)?$/.test(tree) ? Number(tree) : tree;
  if (Array.isArray(tree)) return tree.map((v) => numbersDeep(v));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tree)) out[key] = numbersDeep(value);
  return out;
}
