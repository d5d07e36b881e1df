import { afterAll, beforeAll, beforeEach } from 'vitest';
import { Kommo } from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

/**
 * One sandbox for the test file (started before the first test, reset before each, closed after
 * the last) and clients of it: no pacing, no waiting between retries.
 */
export function useSandbox(): { sandbox: () => Sandbox; client: () => Kommo } {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimit: false });
  });
  beforeEach(() => sandbox?.reset());
  afterAll(() => sandbox?.close());
  const current = (): Sandbox => {
    if (!sandbox) throw new Error('useSandbox(): the sandbox starts in beforeAll');
    return sandbox;
  };
  return {
    sandbox: current,
    client: () =>
      new Kommo({
        baseUrl: current().url,
        accessToken: current().accessToken,
        rateLimit: false,
        retry: { sleep: async () => {} },
      }),
  };
}
