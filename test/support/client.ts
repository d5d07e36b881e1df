import { Kommo, type KommoOptions } from '../../src/index.js';

/** The host used with nock. */
export const HOST = 'https://acme.kommo.com';

/** Client options where `undefined` removes a default (e.g. `domain: undefined` with `baseUrl`). */
export type TestClientOptions = { [K in keyof KommoOptions]?: KommoOptions[K] | undefined };

/** A client for nock tests: no pacing, no waiting between retries. */
export function testClient(options: TestClientOptions = {}): Kommo {
  const merged: Record<string, unknown> = {
    domain: 'acme.kommo.com',
    accessToken: 'test-token-0123456789',
    rateLimit: false,
    retry: { baseDelayMs: 0, maxDelayMs: 0, sleep: async () => {} },
    ...options,
  };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return new Kommo(merged);
}
