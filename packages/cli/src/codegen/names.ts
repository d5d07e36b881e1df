/**
 * Identifiers for generated code: account names (often Russian) transliterated to ASCII, then
 * camelCased; collisions resolved by id, so the same account always gives the same names.
 *
 * @module
 */

import transliterate from '@sindresorhus/transliterate';

const RESERVED = new Set([
  'break',
  'case',
  'catch',
  'class',
  'const',
  'continue',
  'debugger',
  'default',
  'delete',
  'do',
  'else',
  'enum',
  'export',
  'extends',
  'false',
  'finally',
  'for',
  'function',
  'if',
  'import',
  'in',
  'instanceof',
  'new',
  'null',
  'return',
  'super',
  'switch',
  'this',
  'throw',
  'true',
  'try',
  'typeof',
  'var',
  'void',
  'while',
  'with',
  'yield',
  'let',
  'static',
  'implements',
  'interface',
  'package',
  'private',
  'protected',
  'public',
  'await',
  'arguments',
  'eval',
  'undefined',
  'NaN',
  'Infinity',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
]);

/**
 * A camelCase identifier for a name: `Источник сделки` → `istochnikSdelki`, `Discount %` →
 * `discountPercent`, `2GIS link` → `_2gisLink`. `fallback` when nothing readable is left (a
 * name in a script the transliterator does not know, or only symbols).
 */
export function identifier(name: string | null | undefined, fallback: string): string {
  const ascii = transliterate(
    (name ?? '').replace(/%/g, ' percent ').replace(/#/g, ' number ').replace(/&/g, ' and '),
  );
  const words = ascii
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    // Split camelCase and digit runs so `utmSource`, `UTM_SOURCE` and `utm source` agree.
    .flatMap((w) => w.split(/(?<=[a-z])(?=[A-Z])/))
    .map((w) => w.toLowerCase());
  if (words.length === 0) return fallback;
  const id = words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  const safe = /^[0-9]/.test(id) ? `_${id}` : id;
  return RESERVED.has(safe) ? `${safe}_` : safe;
}

/**
 * Unique identifiers for items, decided by id: the item with the lowest id keeps the plain
 * name, the others get `_<id>` (a field added later never renames an existing one).
 */
export function uniqueIdentifiers<T extends { id: number; name?: string | null | undefined }>(
  items: readonly T[],
  fallbackPrefix: string,
): Map<T, string> {
  const sorted = [...items].sort((a, b) => a.id - b.id);
  const out = new Map<T, string>();
  const taken = new Set<string>();
  const bases = sorted.map((item) => identifier(item.name, `${fallbackPrefix}${String(item.id)}`));
  const firstOf = new Map<string, number>();
  bases.forEach((base, i) => {
    if (!firstOf.has(base)) firstOf.set(base, i);
  });
  sorted.forEach((item, i) => {
    const base = bases[i] as string;
    let name = firstOf.get(base) === i ? base : `${base}_${String(item.id)}`;
    while (taken.has(name)) name = `${name}_`;
    taken.add(name);
    out.set(item, name);
  });
  return out;
}
