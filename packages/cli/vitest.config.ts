import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const sdk = (path: string): string => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));

export default defineConfig({
  // Unit tests import the CLI's source, which imports kommo-sdk: the SDK's source here. The
  // end-to-end tests run the built bin (dist/bin.js) against the built SDK, as users do.
  resolve: {
    alias: [
      { find: /^kommo-sdk$/, replacement: sdk('index.ts') },
      { find: /^kommo-sdk\/(webhooks|sandbox|redis)$/, replacement: sdk('$1/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
