/**
 * Group 5, size and start: the bundle sizes and the cold import time that `scripts/size.ts`
 * measures (esbuild metafile, minified + gzip level 9), reported in the bench table. Needs
 * `npm run build` first (`npm run bench` builds).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { coldImportMs, measureSizes, type SizeRow } from '../scripts/size.js';
import { root, type GroupResult, type Row } from './lib.js';

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
  const importMs = coldImportMs();
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
      coldImportMs: importMs,
    },
    rows: [
      ...sizes.map(row),
      {
        group: '5',
        case: "cold import('kommo-sdk') in a fresh node, median of 5",
        figure: `${importMs} ms`,
        target: 'reported',
        verdict: '—',
      },
    ],
  };
}
