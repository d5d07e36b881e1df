import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { Links } from '../../src/resources/links.js';
import { HOST, testClient } from '../support/client.js';
import { fixture } from './support.js';

const json = { 'content-type': 'application/hal+json' };

describe('links', () => {
  it("lists one entity's links: no entity_id, null metadata, fractional quantity", async () => {
    nock(HOST)
      .get('/api/v4/leads/7593303/links')
      .query({ page: '1', limit: '250' })
      .reply(200, fixture('links_list.json'), json);
    const links = await new Links(testClient()).list('leads', 7593303).toArray({ max: 10 });
    expect(links).toHaveLength(4);
    expect(links[0]).toMatchObject({
      to_entity_type: 'catalog_elements',
      metadata: { quantity: 1.5 },
    });
    expect(links[3]?.metadata).toBeNull();
    expect(links[0]?.entity_id).toBeUndefined();
  });

  it('links many entities in one request without request_id, matched by position', async () => {
    let body: unknown;
    const stored = [
      {
        entity_id: 1,
        entity_type: 'leads',
        to_entity_id: 10,
        to_entity_type: 'contacts',
        metadata: { main_contact: true },
      },
      {
        entity_id: 2,
        entity_type: 'leads',
        to_entity_id: 20,
        to_entity_type: 'companies',
        metadata: null,
      },
    ];
    nock(HOST)
      .post('/api/v4/leads/link', (b) => ((body = b), true))
      .reply(200, { _embedded: { links: stored } }, json);
    const result = await new Links(testClient()).linkMany('leads', [
      { entity_id: 1, to_entity_id: 10, to_entity_type: 'contacts', metadata: { is_main: true } },
      { entity_id: 2, to_entity_id: 20, to_entity_type: 'companies' },
    ]);
    expect(body).toEqual([
      { entity_id: 1, to_entity_id: 10, to_entity_type: 'contacts', metadata: { is_main: true } },
      { entity_id: 2, to_entity_id: 20, to_entity_type: 'companies' },
    ]);
    expect(result.map((l) => l.to_entity_id)).toEqual([10, 20]);
  });
});
