/**
 * The import rules of docs/architecture.md, checked on what ships: the entries of
 * tsup.config.ts bundled and split the way tsup builds them (esbuild, ESM, shared chunks), read
 * from esbuild's metafile. eslint.config.js holds the same rules per file, for the editor.
 */
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import tsupConfig from '../tsup.config.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The published entries, by output name, as tsup.config.ts lists them. */
function entries(): Record<string, string> {
  const configs = Array.isArray(tsupConfig) ? tsupConfig : [tsupConfig];
  const entry = (configs as Array<{ entry?: unknown }>)[0]?.entry;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new Error('tsup.config.ts: expected an entry object');
  }
  return entry as Record<string, string>;
}

/** The modules kommo-sdk/webhooks may load: its own, and the Web-only core it shares. */
const WEB_ONLY = [
  /^src\/webhooks\//,
  /^src\/core\/errors\.ts$/,
  /^src\/core\/crypto\.ts$/,
  /^src\/core\/redact\.ts$/,
  /^src\/facts\.ts$/,
];

/** Every module a built entry loads: its file and the chunks it imports, transitively. */
function loadedBy(meta: Metafile, output: string): { modules: string[]; externals: string[] } {
  const seen = new Set<string>();
  const externals = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of meta.outputs[file]?.imports ?? []) {
      if (imported.external) externals.add(imported.path);
      else visit(imported.path);
    }
  };
  visit(output);
  const modules = [...seen].flatMap((file) => Object.keys(meta.outputs[file]?.inputs ?? {}));
  return { modules, externals: [...externals] };
}

/** The rules of docs/architecture.md; returns one line per violation. */
function violations(meta: Metafile): string[] {
  const found: string[] = [];
  const outputOf = (entry: string) =>
    Object.keys(meta.outputs).find((o) => meta.outputs[o]?.entryPoint === entry);

  // The main entry never loads sandbox or Redis code.
  const main = outputOf('src/index.ts');
  if (main) {
    for (const module of loadedBy(meta, main).modules) {
      if (/^src\/(sandbox|redis)\//.test(module)) found.push(`main entry loads ${module}`);
    }
  }

  // kommo-sdk/webhooks stays Web-only and shares no chunk beyond the modules it uses.
  const webhooks = outputOf('src/webhooks/index.ts');
  if (webhooks) {
    const { modules, externals } = loadedBy(meta, webhooks);
    for (const module of modules) {
      if (!WEB_ONLY.some((allowed) => allowed.test(module))) {
        found.push(`kommo-sdk/webhooks loads ${module}`);
      }
    }
    for (const external of externals) found.push(`kommo-sdk/webhooks imports ${external}`);
  }

  for (const [file, input] of Object.entries(meta.inputs)) {
    for (const { path } of input.imports) {
      // Only src/core/http.ts imports ky.
      if (path === 'ky' && file !== 'src/core/http.ts') found.push(`${file} imports ky`);
      // Resources never import helpers, nor each other (the base and the shared bases excepted).
      if (file.startsWith('src/resources/') && file !== 'src/resources/index.ts') {
        if (path.startsWith('src/helpers/')) found.push(`${file} imports ${path}`);
        if (/^src\/resources\/(?!resource\.ts$|bases\.ts$)/.test(path)) {
          found.push(`${file} imports ${path}`);
        }
      }
    }
  }
  return found;
}

async function bundle(): Promise<Metafile> {
  const { metafile } = await build({
    absWorkingDir: ROOT,
    entryPoints: entries(),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    outdir: 'dist-check',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return metafile;
}

/** A metafile of one entry whose modules import what `imports` says. */
function fake(entry: string, imports: Record<string, string[]>): Metafile {
  const inputs: Metafile['inputs'] = {};
  for (const [file, paths] of Object.entries(imports)) {
    inputs[file] = {
      bytes: 1,
      imports: paths.map((path) => ({ path, kind: 'import-statement', external: path === 'ky' })),
    };
  }
  const outputs: Metafile['outputs'] = {
    'out/entry.js': {
      bytes: 1,
      entryPoint: entry,
      exports: [],
      imports: Object.values(imports)
        .flat()
        .filter((p) => !p.startsWith('src/'))
        .map((path) => ({ path, kind: 'import-statement', external: true })),
      inputs: Object.fromEntries(Object.keys(imports).map((f) => [f, { bytesInOutput: 1 }])),
    },
  };
  return { inputs, outputs };
}

describe('the architecture rules', () => {
  it('hold for every published entry as tsup bundles it', async () => {
    const meta = await bundle();
    expect(Object.keys(entries())).toEqual(expect.arrayContaining(['index', 'webhooks']));
    expect(violations(meta)).toEqual([]);
    // The check saw the real graph: the client loads ky through the HTTP core only.
    expect(meta.inputs['src/core/http.ts']?.imports.map((i) => i.path)).toContain('ky');
  });

  it.each([
    [
      'the main entry loading the sandbox',
      fake('src/index.ts', {
        'src/index.ts': ['src/sandbox/index.ts'],
        'src/sandbox/index.ts': [],
      }),
      'main entry loads src/sandbox/index.ts',
    ],
    [
      'the main entry loading Redis code',
      fake('src/index.ts', { 'src/index.ts': [], 'src/redis/lock.ts': [] }),
      'main entry loads src/redis/lock.ts',
    ],
    [
      'a resource importing a helper',
      fake('src/resources/leads.ts', { 'src/resources/leads.ts': ['src/helpers/stages.ts'] }),
      'src/resources/leads.ts imports src/helpers/stages.ts',
    ],
    [
      'a resource importing another resource',
      fake('src/resources/leads.ts', { 'src/resources/leads.ts': ['src/resources/contacts.ts'] }),
      'src/resources/leads.ts imports src/resources/contacts.ts',
    ],
    [
      'ky imported outside the HTTP core',
      fake('src/core/batch.ts', { 'src/core/batch.ts': ['ky'] }),
      'src/core/batch.ts imports ky',
    ],
    [
      'kommo-sdk/webhooks loading the HTTP core',
      fake('src/webhooks/index.ts', { 'src/webhooks/index.ts': [], 'src/core/http.ts': [] }),
      'kommo-sdk/webhooks loads src/core/http.ts',
    ],
    [
      'kommo-sdk/webhooks importing zod',
      fake('src/webhooks/index.ts', { 'src/webhooks/index.ts': ['zod'] }),
      'kommo-sdk/webhooks imports zod',
    ],
    [
      'kommo-sdk/webhooks importing a node: module',
      fake('src/webhooks/index.ts', { 'src/webhooks/index.ts': ['node:crypto'] }),
      'kommo-sdk/webhooks imports node:crypto',
    ],
  ])('fail on %s', (_name, meta, expected) => {
    expect(violations(meta)).toContain(expected);
  });
});
