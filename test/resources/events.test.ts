import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { NotFoundError, RequestValidationError } from '../../src/index.js';
import { Events } from '../../src/resources/events.js';
import { HOST, testClient } from '../support/client.js';
import { fixture, hal, queryPairs } from './support.js';

const json = { 'content-type': 'application/hal+json' };

describe('events', () => {
  it('sends filters in [] form and value filters as comma lists, keeping unknown event types', async () => {
    let uri = '';
    nock(HOST)
      .get('/api/v4/events')
      .query(true)
      .reply(function (u) {
        uri = u;
        return [200, fixture('events_list.json'), json];
      });
    const page = await new Events(testClient()).list({
      with: ['lead_name'],
      filter: {
        type: ['entity_responsible_changed'],
        entity: ['lead'],
        entity_id: [26060763],
        value_after: { responsible_user_id: [504329, 37268] },
        created_at: { from: 1735843000 },
      },
    });
    expect(queryPairs(uri)).toEqual([
      ['with', 'lead_name'],
      ['filter[created_at][from]', '1735843000'],
      ['filter[entity][]', 'lead'],
      ['filter[entity_id][]', '26060763'],
      ['filter[type][]', 'entity_responsible_changed'],
      ['filter[value_after][responsible_user_id]', '504329,37268'],
      ['page', '1'],
      ['limit', '100'],
    ]);
    expect(page.items.at(-1)).toMatchObject({
      type: 'some_future_event_type',
      value_after: [{ something_new: { id: 1, extra: [1, 2, 3] } }],
    });
    expect(page.items[3]?.value_after?.[0]).toMatchObject({
      custom_field_value: { field_type: 8 },
    });
  });

  it('refuses entity_id with two entities without sending', async () => {
    await expect(
      new Events(testClient()).list({ filter: { entity: ['lead', 'contact'], entity_id: [1] } }),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });

  it('follows from a cursor: walks every page first, skips seen ids, yields oldest first', async () => {
    const ev = (id: string, at: number) => ({
      id,
      type: 'lead_added',
      created_at: at,
      entity_id: 1,
    });
    const queries: Array<Array<[string, string]>> = [];
    nock(HOST)
      .get('/api/v4/events')
      .query(true)
      .times(2)
      .reply(function (u) {
        const q = queryPairs(u);
        queries.push(q);
        const page = q.find(([k]) => k === 'page')?.[1];
        // Page 1 newest first and full (limit 2); page 2, the last, holds the boundary second.
        return page === '1'
          ? [200, hal('events', [ev('c', 1030), ev('b', 1020)]), json]
          : [
              200,
              {
                _links: { self: { href: 'x' } },
                _embedded: { events: [ev('a', 1000), ev('old', 1000)] },
              },
              json,
            ];
      });
    const follower = new Events(testClient()).follow(
      { cursor: { lastTs: 1000, seenIds: ['old'] }, limit: 2, once: true, settleSec: 5 },
      { now: () => 2_000_000 },
    );
    const seen: string[] = [];
    const cursors: unknown[] = [];
    for await (const event of follower) {
      seen.push(event.id);
      cursors.push(follower.cursor);
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(cursors).toEqual([
      { lastTs: 1000, seenIds: ['old', 'a'] },
      { lastTs: 1020, seenIds: ['b'] },
      { lastTs: 1030, seenIds: ['c'] },
    ]);
    expect(queries[0]).toContainEqual(['filter[created_at][from]', '1000']);
    expect(queries[0]).toContainEqual(['filter[created_at][to]', '1995']);
    expect(follower.polls).toBe(1);
  });

  it('reads event types in a language and gets one event by its string id', async () => {
    nock(HOST)
      .get('/api/v4/events/types')
      .query({ language_code: 'en' })
      .reply(
        200,
        {
          _total_items: 1,
          _embedded: { events_types: [{ key: 'lead_added', type: 1, lang: 'New lead' }] },
        },
        json,
      )
      .get('/api/v4/events/01pz58t6p04ymgsgfbmfyfy1mf')
      .reply(204);
    const events = new Events(testClient());
    expect(await events.types({ language_code: 'en' })).toEqual([
      { key: 'lead_added', type: 1, lang: 'New lead' },
    ]);
    await expect(events.get('01pz58t6p04ymgsgfbmfyfy1mf')).rejects.toBeInstanceOf(NotFoundError);
    await expect(events.get('../leads')).rejects.toBeInstanceOf(RequestValidationError);
  });
});
