import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  NotFoundError,
  RequestValidationError,
  isNoteType,
  type NoteCreateParams,
} from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { fixture, queryPairs } from './support.js';

const json = { 'content-type': 'application/hal+json' };

/** One note of every type Kommo lets you write, with the params that type needs. */
const WRITABLE: NoteCreateParams[] = [
  { note_type: 'common', params: { text: 'Client asked to call back after 6pm' } },
  {
    note_type: 'call_in',
    params: {
      uniq: '8f52d38a',
      duration: 148,
      source: 'onlinePBX',
      link: 'https://pbx.example.com/rec/8f52d38a.mp3',
      phone: '+79999999999',
      call_responsible: 'Василий',
      call_status: 4,
      call_result: 'Разговор состоялся',
    },
  },
  {
    note_type: 'call_out',
    params: {
      uniq: 'c0b0e6a0',
      duration: 0,
      source: 'onlinePBX',
      phone: '+79999999999',
      call_responsible: 504141,
      call_status: 6,
    },
  },
  {
    note_type: 'service_message',
    params: { service: 'Payment gateway', text: 'Invoice #1009 created' },
  },
  {
    note_type: 'extended_service_message',
    params: { service: 'AI summary', text: 'Long text...\nLine 2' },
  },
  { note_type: 'message_cashier', params: { status: 'created', text: 'Please print receipt' } },
  {
    note_type: 'geolocation',
    params: {
      text: 'Visited',
      address: 'Pushkin st. 1',
      longitude: '53.714816',
      latitude: '91.423146',
    },
  },
  { note_type: 'sms_in', params: { text: 'Ok, see you tomorrow', phone: '+79999999999' } },
  { note_type: 'sms_out', params: { text: 'Reminder', phone: '+79999999999' } },
  {
    note_type: 'attachment',
    params: { file_uuid: '6905db7c', version_uuid: '4e316440', file_name: 'shot.jpg' },
  },
  {
    note_type: 'invoice_paid',
    params: {
      service: 'Invoices',
      text: 'Invoice #1009 paid',
      icon_url: 'https://example.com/icon.png',
    },
  },
];

describe('notes.list', () => {
  it('parses every note type of the fixture, typed by note_type, and keeps unknown types as they come', async () => {
    let uri = '';
    nock(HOST)
      .get('/api/v4/leads/notes')
      .query(true)
      .reply(function (u) {
        uri = u;
        return [200, fixture('notes_list_mixed_types.json'), json];
      });
    const page = await testClient().notes.list('leads', {
      filter: { entity_id: [19030890], note_type: ['common', 'call_in'] },
      limit: 50,
    });
    expect(queryPairs(uri)).toEqual([
      ['filter[entity_id][]', '19030890'],
      ['filter[note_type][]', 'common'],
      ['filter[note_type][]', 'call_in'],
      ['page', '1'],
      ['limit', '50'],
    ]);
    const notes = page.items;
    expect(notes.map((n) => n.note_type)).toEqual([
      'common',
      'call_in',
      'call_out',
      'service_message',
      'extended_service_message',
      'sms_in',
      'sms_out',
      'attachment',
      'geolocation',
      'message_cashier',
      'amomail_message',
      'invoice_paid',
      'some_future_note_type',
    ]);
    const [common, callIn, callOut] = notes;
    expect(isNoteType(common!, 'common') && common.params?.text).toBe(
      'Client asked to call back after 6pm',
    );
    expect(common!.is_pinned).toBe(true);
    expect(isNoteType(callIn!, 'call_in') && callIn.params?.call_responsible).toBe('Василий');
    expect(isNoteType(callOut!, 'call_out') && callOut.params?.call_responsible).toBe(504141);
    const mail = notes[10]!;
    expect(isNoteType(mail, 'amomail_message') && mail.params?.from?.email).toBe(
      'client@example.org',
    );
    const attachment = notes[7]!;
    expect(isNoteType(attachment, 'attachment') && attachment.params?.is_drive_attachment).toBe(
      true,
    );
    const future = notes[12]!;
    expect(future.params).toEqual({ foo: 'bar', count: 3 });
    expect(future['is_editable']).toBe(false);
    expect(isNoteType(future, 'common')).toBe(false);
  });

  it('lists the notes of one entity', async () => {
    nock(HOST)
      .get('/api/v4/contacts/7/notes')
      .query({ 'order[id]': 'desc', page: '1', limit: '250' })
      .reply(204);
    const notes = await testClient()
      .notes.listFor('contacts', 7, { order: { id: 'desc' } })
      .toArray({ max: 10 });
    expect(notes).toEqual([]);
  });

  it('refuses an entity type without notes', async () => {
    await expect(
      testClient()
        .notes.list('tasks' as never)
        .toArray({ max: 1 }),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });
});

describe('notes writes', () => {
  it.each(WRITABLE.map((note) => [note.note_type, note] as const))(
    'round-trips a %s note: the body sent and the note read back',
    async (_type, note) => {
      nock(HOST)
        .post('/api/v4/leads/42/notes', [note])
        .reply(200, { _embedded: { notes: [{ id: 77, entity_id: 42, request_id: '0' }] } }, json)
        .get('/api/v4/leads/notes/77')
        .reply(
          200,
          { id: 77, entity_id: 42, note_type: note.note_type, params: note.params, created_at: 1 },
          json,
        );
      const client = testClient();
      const ref = await client.notes.create('leads', 42, note);
      expect(ref).toMatchObject({ id: 77, entity_id: 42 });
      const read = await client.notes.get('leads', 77);
      expect(read.note_type).toBe(note.note_type);
      expect(read.params).toEqual(note.params);
      expect(isNoteType(read, note.note_type)).toBe(true);
    },
  );

  it('refuses params that do not fit the note type', async () => {
    const client = testClient();
    await expect(
      client.notes.create('leads', 1, { note_type: 'common', params: { txt: 'x' } } as never),
    ).rejects.toMatchObject({
      issues: [{ path: ['params', 'text'] }, { path: ['params', 'txt'] }],
    });
    await expect(
      client.notes.create('leads', 1, {
        note_type: 'call_in',
        params: { uniq: 'a', duration: 1, source: 's', phone: '1', call_status: 9 },
      }),
    ).rejects.toBeInstanceOf(RequestValidationError);
    await expect(
      client.notes.create('leads', 1, { note_type: 'amomail_message', params: {} } as never),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });

  it('creates many notes across entities, each with its entity_id', async () => {
    nock(HOST)
      .post('/api/v4/companies/notes', [
        { entity_id: 1, note_type: 'common', params: { text: 'a' }, request_id: '0' },
        {
          entity_id: 2,
          note_type: 'sms_out',
          params: { text: 'b', phone: '+1' },
          is_need_to_trigger_digital_pipeline: false,
          request_id: '1',
        },
      ])
      .reply(
        200,
        {
          _embedded: {
            notes: [
              { id: 10, entity_id: 1, request_id: '0' },
              { id: 11, entity_id: 2, request_id: '1' },
            ],
          },
        },
        json,
      );
    const refs = await testClient().notes.createMany('companies', [
      { entity_id: 1, note_type: 'common', params: { text: 'a' } },
      {
        entity_id: 2,
        note_type: 'sms_out',
        params: { text: 'b', phone: '+1' },
        is_need_to_trigger_digital_pipeline: false,
      },
    ]);
    expect(refs.map((r) => r.id)).toEqual([10, 11]);
  });

  it('refuses a createMany note without entity_id', async () => {
    const error = await testClient()
      .notes.createMany('leads', [{ note_type: 'common', params: { text: 'a' } } as never])
      .catch((e: unknown) => e);
    expect((error as RequestValidationError).issues[0]!.path).toEqual([0, 'entity_id']);
  });

  it('updates one note on its entity path and many notes on the type path', async () => {
    nock(HOST)
      .patch('/api/v4/leads/42/notes/77', { note_type: 'common', params: { text: 'edited' } })
      .reply(200, { _embedded: { notes: [{ id: 77, entity_id: 42, updated_at: 2 }] } }, json)
      .patch('/api/v4/leads/notes', [
        { id: 77, note_type: 'common', params: { text: 'again' }, request_id: '0' },
      ])
      .reply(200, { _embedded: { notes: [{ id: 77, request_id: '0' }] } }, json);
    const client = testClient();
    await expect(
      client.notes.update('leads', 42, 77, { note_type: 'common', params: { text: 'edited' } }),
    ).resolves.toMatchObject({ id: 77 });
    await expect(
      client.notes.updateMany('leads', [
        { id: 77, note_type: 'common', params: { text: 'again' } },
      ]),
    ).resolves.toHaveLength(1);
  });

  it('maps a 204 on get to NotFoundError', async () => {
    nock(HOST).get('/api/v4/leads/notes/5').reply(204);
    await expect(testClient().notes.get('leads', 5)).rejects.toBeInstanceOf(NotFoundError);
  });
});
