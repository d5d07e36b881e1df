import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../../src/index.js';
import { Tags } from '../../src/resources/tags.js';
import { HOST, testClient } from '../support/client.js';

const json = { 'content-type': 'application/hal+json' };

describe('tags', () => {
  it('adds tags with tags_to_add so other tags stay', async () => {
    let body: unknown;
    nock(HOST)
      .patch('/api/v4/leads/42', (b) => ((body = b), true))
      .reply(200, { _embedded: { leads: [{ id: 42, updated_at: 5 }] } }, json);
    await new Tags(testClient()).add('leads', 42, ['vip', { id: 2707 }]);
    expect(body).toEqual({ tags_to_add: [{ name: 'vip' }, { id: 2707 }] });
  });

  it('removes with tags_to_delete and batches changes per entity', async () => {
    const bodies: unknown[] = [];
    nock(HOST)
      .patch('/api/v4/contacts/7', (b) => (bodies.push(b), true))
      .reply(200, { id: 7, updated_at: 5 }, json)
      .patch('/api/v4/contacts', (b) => (bodies.push(b), true))
      .reply(
        200,
        {
          _embedded: {
            contacts: [
              { id: 7, request_id: '0' },
              { id: 8, request_id: '1' },
            ],
          },
        },
        json,
      );
    const tags = new Tags(testClient());
    await tags.remove('contacts', 7, ['old']);
    const refs = await tags.changeMany('contacts', [
      { id: 7, add: ['a'] },
      { id: 8, remove: [{ id: 3 }] },
    ]);
    expect(bodies).toEqual([
      { tags_to_delete: [{ name: 'old' }] },
      [
        { id: 7, tags_to_add: [{ name: 'a' }], request_id: '0' },
        { id: 8, tags_to_delete: [{ id: 3 }], request_id: '1' },
      ],
    ]);
    expect(refs.map((r) => r.id)).toEqual([7, 8]);
  });

  it('refuses a color on a contact tag without sending', async () => {
    await expect(
      new Tags(testClient()).create('contacts', { name: 'vip', color: 'EBEBEB' }),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });
});
