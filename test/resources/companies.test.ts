import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { NotFoundError, RequestValidationError } from '../../src/index.js';
import { Companies } from '../../src/resources/companies.js';
import { HOST, testClient } from '../support/client.js';
import { hal, queryPairs } from './support.js';

const json = { 'content-type': 'application/hal+json' };

describe('companies', () => {
  it('lists with bracket filters and order, keeping unknown fields', async () => {
    let uri = '';
    nock(HOST)
      .get('/api/v4/companies')
      .query(true)
      .reply(function (u) {
        uri = u;
        return [200, hal('companies', [{ id: 1, name: 'Acme', future_field: { x: 1 } }]), json];
      });
    const page = await new Companies(testClient()).list({
      with: ['contacts'],
      filter: { name: 'Acme', responsible_user_id: [5, 6] },
      order: { id: 'desc' },
      limit: 10,
    });
    expect(page.items[0]).toMatchObject({ id: 1, future_field: { x: 1 } });
    expect(queryPairs(uri)).toEqual([
      ['with', 'contacts'],
      ['filter[name]', 'Acme'],
      ['filter[responsible_user_id][]', '5'],
      ['filter[responsible_user_id][]', '6'],
      ['order[id]', 'desc'],
      ['page', '1'],
      ['limit', '10'],
    ]);
  });

  it('creates with tags_to_add and refuses a misspelt key without sending', async () => {
    let body: unknown;
    nock(HOST)
      .post('/api/v4/companies', (b) => ((body = b), true))
      .reply(200, { _embedded: { companies: [{ id: 9, request_id: '0', _links: {} }] } }, json);
    const companies = new Companies(testClient());
    const ref = await companies.create({ name: 'Acme LLC', tags_to_add: [{ name: 'partner' }] });
    expect(ref.id).toBe(9);
    expect(body).toEqual([{ name: 'Acme LLC', tags_to_add: [{ name: 'partner' }] }]);
    await expect(companies.create({ nmae: 'x' } as never)).rejects.toBeInstanceOf(
      RequestValidationError,
    );
  });

  it('throws NotFoundError when Kommo answers 204 to a get', async () => {
    nock(HOST).get('/api/v4/companies/5').reply(204);
    await expect(new Companies(testClient()).get(5)).rejects.toBeInstanceOf(NotFoundError);
  });
});
