/**
 * Measures what a 250-lead page costs the SDK beyond the network: `JSON.parse` of the body and
 * the lenient validation of every lead (custom fields, embedded tags/contacts…).
 *
 * Run: `npx tsx scripts/parse-bench.ts`. The page is built from the richest lead of
 * `test/fixtures/leads_list_embedded.json` (16 custom fields of different types), repeated with
 * distinct ids.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseResponse } from '../src/core/schema.js';
import { LeadCollectionSchema } from '../src/schemas/lead.js';

const source = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../test/fixtures/leads_list_embedded.json', import.meta.url)),
    'utf8',
  ),
) as { _embedded: { leads: Array<Record<string, unknown>> } };
const template = source._embedded.leads[0]!;
const page = {
  _page: 1,
  _links: { self: { href: 'https://acme.kommo.com/api/v4/leads?page=1&limit=250' } },
  _embedded: {
    leads: Array.from({ length: 250 }, (_, i) => ({
      ...template,
      id: 19_000_000 + i,
      name: `Lead ${i}`,
    })),
  },
};
const body = JSON.stringify(page);

function time(fn: () => void, iterations: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / iterations;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const parseOnly = (): void => {
  JSON.parse(body);
};
const parseAndValidate = (): void => {
  parseResponse(LeadCollectionSchema, JSON.parse(body), { what: 'leads', validate: true });
};

// Warm up (zod compiles its validators on first use).
time(parseAndValidate, 20);
// Interleave the two measurements so background load hits both alike; report the best and the
// median of the rounds.
const parseRuns: number[] = [];
const totalRuns: number[] = [];
for (let round = 0; round < 15; round++) {
  parseRuns.push(time(parseOnly, 20));
  totalRuns.push(time(parseAndValidate, 20));
}
const best = (values: number[]): number => Math.min(...values);
const show = (label: string, parse: number, total: number): void => {
  const validation = total - parse;
  console.log(
    `${label}: JSON.parse ${parse.toFixed(2)} ms, + validate ${total.toFixed(2)} ms (validation ${validation.toFixed(2)} ms = ${((validation / 250) * 1000).toFixed(1)} µs per lead)`,
  );
};
console.log(`page: 250 leads with 16 custom fields each, ${(body.length / 1024).toFixed(0)} KiB`);
show('best  ', best(parseRuns), best(totalRuns));
show('median', median(parseRuns), median(totalRuns));
