import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { HOST, testClient } from '../support/client.js';
import { fixture } from './support.js';

describe('currencies', () => {
  it('lists currency codes', async () => {
    nock(HOST)
      .get('/api/v4/currencies')
      .query({ page: '1', limit: '250' })
      .reply(200, fixture('currencies_list.json'), { 'content-type': 'application/hal+json' });
    const codes = (await testClient().currencies.list().toArray({ max: 10 })).map((c) => c.code);
    expect(codes).toEqual(['RUB', 'USD', 'EUR']);
  });
});
