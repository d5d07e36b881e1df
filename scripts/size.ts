/**
 * Bundle size of the published entries, measured with esbuild (it comes with tsup): minified
 * and gzipped, with and without dependencies, plus the cold import time of the main entry.
 * `--check` fails when an entry grows past `size-budget.json`.
 *
 * Run after `npm run build`: npx tsx scripts/size.ts [--check] [--why <entry>]
 * (`--why index` lists what each source module of the entry weighs, from esbuild's metafile).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

/** One entry bundled as a consumer's bundler would: minified ESM, `node:` (and maybe deps) external. */
function bundle(entryPoint: string, withDeps: boolean) {
  return build({
    entryPoints: [entryPoint],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    metafile: true,
    mainFields: ['module', 'main'],
    external: withDeps ? ['node:*'] : ['ky', 'zod', 'node:*'],
    logLevel: 'silent',
  });
}

async function measure(entry: string, withDeps: boolean): Promise<SizeRow> {
  const result = await bundle(join(root, 'dist', `${entry}.js`), withDeps);
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return {
    entry,
    withDeps,
    minifiedBytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
  };
}

/** Milliseconds a fresh Node process spends on `script`'s dynamic import(s) (it prints them). */
function freshImportMs(imports: string): number {
  const script = `const t=performance.now();await Promise.all([${imports}]);console.log(performance.now()-t)`;
  return Number(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
    }).trim(),
  );
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/** Cold import of the main entry against its dependencies' own cost. */
export interface ColdImport {
  /** Median of `import('kommo-sdk')` (dist/index.js), each in a fresh process, in ms. */
  sdkMs: number;
  /** Median of importing `zod` and `ky` together, each in a fresh process, in ms. */
  depsMs: number;
  /** `sdkMs / depsMs`: what the SDK's own modules add on top of loading zod and ky. */
  ratio: number;
  runs: number;
}

/**
 * Cold import time of the main entry and of zod + ky, `runs` fresh processes each, the two
 * interleaved so that background load hits both alike. The gate is `ratio ≤ 1.15`.
 */
export function coldImport(runs = 9): ColdImport {
  const sdk: number[] = [];
  const deps: number[] = [];
  const entry = JSON.stringify(join(root, 'dist/index.js'));
  for (let i = 0; i < runs; i++) {
    sdk.push(freshImportMs(`import(${entry})`));
    deps.push(freshImportMs("import('zod'),import('ky')"));
  }
  const sdkMs = median(sdk);
  const depsMs = median(deps);
  const round1 = (n: number): number => Math.round(n * 10) / 10;
  return {
    sdkMs: round1(sdkMs),
    depsMs: round1(depsMs),
    ratio: Math.round((sdkMs / depsMs) * 100) / 100,
    runs,
  };
}

/**
 * What each source module weighs in an entry (minified bytes in the bundle, dependencies
 * external), heaviest first: the esbuild metafile of a bundle of the entry's source.
 */
export async function moduleWeights(
  entry: string,
): Promise<Array<{ module: string; bytes: number }>> {
  // The entry's source, as tsup.config.ts names it: `src/index.ts`, else `src/<entry>/index.ts`.
  const folder = join(root, 'src', entry, 'index.ts');
  const source =
    entry !== 'index' && existsSync(folder) ? folder : join(root, 'src', `${entry}.ts`);
  const result = await bundle(source, false);
  const output = Object.values(result.metafile.outputs)[0];
  return Object.entries(output?.inputs ?? {})
    .map(([module, input]) => ({ module, bytes: input.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
}

export async function measureSizes(): Promise<SizeRow[]> {
  return [
    await measure('index', false),
    await measure('index', true),
    await measure('webhooks', false),
    await measure('webhooks', true),
    await measure('chats', false),
    await measure('chats', true),
    await measure('salesbot', false),
    await measure('salesbot', true),
  ];
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const rows = await measureSizes();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  for (const r of rows)
    console.log(
      `${r.entry.padEnd(9)} ${r.withDeps ? 'with deps   ' : 'without deps'}  min ${kb(r.minifiedBytes).padStart(10)}  gzip ${kb(r.gzipBytes).padStart(9)}`,
    );
  const cold = coldImport();
  console.log(
    `cold import: kommo-sdk ${cold.sdkMs} ms, zod + ky ${cold.depsMs} ms → ${cold.ratio}× (medians of ${cold.runs} fresh processes; reported, not gated: timing)`,
  );
  const why = process.argv.indexOf('--why');
  if (why !== -1) {
    const entry = process.argv[why + 1] ?? 'index';
    console.log(`\nheaviest modules of the ${entry} entry (minified bytes, before gzip):`);
    for (const { module, bytes } of (await moduleWeights(entry)).slice(0, 40))
      console.log(`${String(bytes).padStart(7)}  ${module}`);
  }
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
