import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { BatchError } from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { fixture } from './support.js';

const json = { 'content-type': 'application/hal+json' };
const link = (entity_id: number) => ({
  url: 'https://shop.example.com/sale',
  metadata: { entity_type: 'contacts' as const, entity_id },
});

describe('shortLinks', () => {
  it('sends no request ids and matches the answer to the inputs by contact', async () => {
    nock(HOST)
      .post('/api/v4/short_links', [link(11070881)])
      .reply(200, fixture('short_links_created.json'), json);
    const made = await testClient().shortLinks.create(link(11070881));
    expect(made.url).toBe('https://amo.sh/A1b2C3');
  });

  it('fails the contacts Kommo skipped and keeps the others', async () => {
    nock(HOST).post('/api/v4/short_links').reply(200, fixture('short_links_created.json'), json);
    const error = await testClient()
      .shortLinks.createMany([link(42), link(11070881)])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchError);
    const results = (error as BatchError).results;
    expect(results.map((r) => r.status)).toEqual(['failed', 'applied']);
  });
});
