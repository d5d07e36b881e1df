import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Reads a JSON fixture from test/fixtures (the project's own copy). */
export function fixture(name: string): any {
  return JSON.parse(
    readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), 'utf8'),
  );
}

/** Parses a query string the way a test wants to compare it: ordered [key, value] pairs. */
export function queryPairs(pathWithQuery: string): Array<[string, string]> {
  const search = pathWithQuery.includes('?')
    ? pathWithQuery.slice(pathWithQuery.indexOf('?') + 1)
    : '';
  return [...new URLSearchParams(search).entries()];
}

/** A HAL collection answer with the given items under `_embedded[key]`. */
export function hal(
  key: string,
  items: unknown[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    _links: { self: { href: 'x' }, next: { href: 'y' } },
    ...extra,
    _embedded: { [key]: items },
  };
}

/** Sorts query pairs by key, keeping the order of repeated keys (a stable sort). */
export function sortPairs(pairs: Array<[string, string]>): Array<[string, string]> {
  return [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
