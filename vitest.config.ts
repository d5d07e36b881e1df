import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string): string => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  // The examples import the package by name (tsconfig `paths` do the same for tsc and tsx).
  resolve: {
    alias: [
      { find: /^kommo-sdk$/, replacement: src('index.ts') },
      { find: /^kommo-sdk\/chats\/file-inbox$/, replacement: src('chats/file-inbox.ts') },
      {
        find: /^kommo-sdk\/(webhooks|sandbox|redis|chats|salesbot)$/,
        replacement: src('$1/index.ts'),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/redis/**', 'node_modules/**'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    coverage: {
      provider: 'v8',
      include: ['src/**'],
      // kommo-sdk/redis is covered by `npm run test:redis`; the CLI runs in child processes.
      exclude: ['src/redis/**', 'src/sandbox/cli.ts'],
      reporter: ['text-summary', 'json-summary'],
      // Floors from the 0.1.0 measurement (lines 91.2 %, statements 88.4 %, functions 91.0 %,
      // branches 77.8 %), a point below so noise does not fail CI.
      thresholds: { lines: 90, statements: 87, functions: 90, branches: 76 },
    },
  },
});
