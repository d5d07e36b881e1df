import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { HOST, testClient } from '../support/client.js';
import { fixture } from './support.js';

describe('entitySubscriptions', () => {
  it('lists the users and groups following a lead, and no one on a 204', async () => {
    nock(HOST)
      .get('/api/v4/leads/9812031/subscriptions')
      .query({ page: '1', limit: '250' })
      .reply(200, fixture('entity_subscriptions_list.json'), {
        'content-type': 'application/hal+json',
      })
      .get('/api/v4/customers/77/subscriptions')
      .query({ page: '1', limit: '250' })
      .reply(204);
    const kommo = testClient();
    expect(await kommo.entitySubscriptions.list('leads', 9812031).toArray({ max: 10 })).toEqual([
      { subscriber_id: 504141, type: 'user' },
      { subscriber_id: 12, type: 'group' },
    ]);
    expect(await kommo.entitySubscriptions.list('customers', 77).toArray({ max: 10 })).toEqual([]);
  });
});
