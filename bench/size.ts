/**
 * Group 5, size and start: the bundle sizes and the cold import time that `scripts/size.ts`
 * measures (esbuild metafile, minified + gzip level 9), reported in the bench table. Needs
 * `npm run build` first (`npm run bench` builds).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { coldImport, measureSizes, type SizeRow } from '../scripts/size.js';
import { root, type GroupResult, type Row } from './lib.js';

/** Issue 15: the SDK's own modules add at most 15 % to loading its dependencies. */
const COLD_IMPORT_RATIO = 1.15;

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

export async function runSize(): Promise<GroupResult> {
  if (!existsSync(join(root, 'dist', 'index.js'))) {
    return {
      id: 'size',
      title: '5. Size and start',
      figures: { skipped: 'dist/ is missing: run `npm run build` first' },
      rows: [
        {
          group: '5',
          case: 'sizes and cold import',
          figure: 'dist/ is missing: run `npm run build` first',
          target: '—',
          verdict: 'SKIPPED',
        },
      ],
    };
  }
  const sizes = await measureSizes();
  const cold = coldImport(9);
  // The CI budget, when the quality gates have set one (`size-budget.json`, gzip bytes).
  const budgetFile = join(root, 'size-budget.json');
  const budget = existsSync(budgetFile)
    ? (JSON.parse(readFileSync(budgetFile, 'utf8')) as Record<string, number>)
    : {};
  const row = (r: SizeRow): Row => {
    const key = `${r.entry}${r.withDeps ? '+deps' : ''}.gzip`;
    const limit = budget[key];
    return {
      group: '5',
      case: `kommo-sdk${r.entry === 'index' ? '' : `/${r.entry}`} ESM, ${r.withDeps ? 'with ky + zod' : 'without deps'}`,
      figure: `${kib(r.gzipBytes)} gzip (${kib(r.minifiedBytes)} min)`,
      target: limit === undefined ? 'reported' : `≤ ${kib(limit)} gzip (size-budget.json)`,
      verdict: limit === undefined ? '—' : r.gzipBytes <= limit ? 'PASS' : 'MISSED',
    };
  };
  return {
    id: 'size',
    title: '5. Size and start',
    figures: {
      sizes: sizes.map((r) => ({ ...r, key: `${r.entry}${r.withDeps ? '+deps' : ''}` })),
      coldImport: cold,
    },
    rows: [
      ...sizes.map(row),
      {
        group: '5',
        case: "cold import('kommo-sdk') ÷ import of zod + ky, medians of 9 fresh processes",
        figure: `${cold.sdkMs} ms ÷ ${cold.depsMs} ms = ${cold.ratio}×`,
        target: `≤ ${COLD_IMPORT_RATIO}×`,
        verdict: cold.ratio <= COLD_IMPORT_RATIO ? 'PASS' : 'MISSED',
      },
    ],
  };
}
