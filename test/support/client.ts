import { Kommo, type KommoOptions } from '../../src/index.js';

/** The host used with nock. */
export const HOST = 'https://acme.kommo.com';

/** A client for nock tests: no pacing, no waiting between retries. */
export function testClient(options: Partial<KommoOptions> = {}): Kommo {
  return new Kommo({
    domain: 'acme.kommo.com',
    accessToken: 'test-token-0123456789',
    rateLimit: false,
    retry: { baseDelayMs: 0, maxDelayMs: 0, sleep: async () => {} },
    ...options,
  } as KommoOptions);
}
