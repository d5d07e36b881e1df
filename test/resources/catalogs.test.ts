import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { Catalogs } from '../../src/resources/catalogs.js';
import { HOST, testClient } from '../support/client.js';

const json = { 'content-type': 'application/hal+json' };

describe('catalogs', () => {
  it('creates catalog elements and reads back a numeric request_id', async () => {
    nock(HOST)
      .post('/api/v4/catalogs/4521/elements', [{ name: 'Phone X', request_id: '0' }])
      .reply(
        200,
        {
          _embedded: {
            elements: [
              { id: 597393, catalog_id: 4521, name: 'Phone X', request_id: 0, is_deleted: null },
            ],
          },
        },
        json,
      );
    const [element] = await new Catalogs(testClient()).elements.createMany(4521, [
      { name: 'Phone X' },
    ]);
    expect(element).toMatchObject({ id: 597393, request_id: 0, is_deleted: null });
  });
});
