import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { fixture } from './support.js';

const json = { 'content-type': 'application/hal+json' };

describe('customers', () => {
  it('lists customers with segments, tags, null statuses and unknown keys', async () => {
    nock(HOST)
      .get('/api/v4/customers')
      .query({ page: '1', limit: '2' })
      .reply(200, fixture('customers_list.json'), json);
    const page = await testClient().customers.list({ limit: 2 });
    const [acme, blank] = page.items;
    expect(acme).toMatchObject({ id: 134923, ltv: 32000, purchases_count: 3, status_id: 4051 });
    expect(acme?._embedded?.tags?.[0]).toMatchObject({ name: 'wholesale' });
    expect(blank?.status_id).toBeNull();
    expect(blank?.custom_fields_values?.[0]?.values?.[0]?.value).toBe('CARD-0042');
  });

  it('switches the mode with PATCH /api/v4/customers/mode', async () => {
    nock(HOST)
      .patch('/api/v4/customers/mode', { mode: 'segments', is_enabled: true })
      .reply(202, { mode: 'segments', is_enabled: true }, json);
    expect(await testClient().customers.setMode({ mode: 'segments', is_enabled: true })).toEqual({
      mode: 'segments',
      is_enabled: true,
    });
  });

  it('adds a purchase with accrue_bonus in the query and earns points with one key', async () => {
    nock(HOST)
      .post('/api/v4/customers/134923/transactions', [{ price: 1500, request_id: '0' }])
      .query({ accrue_bonus: 'false' })
      .reply(
        200,
        { _embedded: { transactions: [{ id: 71, customer_id: 134923, request_id: '0' }] } },
        json,
      )
      .post('/api/v4/customers/134923/bonus_points', { earn: 50 })
      .reply(200, { bonus_points: 150 }, json);
    const kommo = testClient();
    const tx = await kommo.customers.transactions.create(
      134923,
      { price: 1500 },
      { accrueBonus: false },
    );
    expect(tx.id).toBe(71);
    expect(await kommo.customers.bonusPoints.earn(134923, 50)).toEqual({ bonus_points: 150 });
  });

  it('refuses a segment colour Kommo does not offer and negative points before sending', async () => {
    const kommo = testClient();
    await expect(
      kommo.customers.segments.create({ name: 'X', color: '#ff0000' as never }),
    ).rejects.toBeInstanceOf(RequestValidationError);
    await expect(kommo.customers.bonusPoints.redeem(1, -5)).rejects.toBeInstanceOf(
      RequestValidationError,
    );
  });
});
