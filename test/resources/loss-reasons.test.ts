import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { LossReasons } from '../../src/resources/loss-reasons.js';
import { HOST, testClient } from '../support/client.js';

const json = { 'content-type': 'application/hal+json' };

describe('lossReasons', () => {
  it('updates a loss reason answered at the top level and deletes one', async () => {
    nock(HOST)
      .patch('/api/v4/leads/loss_reasons/7323', { name: 'Price' })
      .reply(200, { id: 7323, name: 'Price', sort: 1 }, json)
      .delete('/api/v4/leads/loss_reasons/7323')
      .reply(204);
    const reasons = new LossReasons(testClient());
    expect(await reasons.update(7323, { name: 'Price' })).toMatchObject({
      id: 7323,
      name: 'Price',
    });
    await reasons.delete(7323);
  });
});
