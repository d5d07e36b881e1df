import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { RequestValidationError, embeddedIds } from '../../src/index.js';
import { UnsortedLeads } from '../../src/resources/unsorted.js';
import { HOST, testClient } from '../support/client.js';

const json = { 'content-type': 'application/hal+json' };

describe('unsorted', () => {
  it('creates a form as a bare array and declines with a DELETE body', async () => {
    const bodies: unknown[] = [];
    nock(HOST)
      .post('/api/v4/leads/unsorted/forms', (b) => (bodies.push(b), true))
      .reply(
        200,
        {
          _total_items: 1,
          _embedded: {
            unsorted: [{ uid: 'abc123', request_id: 'f1', _embedded: { leads: [{ id: 5 }] } }],
          },
        },
        json,
      )
      .delete('/api/v4/leads/unsorted/abc123/decline', (b) => (bodies.push(b), true))
      .reply(200, { uid: 'abc123', _embedded: { leads: [{ id: 5 }], contacts: [] } }, json);
    const unsorted = new UnsortedLeads(testClient());
    const form = {
      source_uid: 'landing-42',
      source_name: 'Website form',
      metadata: {
        form_id: 'contact-us',
        form_name: 'Contact us',
        form_page: 'https://example.com',
        form_sent_at: 1717430400,
      },
      _embedded: { leads: [{ name: 'Request from site' }] },
      request_id: 'f1',
    };
    const [ref] = await unsorted.createForms([form]);
    expect(ref).toMatchObject({ uid: 'abc123', _embedded: { leads: [{ id: 5 }] } });
    const result = await unsorted.decline('abc123', { user_id: 7 });
    expect(embeddedIds(result._embedded?.leads)).toEqual([5]);
    expect(bodies).toEqual([[form], { user_id: 7 }]);
    await expect(
      unsorted.createForms([{ ...form, _embedded: { leads: [] } }]),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });
});
