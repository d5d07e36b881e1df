import { defineConfig } from 'tsup';

const entry = {
  index: 'src/index.ts',
  webhooks: 'src/webhooks/index.ts',
  sandbox: 'src/sandbox/index.ts',
  redis: 'src/redis/index.ts',
  chats: 'src/chats/index.ts',
  'chats-file-inbox': 'src/chats/file-inbox.ts',
  salesbot: 'src/salesbot/index.ts',
};

// The .d.ts files honour tsconfig's `stripInternal`: an `@internal` declaration is dropped even
// when a public type names it, so schemas are never `@internal` (see src/schemas/index.ts).
// scripts/test-package.sh type-checks the packed declarations with skipLibCheck false.
//
// ky is ESM-only. A CJS build that `require`s it fails at run time
// (`import_ky.default.create is not a function`) while publint and attw still pass,
// so the CJS build bundles ky in; the ESM build keeps it external.
export default defineConfig([
  {
    entry: { ...entry, 'sandbox-cli': 'src/sandbox/cli.ts' },
    format: ['esm'],
    dts: { entry },
    sourcemap: false,
    clean: true,
    target: 'node20',
    splitting: true,
    // Keep `node:` specifiers: Deno and edge runtimes resolve only the prefixed form.
    removeNodeProtocol: false,
  },
  {
    entry,
    format: ['cjs'],
    dts: true,
    sourcemap: false,
    target: 'node20',
    removeNodeProtocol: false,
    noExternal: ['ky'],
  },
]);
