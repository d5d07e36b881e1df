import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  NotFoundError,
  RequestValidationError,
  cf,
  getEmails,
  getFieldValue,
  getPhones,
  embeddedIds,
} from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { fixture, queryPairs } from './support.js';

const json = { 'content-type': 'application/hal+json' };

describe('contacts.list and search', () => {
  it('parses multitext phones and e-mails, the legacy enum and null custom fields', async () => {
    nock(HOST)
      .get('/api/v4/contacts')
      .query({ with: 'leads', page: '1', limit: '3' })
      .reply(200, fixture('contacts_list_multitext.json'), json);
    const page = await testClient().contacts.list({ with: ['leads'], limit: 3 });
    const [sam, ivan, unsorted] = page.items;
    expect(getPhones(sam)).toEqual([
      { value: '+1 965 179 6212', enum_code: 'WORK', enum_id: 126290 },
      { value: '89031453455', enum_code: 'MOB', enum_id: 126294 },
    ]);
    expect(getEmails(sam)).toEqual([
      { value: 'sam@example.com', enum_code: 'PRIV', enum_id: 126302 },
    ]);
    expect(getFieldValue(sam, 'POSITION')).toBe('CTO');
    expect(embeddedIds(sam!._embedded?.leads)[0]).toBe(19030890);
    expect(getPhones(ivan)).toEqual([{ value: '+79123', enum_code: 'WORK', enum_id: 1 }]);
    expect(ivan!.is_deleted).toBeUndefined();
    expect(unsorted).toMatchObject({
      first_name: '',
      last_name: '',
      custom_fields_values: null,
      is_unsorted: true,
    });
    expect(getPhones(unsorted)).toEqual([]);
    // A full page (3 of limit 3) with a next link: more may follow.
    expect(page.hasNextPage()).toBe(true);
  });

  it('searches by phone through query and treats a 204 as no match', async () => {
    let uri = '';
    nock(HOST)
      .get('/api/v4/contacts')
      .query(true)
      .reply(function (u) {
        uri = u;
        return [204];
      });
    const found = await testClient()
      .contacts.search('+1 555 0100', { with: ['leads'], filter: { responsible_user_id: [1, 2] } })
      .toArray({ max: 5 });
    expect(found).toEqual([]);
    expect(queryPairs(uri)).toEqual([
      ['with', 'leads'],
      ['query', '+1 555 0100'],
      ['filter[responsible_user_id][]', '1'],
      ['filter[responsible_user_id][]', '2'],
      ['page', '1'],
      ['limit', '250'],
    ]);
  });

  it('refuses an empty search query without sending', async () => {
    await expect(testClient().contacts.search('  ').toArray({ max: 1 })).rejects.toBeInstanceOf(
      RequestValidationError,
    );
  });
});

describe('contacts.get', () => {
  it('throws NotFoundError on a 204', async () => {
    nock(HOST).get('/api/v4/contacts/5').query({ with: 'leads,customers' }).reply(204);
    await expect(
      testClient().contacts.get(5, { with: ['leads', 'customers'] }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('contacts writes', () => {
  it('creates a contact with phones and e-mails in Kommo’s multitext write shape', async () => {
    nock(HOST)
      .post('/api/v4/contacts', [
        {
          first_name: 'Ann',
          last_name: 'Lee',
          custom_fields_values: [
            {
              field_code: 'PHONE',
              values: [
                { value: '+15550100', enum_code: 'MOB' },
                { value: '+15550199', enum_code: 'WORK' },
              ],
            },
            { field_code: 'EMAIL', values: [{ value: 'ann@example.com', enum_code: 'PRIV' }] },
          ],
        },
      ])
      .reply(200, fixture('contacts_created_response.json'), json);
    const ref = await testClient().contacts.create({
      first_name: 'Ann',
      last_name: 'Lee',
      custom_fields_values: [
        cf.phones(['+15550100', { value: '+15550199', enum_code: 'WORK' }], 'MOB'),
        cf.emails([{ value: 'ann@example.com', enum_code: 'PRIV' }]),
      ],
    });
    expect(ref).toMatchObject({
      id: 963408,
      is_deleted: false,
      is_unsorted: false,
      request_id: '0',
    });
  });

  it('refuses the legacy enum key on write (Kommo answers FieldNotExpected)', async () => {
    const error = await testClient()
      .contacts.create({
        custom_fields_values: [
          { field_code: 'PHONE', values: [{ value: '1', enum: 'WORK' } as never] },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).issues[0]!.path).toEqual([
      'custom_fields_values',
      0,
      'values',
      0,
      'enum',
    ]);
  });

  it('refuses a field given by both id and code', async () => {
    await expect(
      testClient().contacts.create({
        custom_fields_values: [{ field_id: 1, field_code: 'PHONE', values: [] }],
      }),
    ).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('updates exactly the fields passed', async () => {
    nock(HOST)
      .patch('/api/v4/contacts/963408', { name: 'Ann Lee', tags_to_delete: [{ name: 'old' }] })
      .reply(200, { _embedded: { contacts: [{ id: 963408, updated_at: 1 }] } }, json);
    await expect(
      testClient().contacts.update(963408, { name: 'Ann Lee', tags_to_delete: [{ name: 'old' }] }),
    ).resolves.toMatchObject({ id: 963408 });
  });

  it('creates and updates many contacts, results in input order', async () => {
    nock(HOST)
      .post('/api/v4/contacts', [
        { name: 'a', request_id: '0' },
        { name: 'b', request_id: '1' },
      ])
      .reply(200, fixture('contacts_created_response.json'), json)
      .patch('/api/v4/contacts', [{ id: 963410, name: 'B', request_id: '0' }])
      .reply(200, { _embedded: { contacts: [{ id: 963410, request_id: '0' }] } }, json);
    const client = testClient();
    expect(
      (await client.contacts.createMany([{ name: 'a' }, { name: 'b' }])).map((r) => r.id),
    ).toEqual([963408, 963410]);
    expect(
      (await client.contacts.updateMany([{ id: 963410, name: 'B' }])).map((r) => r.id),
    ).toEqual([963410]);
  });

  it('links a contact to a lead and unlinks it', async () => {
    nock(HOST)
      .post('/api/v4/contacts/7/link', [{ to_entity_id: 42, to_entity_type: 'leads' }])
      .reply(
        200,
        {
          _embedded: {
            links: [
              { entity_id: 7, entity_type: 'contacts', to_entity_id: 42, to_entity_type: 'leads' },
            ],
          },
        },
        json,
      )
      .post('/api/v4/contacts/7/unlink', [{ to_entity_id: 42, to_entity_type: 'leads' }])
      .reply(204);
    const client = testClient();
    await client.contacts.link(7, [{ to_entity_id: 42, to_entity_type: 'leads' }]);
    await client.contacts.unlink(7, [{ to_entity_id: 42, to_entity_type: 'leads' }]);
  });

  it('refuses a link to an unknown entity type', async () => {
    await expect(
      testClient().contacts.link(7, [{ to_entity_id: 42, to_entity_type: 'deals' as never }]),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });

  it('adds a text note to a contact', async () => {
    nock(HOST)
      .post('/api/v4/contacts/7/notes', [{ note_type: 'common', params: { text: 'hello' } }])
      .reply(200, { _embedded: { notes: [{ id: 1, request_id: '0' }] } }, json);
    await expect(testClient().contacts.addNote(7, 'hello')).resolves.toMatchObject({ id: 1 });
  });
});
