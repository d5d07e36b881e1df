import nock from 'nock';
import { afterAll, afterEach, beforeAll } from 'vitest';

// No test may reach the network: only loopback servers (the sandbox, node:http fakes).
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
});

afterEach(() => {
  // Pacing and breakers are process-wide per account (kommo-sdk.pacing.v1 on globalThis):
  // each test starts with fresh budgets and closed breakers.
  delete (globalThis as Record<symbol, unknown>)[Symbol.for('kommo-sdk.pacing.v1')];
  const pending = nock.pendingMocks();
  nock.cleanAll();
  if (pending.length > 0) throw new Error(`Unused nock interceptors: ${pending.join(', ')}`);
});

afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});
