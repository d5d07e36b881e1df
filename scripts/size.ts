/**
 * Bundle size of the published entries, measured with esbuild (it comes with tsup): minified
 * and gzipped, with and without dependencies, plus the cold import time of the main entry.
 * An entry's row is what importing it loads; the chunks it loads on demand (`import()` of its
 * own files: the Drive engine of `kommo.files`) are a row of their own, `<entry>-lazy`, counting
 * only what they add. `--check` fails when an entry grows past `size-budget.json`.
 *
 * Run after `npm run build`: npx tsx scripts/size.ts [--check] [--json]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

const root = join(import.meta.dirname, '..');

export interface SizeRow {
  entry: string;
  withDeps: boolean;
  minifiedBytes: number;
  gzipBytes: number;
}

/** Leaves out the package's own files loaded by `import()`, and (for a lazy row) `loaded` ones. */
function onDemand(lazy: Set<string>, loaded: ReadonlySet<string>): Plugin {
  return {
    name: 'on-demand',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        const path = join(args.resolveDir, args.path);
        if (args.kind === 'dynamic-import') {
          lazy.add(path);
          return { path, external: true };
        }
        return loaded.has(path) ? { path, external: true } : undefined;
      });
    },
  };
}

async function bundle(
  input: { entry: string } | { lazy: readonly string[] },
  withDeps: boolean,
  loaded: ReadonlySet<string> = new Set(),
): Promise<{ code: Uint8Array; inputs: Set<string>; lazy: Set<string> }> {
  const lazy = new Set<string>();
  const result = await build({
    ...('entry' in input
      ? { entryPoints: [join(root, 'dist', `${input.entry}.js`)] }
      : {
          stdin: {
            contents: input.lazy.map((f) => `export * from ${JSON.stringify(f)};`).join('\n'),
            resolveDir: join(root, 'dist'),
          },
        }),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    metafile: true,
    mainFields: ['module', 'main'],
    external: withDeps ? ['node:*'] : ['ky', 'zod', 'node:*'],
    plugins: [onDemand(lazy, loaded)],
    logLevel: 'silent',
  });
  const inputs = new Set(Object.keys(result.metafile.inputs).map((f) => join(process.cwd(), f)));
  return { code: result.outputFiles[0]?.contents ?? new Uint8Array(), inputs, lazy };
}

function row(entry: string, withDeps: boolean, code: Uint8Array): SizeRow {
  return {
    entry,
    withDeps,
    minifiedBytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
  };
}

/** The entry's row and, when it loads chunks on demand, the `-lazy` row of what they add. */
async function measureEntry(entry: string, withDeps: boolean): Promise<SizeRow[]> {
  const eager = await bundle({ entry }, withDeps);
  const rows = [row(entry, withDeps, eager.code)];
  if (eager.lazy.size > 0) {
    const lazy = await bundle({ lazy: [...eager.lazy] }, withDeps, eager.inputs);
    rows.push(row(`${entry}-lazy`, withDeps, lazy.code));
  }
  return rows;
}

async function measure(entry: string, withDeps: boolean): Promise<SizeRow> {
  const [main] = await measureEntry(entry, withDeps);
  return main ?? row(entry, withDeps, new Uint8Array());
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
    ...(await measureEntry('index', false)),
    ...(await measureEntry('index', true)),
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
