import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { fixture } from './support.js';

const json = { 'content-type': 'application/hal+json' };

describe('talks', () => {
  it('reads a talk by its talk_id and closes it with a forced close (202, no body)', async () => {
    nock(HOST)
      .get('/api/v4/talks/1037')
      .reply(200, fixture('talk_single.json'), json)
      .post('/api/v4/talks/1037/close', { force_close: true })
      .reply(202);
    const kommo = testClient();
    const talk = await kommo.talks.get(1037);
    expect(talk).toMatchObject({ talk_id: 1037, entity_type: 'lead', missed_at: null });
    await expect(kommo.talks.close(1037, { force_close: true })).resolves.toBeUndefined();
  });

  it('lists only open talks with only_in_work and refuses an unknown close key', async () => {
    nock(HOST)
      .get('/api/v4/talks')
      .query({ 'filter[only_in_work]': '1', page: '1', limit: '250' })
      .reply(200, { _embedded: { talks: [fixture('talk_single.json')] } }, json);
    const kommo = testClient();
    const open = await kommo.talks.list({ filter: { only_in_work: true } }).toArray({ max: 5 });
    expect(open.map((t) => t.talk_id)).toEqual([1037]);
    await expect(kommo.talks.close(1037, { nps: true } as never)).rejects.toBeInstanceOf(
      RequestValidationError,
    );
  });
});
