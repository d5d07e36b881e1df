import nock from 'nock';
import { afterAll, afterEach, beforeAll } from 'vitest';

// No test may reach the network: only loopback servers (the sandbox, node:http fakes).
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  if (pending.length > 0) throw new Error(`Unused nock interceptors: ${pending.join(', ')}`);
});

afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});
