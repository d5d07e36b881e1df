import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export default defineConfig({
  // In-process tests import the server's source, which imports kommo-sdk and kommo-cli/account:
  // their sources here. The end-to-end tests start the built bin (dist/bin.js) as a child
  // process, against the built SDK and CLI, as users do.
  resolve: {
    alias: [
      { find: /^kommo-sdk$/, replacement: root('src/index.ts') },
      { find: /^kommo-sdk\/(webhooks|sandbox|redis)$/, replacement: root('src/$1/index.ts') },
      { find: /^kommo-cli\/account$/, replacement: root('packages/cli/src/account.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
