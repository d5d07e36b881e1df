/**
 * Bundle size of the published entries, measured with esbuild (it comes with tsup): minified
 * and gzipped, with and without dependencies, plus the cold import time of the main entry.
 * `--check` fails when an entry grows past `size-budget.json`.
 *
 * Run after `npm run build`: npx tsx scripts/size.ts [--check] [--json]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');

export interface SizeRow {
  entry: string;
  withDeps: boolean;
  minifiedBytes: number;
  gzipBytes: number;
}

async function measure(entry: string, withDeps: boolean): Promise<SizeRow> {
  const result = await build({
    entryPoints: [join(root, 'dist', `${entry}.js`)],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    mainFields: ['module', 'main'],
    external: withDeps ? ['node:*'] : ['ky', 'zod', 'node:*'],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return {
    entry,
    withDeps,
    minifiedBytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
  };
}

/** Cold `import('kommo-sdk')` time in a fresh Node process, median of 5, in milliseconds. */
export function coldImportMs(): number {
  const script = `const t=performance.now();await import(${JSON.stringify(join(root, 'dist/index.js'))});console.log(performance.now()-t)`;
  const runs = Array.from({ length: 5 }, () =>
    Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
      }).trim(),
    ),
  );
  runs.sort((a, b) => a - b);
  return Math.round((runs[2] ?? 0) * 10) / 10;
}

export async function measureSizes(): Promise<SizeRow[]> {
  return [
    await measure('index', false),
    await measure('index', true),
    await measure('webhooks', false),
    await measure('webhooks', true),
    await measure('chats', false),
    await measure('chats', true),
  ];
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const rows = await measureSizes();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  for (const r of rows)
    console.log(
      `${r.entry.padEnd(9)} ${r.withDeps ? 'with deps   ' : 'without deps'}  min ${kb(r.minifiedBytes).padStart(10)}  gzip ${kb(r.gzipBytes).padStart(9)}`,
    );
  console.log(`cold import of kommo-sdk: ${coldImportMs()} ms`);
  if (process.argv.includes('--check')) {
    const budget = JSON.parse(readFileSync(join(root, 'size-budget.json'), 'utf8')) as Record<
      string,
      number
    >;
    let failed = false;
    for (const r of rows) {
      const key = `${r.entry}${r.withDeps ? '+deps' : ''}.gzip`;
      const limit = budget[key];
      if (limit !== undefined && r.gzipBytes > limit) {
        console.error(`size budget exceeded: ${key} is ${r.gzipBytes} B gzip, budget ${limit} B`);
        failed = true;
      }
    }
    if (failed) process.exit(1);
    console.log('size: within budget');
  }
}
