/**
 * Checks that the packed declarations export every name the source entries export.
 *
 * `stripInternal` drops any declaration whose leading comment holds the TSDoc internal tag,
 * even a `//` comment above an `export type { … }` list, and nothing else reports it: the name
 * just disappears from the .d.ts. This compares, for each entry in `exports`, the names the
 * source entry exports with those of its packed `.d.ts` and `.d.cts`; a name may be missing
 * only when its declaration carries the tag on purpose.
 *
 * Run by scripts/test-package.sh: `tsx scripts/check-dts-exports.ts <installed package dir>`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const root = join(import.meta.dirname, '..');
const installed = process.argv[2];
if (installed === undefined) throw new Error('usage: check-dts-exports.ts <installed package dir>');

interface Conditions {
  import: { types: string };
  require: { types: string };
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, Conditions | string>;
};

/**
 * `.` → src/index.ts, `./webhooks` → src/webhooks/index.ts, `./chats/file-inbox` →
 * src/chats/file-inbox.ts: the layouts an entry follows.
 */
const entries = Object.entries(pkg.exports).flatMap(([key, value]) => {
  if (typeof value === 'string') return [];
  const folder = join(root, 'src', key === '.' ? '' : key.slice(2), 'index.ts');
  const file = join(root, 'src', `${key.slice(2)}.ts`);
  const source = existsSync(folder) ? folder : file;
  if (!existsSync(source)) throw new Error(`exports["${key}"]: no ${folder} nor ${file}`);
  const dts = [value.import.types, value.require.types].map((file) => join(installed, file));
  return [{ key, source, dts }];
});

/** The exported names of each file, each with its own declaration (aliases resolved). */
function exportsOf(files: string[]): Map<string, Map<string, ts.Symbol>> {
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  return new Map(
    files.map((file) => {
      const sourceFile = program.getSourceFile(file);
      const module = sourceFile && checker.getSymbolAtLocation(sourceFile);
      if (module === undefined) throw new Error(`cannot read the exports of ${file}`);
      const names = checker
        .getExportsOfModule(module)
        .map(
          (s) =>
            [s.name, s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s] as const,
        );
      return [file, new Map(names)];
    }),
  );
}

const sources = exportsOf(entries.map((e) => e.source));
const declarations = exportsOf(entries.flatMap((e) => e.dts));

function taggedInternal(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some((d) =>
    ts.getJSDocTags(d).some((tag) => tag.tagName.text === 'internal'),
  );
}

const problems: string[] = [];
let checked = 0;
for (const { key, source, dts } of entries) {
  const expected = sources.get(source) ?? new Map<string, ts.Symbol>();
  for (const file of dts) {
    const actual = declarations.get(file) ?? new Map<string, ts.Symbol>();
    for (const [name, symbol] of expected) {
      checked++;
      if (!actual.has(name) && !taggedInternal(symbol)) {
        problems.push(`${key}: ${name} is exported by the source but not by ${file}`);
      }
    }
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`declarations export every source name (${checked} checks)`);
