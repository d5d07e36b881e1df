/**
 * Type-checks every ```ts code block of README.md and docs/*.md against the SDK's sources.
 *
 * Each block becomes a module in .tmp/docs-check/ that imports `kommo-sdk` (mapped to src/);
 * the few free names the prose relies on (`kommo`, `query`, …) are declared in a prelude.
 * Run: npx tsx scripts/check-docs.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const out = join(root, '.tmp', 'docs-check');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// A block without imports is a continuation of the prose before it: give it the SDK names it
// uses (runtime exports of each entry), as a reader would have them in scope.
const entries: Array<[string, string[]]> = [];
for (const [specifier, file] of [
  ['kommo-sdk', 'src/index.ts'],
  ['kommo-sdk/webhooks', 'src/webhooks/index.ts'],
  ['kommo-sdk/sandbox', 'src/sandbox/index.ts'],
  ['kommo-sdk/redis', 'src/redis/index.ts'],
  ['kommo-sdk/chats', 'src/chats/index.ts'],
  ['kommo-sdk/chats/file-inbox', 'src/chats/file-inbox.ts'],
  ['kommo-sdk/salesbot', 'src/salesbot/index.ts'],
] as const) {
  const mod = (await import(join(root, file))) as Record<string, unknown>;
  entries.push([specifier, Object.keys(mod)]);
}
function autoImports(code: string): string {
  if (/^\s*import\s/m.test(code)) return '';
  const taken = new Set<string>();
  const lines: string[] = [];
  for (const [specifier, names] of entries) {
    const used = names.filter((n) => !taken.has(n) && new RegExp(`\\b${n}\\b`).test(code));
    used.forEach((n) => taken.add(n));
    if (used.length > 0) lines.push(`import { ${used.join(', ')} } from '${specifier}';`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

const files = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
let count = 0;
for (const file of files) {
  const text = readFileSync(join(root, file), 'utf8');
  const blocks = [...text.matchAll(/```(?:ts|typescript|tsx)\n([\s\S]*?)```/g)];
  blocks.forEach((match, i) => {
    const name = `${file.replace(/[/.]/g, '_')}_${i + 1}.ts`;
    const code = match[1] ?? '';
    writeFileSync(
      join(out, name),
      `// ${file}, block ${i + 1}\n${autoImports(code)}${code}\nexport {};\n`,
    );
    count++;
  });
}

writeFileSync(
  join(out, 'prelude.d.ts'),
  `import type { Kommo, TokenSet as SdkTokenSet } from 'kommo-sdk';
import type { Sandbox } from 'kommo-sdk/sandbox';
import type { Redis } from 'ioredis';
declare global {
  /** A client, as the prose assumes one exists. */
  const kommo: Kommo;
  const sandbox: Sandbox;
  const redis: Redis;
  const request: Request;
  const handler: (request: Request) => Promise<Response>;
  const secret: string;
  const destination: string;
  function forgetAccount(accountId: number): Promise<void>;
  function thankYou(leadId: number): Promise<void>;
  function assignManager(leadId: number): Promise<void>;
  function syncCompany(companyId: number): Promise<void>;
  const accessToken: string;
  const query: { code: string; referer: string; state: string };
  const metrics: { timing(name: string, ms: number | undefined): void; increment(name: string): void };
  type TokenSet = SdkTokenSet;
}
export {};
`,
);
writeFileSync(
  join(out, 'tsconfig.json'),
  JSON.stringify(
    {
      extends: relative(out, join(root, 'tsconfig.json')),
      compilerOptions: {
        noUnusedLocals: false,
        noUnusedParameters: false,
        // Snippets read `process.env.X` like users do.
        noPropertyAccessFromIndexSignature: false,
        paths: {
          'kommo-sdk': [relative(out, join(root, 'src/index.ts'))],
          'kommo-sdk/chats/file-inbox': [relative(out, join(root, 'src/chats/file-inbox.ts'))],
          'kommo-sdk/*': [relative(out, join(root, 'src')) + '/*/index.ts'],
          'kommo-cli/account': [relative(out, join(root, 'packages/cli/src/account.ts'))],
        },
      },
      include: ['./*.ts'],
    },
    null,
    2,
  ),
);
try {
  execFileSync(
    join(root, 'node_modules/.bin/tsc'),
    ['-p', join(out, 'tsconfig.json'), '--noEmit'],
    { stdio: 'inherit' },
  );
} catch {
  console.error(
    `\nSome code blocks in the docs do not type-check (files in ${relative(root, out)}).`,
  );
  process.exit(1);
}
console.log(`docs: ${count} code blocks type-check`);
