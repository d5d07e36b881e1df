import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { HOST, testClient } from '../support/client.js';

describe('Kommo.request', () => {
  it('sends the bearer token and returns the parsed body', async () => {
    nock(HOST, { reqheaders: { authorization: 'Bearer test-token-0123456789' } })
      .get('/api/v4/account')
      .reply(200, { id: 1 }, { 'content-type': 'application/hal+json' });
    await expect(testClient().request({ method: 'GET', path: '/api/v4/account' })).resolves.toEqual(
      { id: 1 },
    );
  });
});
