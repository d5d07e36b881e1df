import { defineConfig } from 'vitest/config';

// `npm run test:redis`: tests against a real redis-server started by test/redis/global-setup.ts.
export default defineConfig({
  test: {
    include: ['test/redis/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    globalSetup: ['test/redis/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
