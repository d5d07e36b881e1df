import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  buildWebhookBody,
  isKommoError,
  parseWebhook,
  WebhookParseError,
  type WebhookEvent,
  type WebhookPayload,
} from '../../src/index.js';
import { expectNoFailure } from '../support/webhooks.js';
import { fixture } from './fixtures.js';
import { builtinKeySweep, checkParse, parseCase } from './fuzz-inputs.js';

const ACME = { subdomain: 'acmesales', id: 31204999, baseUrl: 'https://acmesales.kommo.com' };

function only(body: Parameters<typeof parseWebhook>[0]): WebhookEvent {
  const { events } = parseWebhook(body);
  expect(events).toHaveLength(1);
  return events[0]!;
}

describe('parseWebhook on the real-shaped fixtures', () => {
  it('parses a lead moved to won with tags and every custom-field variant', () => {
    const payload = parseWebhook(fixture('webhook_lead_status_won.txt'));
    expect(payload.account).toEqual(ACME);
    expect(payload.events).toEqual([
      {
        type: 'leads.status',
        entity: 'leads',
        action: 'status',
        id: 25399013,
        data: {
          id: 25399013,
          name: 'Website order #4471',
          status_id: 142,
          old_status_id: 32392165,
          price: 12500,
          responsible_user_id: 321321,
          last_modified: 1735843200,
          modified_user_id: 321321,
          created_user_id: 8375357,
          date_create: 1735843186,
          pipeline_id: 3177727,
          old_pipeline_id: 3177727,
          tags: [{ id: 2707, name: 'Website request' }],
          account_id: 31204999,
          custom_fields: [
            { id: 1246489, name: 'Entry channel', values: [{ value: 'WhatsApp', enum: 908107 }] },
            // The bare `values[0]=1735776000` of date fields becomes `{ value }`.
            { id: 1246491, name: 'Contract date', values: [{ value: '1735776000' }] },
            { id: 1246487, name: 'Paid', values: [{ value: '1' }] },
            { id: 1246493, name: 'Budget (USD)', values: [{ value: '1500.75' }] },
            {
              id: 1246495,
              name: 'Products',
              values: [
                { value: 'Laptop', enum: 908111 },
                { value: 'Mouse', enum: 908113 },
              ],
            },
          ],
          created_at: 1735843186,
          updated_at: 1735843200,
        },
      },
    ]);
  });

  it('keeps the decoded raw tree identical to the fixture decoding', () => {
    const payload = parseWebhook(fixture('webhook_lead_status_won.txt'));
    expect(payload.raw).toEqual(JSON.parse(fixture('webhook_lead_status_won.decoded.json')));
  });

  it('parses the real 2025 lead add capture', () => {
    const payload = parseWebhook(fixture('webhook_lead_add_real_2025.txt'));
    expect(payload.account).toEqual({
      subdomain: 'demoshop',
      id: 16700680,
      baseUrl: 'https://demoshop.amocrm.ru',
    });
    expect(payload.events).toEqual([
      {
        type: 'leads.add',
        entity: 'leads',
        action: 'add',
        id: 30052055,
        data: {
          id: 30052055,
          name: 'TEST MISHA (SORRY)',
          status_id: 17944873,
          price: 0,
          responsible_user_id: 2852878,
          last_modified: 1744532875,
          modified_user_id: 2852878,
          created_user_id: 2852878,
          date_create: 1744532875,
          pipeline_id: 936736,
          account_id: 16700680,
          created_at: 1744532875,
          updated_at: 1744532875,
        },
      },
    ]);
  });

  it('parses the real 2025 lead delete capture with only id, status and pipeline', () => {
    expect(only(fixture('webhook_lead_delete_real_2025.txt'))).toEqual({
      type: 'leads.delete',
      entity: 'leads',
      action: 'delete',
      id: 30052055,
      data: { id: 30052055, status_id: 17944873, pipeline_id: 936736 },
    });
  });

  it('parses the real 2025 contact update with Cyrillic names and multitext enums', () => {
    const payload = parseWebhook(fixture('webhook_contact_update_real_2025.txt'));
    expect(payload.account).toEqual({
      subdomain: 'etesttask',
      id: 32427762,
      baseUrl: 'https://etesttask.amocrm.ru',
    });
    expect(payload.events).toEqual([
      {
        type: 'contacts.update',
        entity: 'contacts',
        action: 'update',
        id: 37054081,
        data: {
          id: 37054081,
          name: 'Абиба абибович',
          responsible_user_id: 10000698,
          date_create: 1748289231,
          last_modified: 1748292937,
          created_user_id: 10000698,
          modified_user_id: 10000698,
          account_id: 32427762,
          custom_fields: [
            { id: 735647, name: 'Должность', code: 'POSITION', values: [{ value: '555' }] },
            {
              id: 735649,
              name: 'Телефон',
              code: 'PHONE',
              values: [{ value: '333', enum: 718321 }],
            },
            { id: 735651, name: 'Email', code: 'EMAIL', values: [{ value: '444', enum: 718333 }] },
          ],
          old_responsible_user_id: 10000698,
          created_at: 1748289231,
          updated_at: 1748292937,
          type: 'contact',
        },
      },
    ]);
  });

  it('turns a company sent under contacts into a companies.add event with linked lead ids', () => {
    expect(only(fixture('webhook_company_add_as_contacts.txt'))).toEqual({
      type: 'companies.add',
      entity: 'companies',
      action: 'add',
      id: 17612521,
      data: {
        id: 17612521,
        name: 'Company name',
        responsible_user_id: 11087123,
        date_create: 1726576533,
        last_modified: 1726576534,
        created_user_id: 11087123,
        modified_user_id: 11087123,
        account_id: 31204999,
        linked_leads_id: [15319601],
        created_at: 1726576533,
        updated_at: 1726576534,
        type: 'company',
      },
    });
  });

  it('lifts the note out of its extra level, keeps date strings and parses metadata JSON', () => {
    expect(only(fixture('webhook_lead_note_common.txt'))).toEqual({
      type: 'leads.note',
      entity: 'leads',
      action: 'note',
      id: 4600471,
      data: {
        text: 'Client asked for a discount & free delivery.\nCall back tomorrow.',
        attachement: '',
        date_create: '2024-09-17 16:38:11',
        note_type: 4,
        element_type: 2,
        element_id: 15320411,
        catalog_id: 0,
        group_id: 0,
        timestamp_x: '2024-09-17 16:38:49',
        account_id: 31204999,
        metadata: { event_source: { id: 11087123, author_name: 'Jean Pierre', type: 1 } },
        created_by: 11087123,
        modified_by: 11087123,
        main_user_id: 11087123,
        id: 4600471,
        created_at: 1726580291,
        updated_at: 1726580329,
      },
    });
  });

  it('maps the singular task key to tasks.add and keeps its date strings', () => {
    expect(only(fixture('webhook_task_add.txt'))).toEqual({
      type: 'tasks.add',
      entity: 'tasks',
      action: 'add',
      id: 1564671,
      data: {
        id: 1564671,
        element_id: 15320411,
        element_type: 2,
        task_type: 1,
        date_create: '2024-09-17 13:07:29',
        text: 'Task text',
        status: 0,
        account_id: 31204999,
        created_user_id: 11087123,
        last_modified: '2024-09-17 13:07:29',
        responsible_user_id: 11087123,
        complete_till: '2025-10-02 20:59:00',
        created_at: 1726578449,
        updated_at: 1726578449,
        complete_before: 1759438740,
      },
    });
  });

  it('parses an incoming-lead form submission with its deep source data', () => {
    expect(only(fixture('webhook_unsorted_add_form.txt'))).toEqual({
      type: 'unsorted.add',
      entity: 'unsorted',
      action: 'add',
      id: '4278accf80c59e99411d5c6e01e4054864ca958e594699484ba8c5f40bb1',
      data: {
        uid: '4278accf80c59e99411d5c6e01e4054864ca958e594699484ba8c5f40bb1',
        category: 'forms',
        source_data: {
          form_id: 1303311,
          form_type: 1,
          from: 'Site request #1303311 from form «Form #1712844073»',
          form_name: 'Form #1712844073',
          origin: {
            ip: '198.51.100.196',
            datetime: 1726573764,
            referer: 'https://acmesales.kommo.com/',
          },
          data: {
            name_2: {
              type: 'text',
              id: 'name_2',
              element_type: 2,
              name: 'Lead name',
              value: 'Lead name',
            },
          },
          date: 1726573764,
        },
        date_create: 1726573764,
        data: {
          leads: [
            {
              last_modified: 1726573765,
              name: 'Lead name',
              pipeline_id: 8572511,
              modified_user_id: 0,
              date_create: 1726573764,
              custom_fields: [
                {
                  id: 771926,
                  code: 'REFERRER',
                  values: [{ value: 'https://acmesales.kommo.com/' }],
                },
              ],
              visitor_uid: '91148b80-408f-46ef-8482-50e4950f78b1',
              source_id: 36504,
              // Kommo's literal "null" string is data, not a null.
              gso_session_uid: 'null',
              form_request_id: 'AFyd4gesQF',
            },
          ],
        },
        pipeline_id: 8572511,
        account_id: 31204999,
        request_id: '0',
        source_id: 36504,
        lead_id: 15318519,
        created_at: 1726573764,
      },
    });
  });

  it('keeps message and author ids as uuids', () => {
    expect(only(fixture('webhook_message_add_incoming.txt'))).toEqual({
      type: 'messages.add',
      entity: 'messages',
      action: 'add',
      id: '660b5b93-4ead-ac38-3797c062146c',
      data: {
        id: '660b5b93-4ead-ac38-3797c062146c',
        chat_id: '33b41601-443b-9108-6938ae6b7935',
        talk_id: 191,
        contact_id: 11018118,
        text: 'Hello! Is the 14" model in stock?',
        created_at: 1726581295,
        element_type: 2,
        entity_type: 'lead',
        element_id: 9276114,
        entity_id: 9276114,
        type: 'incoming',
        author: {
          id: 'e1ec058c-7efb-4b59-24b1bcesdf3168f6',
          type: 'external',
          name: 'user name',
          avatar_url:
            'https://amojo.kommo.com/attachments/profiles/a6c9-24b1bc7368f6/file-0_128x128.jpg',
        },
        origin: 'telegram',
      },
    });
  });

  it('turns talk flags into booleans and uses talk_id as the id', () => {
    expect(only(fixture('webhook_talk_add.txt'))).toEqual({
      type: 'talks.add',
      entity: 'talks',
      action: 'add',
      id: 191,
      data: {
        talk_id: 191,
        created_at: 1726581298,
        updated_at: 1726581298,
        rate: 0,
        contact_id: 11018118,
        chat_id: '33b41601-7ed1-443b-9108-6938ae6b7935',
        entity_id: 9276114,
        entity_type: 'lead',
        is_in_work: true,
        is_read: false,
        origin: 'telegram',
      },
    });
  });
});

describe('parseWebhook on the other shapes Kommo sends', () => {
  const account = 'account[subdomain]=acme&account[id]=7';

  it('normalises a radiobutton whose values arrive as an object', () => {
    const event = only(
      `${account}&leads[update][0][id]=1&leads[update][0][custom_fields][0][id]=9` +
        '&leads[update][0][custom_fields][0][values][value]=2&leads[update][0][custom_fields][0][values][enum]=566642',
    );
    expect(event.data).toEqual({
      id: 1,
      custom_fields: [{ id: 9, values: [{ value: '2', enum: 566642 }] }],
    });
  });

  it('gives an empty values list to a field without values', () => {
    const event = only(
      `${account}&leads[update][0][id]=1&leads[update][0][custom_fields][0][id]=9`,
    );
    expect(event.data['custom_fields']).toEqual([{ id: 9, values: [] }]);
  });

  it('makes one event per batched item, in body order', () => {
    const { events } = parseWebhook(
      `${account}&leads[add][0][id]=1&leads[add][1][id]=2&leads[status][0][id]=1&leads[status][0][status_id]=143`,
    );
    expect(events.map((e) => [e.type, e.id])).toEqual([
      ['leads.add', 1],
      ['leads.add', 2],
      ['leads.status', 1],
    ]);
  });

  it('routes contact and company notes by their type sibling', () => {
    const { events } = parseWebhook(
      `${account}&contacts[note][0][note][id]=5&contacts[note][0][type]=company` +
        '&contacts[note][1][note][id]=6&contacts[note][1][type]=contact',
    );
    expect(events).toEqual([
      {
        type: 'companies.note',
        entity: 'companies',
        action: 'note',
        id: 5,
        data: { type: 'company', id: 5 },
      },
      {
        type: 'contacts.note',
        entity: 'contacts',
        action: 'note',
        id: 6,
        data: { type: 'contact', id: 6 },
      },
    ]);
  });

  it('reads a task completion with its action_close flag', () => {
    const event = only(
      `${account}&task[update][0][id]=3&task[update][0][status]=1&task[update][0][action_close]=1&task[update][0][result][text]=Done`,
    );
    expect(event).toEqual({
      type: 'tasks.update',
      entity: 'tasks',
      action: 'update',
      id: 3,
      data: { id: 3, status: 1, action_close: true, result: { text: 'Done' } },
    });
  });

  it('parses catalog and customer events', () => {
    const { events } = parseWebhook(
      `${account}&catalogs[add][0][id]=11&catalogs[add][0][catalog_id]=2&catalogs[add][0][type]=catalog` +
        '&customers[responsible][0][id]=12&customers[responsible][0][responsible_user_id]=5',
    );
    expect(events).toEqual([
      {
        type: 'catalogs.add',
        entity: 'catalogs',
        action: 'add',
        id: 11,
        data: { id: 11, catalog_id: 2, type: 'catalog' },
      },
      {
        type: 'customers.responsible',
        entity: 'customers',
        action: 'responsible',
        id: 12,
        data: { id: 12, responsible_user_id: 5 },
      },
    ]);
  });

  it('reads a customer add with its status, next purchase and period as numbers', () => {
    const { events } = parseWebhook(
      `${account}&customers[add][0][id]=134923&customers[add][0][name]=Acme` +
        '&customers[add][0][status_id]=4051&customers[add][0][next_price]=15000' +
        '&customers[add][0][next_date]=1589058000&customers[add][0][periodicity]=7',
    );
    const [event] = events;
    expect(event?.type).toBe('customers.add');
    if (event?.type !== 'customers.add') return;
    expectTypeOf(event.data.next_date).toEqualTypeOf<number | undefined>();
    expect(event.data).toEqual({
      id: 134923,
      name: 'Acme',
      status_id: 4051,
      next_price: 15000,
      next_date: 1589058000,
      periodicity: 7,
    });
  });

  it('keeps unknown entities and actions as unknown events instead of throwing', () => {
    const { events } = parseWebhook(
      `${account}&leads[merge][0][id]=1&leads[merge][0][new_thing]=x&widgets[install][0][code]=abc` +
        '&add[0][id]=77&add[0][type]=waba',
    );
    expect(events).toEqual([
      { type: 'unknown', entity: 'leads', action: 'merge', id: 1, data: { id: 1, new_thing: 'x' } },
      { type: 'unknown', entity: 'widgets', action: 'install', data: { code: 'abc' } },
      { type: 'unknown', entity: 'add', action: '', id: 77, data: { id: 77, type: 'waba' } },
    ]);
  });

  it('accepts the account part last and the old subdomain-only account', () => {
    const payload = parseWebhook('leads[add][0][id]=1&account[subdomain]=old');
    expect(payload.account).toEqual({ subdomain: 'old' });
    expect(payload.events).toHaveLength(1);
  });

  it('keeps ids beyond 2^53 as strings rather than rounding them', () => {
    const event = only(
      `${account}&leads[add][0][id]=1&leads[add][0][pipeline_id]=90071992547409931`,
    );
    expect(event.data['pipeline_id']).toBe('90071992547409931');
  });

  it('accepts URLSearchParams, FormData, bytes and an already-decoded object alike', () => {
    const text = fixture('webhook_lead_status_won.txt');
    const expected = parseWebhook(text);
    const form = new FormData();
    for (const [k, v] of new URLSearchParams(text)) form.append(k, v);
    expect(parseWebhook(new URLSearchParams(text))).toEqual(expected);
    expect(parseWebhook(form)).toEqual(expected);
    expect(parseWebhook(new TextEncoder().encode(text))).toEqual(expected);
    expect(parseWebhook(JSON.parse(fixture('webhook_lead_status_won.decoded.json')))).toEqual(
      expected,
    );
  });

  it('parses what buildWebhookBody encodes back into the same values', () => {
    const body = buildWebhookBody({ id: 7, subdomain: 'acme', baseUrl: 'https://acme.kommo.com' }, [
      {
        entity: 'companies',
        action: 'update',
        data: {
          id: 9,
          name: 'Ёлка & Co',
          is_deleted: false,
          custom_fields: [{ id: 1, values: [{ value: 'x', enum: 3 }] }],
        },
      },
    ]);
    expect(parseWebhook(body)).toMatchObject({
      account: { id: 7, subdomain: 'acme', baseUrl: 'https://acme.kommo.com' },
      events: [
        {
          type: 'companies.update',
          id: 9,
          data: {
            id: 9,
            name: 'Ёлка & Co',
            is_deleted: false,
            type: 'company',
            custom_fields: [{ id: 1, values: [{ value: 'x', enum: 3 }] }],
          },
        },
      ],
    });
  });

  it('narrows the event data by type', () => {
    const { events } = parseWebhook(fixture('webhook_lead_status_won.txt'));
    const event = events[0]!;
    if (event.type === 'leads.status') {
      expectTypeOf(event.data.status_id).toEqualTypeOf<number | undefined>();
      expectTypeOf(event.id).toEqualTypeOf<number | undefined>();
    }
    if (event.type === 'messages.add')
      expectTypeOf(event.data.author).toExtend<object | undefined>();
    expectTypeOf(parseWebhook).returns.toEqualTypeOf<WebhookPayload>();
  });
});

describe('parseWebhook on bad input', () => {
  function parseError(
    body: Parameters<typeof parseWebhook>[0],
    options?: Parameters<typeof parseWebhook>[1],
  ): WebhookParseError {
    try {
      parseWebhook(body, options);
    } catch (error) {
      expect(error).toBeInstanceOf(WebhookParseError);
      expect(isKommoError(error)).toBe(true);
      expect((error as WebhookParseError).code).toBe('webhook_malformed');
      return error as WebhookParseError;
    }
    throw new Error('parseWebhook did not throw');
  }

  it('refuses a 5 MB body with reason too_large, and honours a custom limit', () => {
    const big = `account[id]=1&leads[add][0][name]=${'a'.repeat(5 * 1024 * 1024)}`;
    expect(parseError(big).reason).toBe('too_large');
    expect(parseError('account[id]=1&x=123456', { maxBytes: 10 }).reason).toBe('too_large');
  });

  it('refuses keys nested 50 deep with reason too_deep', () => {
    const key = `leads${'[a]'.repeat(50)}`;
    expect(parseError(`account[id]=1&${key}=1`).reason).toBe('too_deep');
  });

  it('refuses an already-decoded object nested 50 deep', () => {
    let deep: Record<string, unknown> = { v: '1' };
    for (let i = 0; i < 50; i++) deep = { a: deep };
    expect(parseError({ account: { id: '1' }, leads: deep }).reason).toBe('too_deep');
  });

  it('refuses more fields than maxFields', () => {
    expect(parseError('account[id]=1&a=1&b=2&c=3', { maxFields: 3 }).reason).toBe(
      'too_many_fields',
    );
  });

  it('refuses invalid UTF-8, percent-encoded or raw', () => {
    expect(parseError('account[id]=1&leads[add][0][name]=%FF%FE').reason).toBe('invalid_utf8');
    expect(parseError(new Uint8Array([0x61, 0x3d, 0xc3, 0x28])).reason).toBe('invalid_utf8');
  });

  it('refuses a JSON body as not form-encoded', () => {
    expect(parseError(fixture('chats_webhook_v2.json')).reason).toBe('not_form_encoded');
  });

  it('refuses a body without an account part', () => {
    expect(parseError('leads[add][0][id]=1').reason).toBe('missing_account');
    expect(parseError('').reason).toBe('missing_account');
    expect(parseError('hello world').reason).toBe('missing_account');
  });

  it('refuses inputs that are not a body', () => {
    expect(parseError(42 as never).reason).toBe('invalid_input');
    expect(parseError(null as never).reason).toBe('invalid_input');
  });

  it('drops __proto__, constructor and prototype keys without polluting Object.prototype', () => {
    const payload = parseWebhook(
      'account[id]=1&__proto__[polluted]=yes&leads[add][0][__proto__][polluted]=yes' +
        '&leads[add][0][constructor][prototype][polluted]=yes&leads[add][0][id]=5&a[prototype]=x',
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(payload.events[0]?.data).toEqual({ id: 5 });
    expect(Object.getPrototypeOf(payload.events[0]?.data)).toBe(Object.prototype);
    const decoded = parseWebhook(
      JSON.parse('{"account":{"id":"1"},"__proto__":{"polluted":"yes"}}'),
    );
    expect(Object.keys(decoded.raw)).toEqual(['account']);
  });

  it.each(['toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf', 'call'])(
    'keeps a top-level key named %s as an ordinary unknown event',
    (name) => {
      const { events } = parseWebhook(`account[id]=1&${name}[x]=1&${name}[add][0][id]=2`);
      expect(events).toEqual([
        { type: 'unknown', entity: name, action: 'x', data: { value: '1' } },
        { type: 'unknown', entity: name, action: 'add', id: 2, data: { id: 2 } },
      ]);
    },
  );

  it('reads a decoded object with a sparse array by its present indexes only', () => {
    const items: unknown[] = [];
    items[3] = { id: '7' };
    items.length = 4_294_967_295;
    const { events } = parseWebhook({ account: { id: '1' }, leads: { add: items } });
    expect(events).toEqual([
      { type: 'leads.add', entity: 'leads', action: 'add', id: 7, data: { id: 7 } },
    ]);
  });

  it('refuses a cyclic decoded object with reason invalid_input', () => {
    const body: Record<string, unknown> = { account: { id: '1' } };
    body['leads'] = { add: [body] };
    expect(parseError(body as never).reason).toBe('invalid_input');
  });

  it('never runs a getter of a decoded object and ignores non-plain values', () => {
    let calls = 0;
    const item = { id: '5', when: new Date(0), tags: new Map(), run: () => 1 };
    Object.defineProperty(item, 'name', {
      enumerable: true,
      get() {
        calls++;
        throw new Error('a getter ran');
      },
    });
    const { events } = parseWebhook({ account: { id: '1' }, leads: { add: [item] } });
    expect(events[0]?.data).toEqual({ id: 5 });
    expect(calls).toBe(0);
    expect(parseError(new Date(0) as never).reason).toBe('invalid_input');
    class Body {
      id = '1';
    }
    expect(parseError(new Body() as never).reason).toBe('invalid_input');
  });

  it('reads an account id sent as a part (`account[id][toString]=…`) as no id, never converting the part', () => {
    // Found by the property below (seed 1842115477): `Number()` on the part ran its keys.
    const { account, events } = parseWebhook(
      'account[id][toString]=1&account[subdomain]=demo&leads[add][0][id]=5',
    );
    expect(account).toEqual({ subdomain: 'demo' });
    expect(events[0]?.data).toEqual({ id: 5 });
  });

  it('turns a hostile Proxy into a typed invalid_input error with the cause', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    const error = parseError({ account: { id: '1' }, leads: hostile });
    expect(error.reason).toBe('invalid_input');
    expect((error.cause as Error).message).toBe('trap');
  });

  it('drops __proto__, constructor and prototype keys from note metadata JSON', () => {
    const metadata = JSON.stringify({ ok: 1 }).replace(
      '}',
      ',"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}},' +
        '"deep":[{"__proto__":{"isAdmin":true},"v":2}]}',
    );
    const { events } = parseWebhook(
      `account[id]=1&leads[note][0][note][id]=3&leads[note][0][note][metadata]=${encodeURIComponent(metadata)}`,
    );
    const parsed = (events[0]?.data as { metadata: Record<string, unknown> }).metadata;
    expect(parsed).toEqual({ ok: 1, deep: [{ v: 2 }] });
    expect(Object.hasOwn(parsed, '__proto__')).toBe(false);
    expect((Object.assign({}, parsed) as { isAdmin?: boolean }).isAdmin).toBeUndefined();
    const deep = (parsed['deep'] as object[])[0]!;
    expect(Object.getPrototypeOf(Object.assign({}, deep))).toBe(Object.prototype);
  });

  it('never allocates a huge array for a huge index', () => {
    const { events } = parseWebhook('account[id]=1&leads[add][99999999][id]=1');
    expect(events).toEqual([
      { type: 'leads.add', entity: 'leads', action: 'add', id: 1, data: { id: 1 } },
    ]);
  });

  it('survives empty brackets, scalar/object clashes and duplicates (last wins, as in PHP)', () => {
    const payload = parseWebhook(
      'account[id]=1&leads[add][]=x&leads[add][]=y&leads[update]=s&leads[update][0][id]=3' +
        '&leads[status][0][id]=4&leads[status][0][id]=5&leads[status][0][name]=n&leads[status][0][name][x]=y',
    );
    expect(payload.events).toEqual([
      { type: 'unknown', entity: 'leads', action: 'add', data: { value: 'x' } },
      { type: 'unknown', entity: 'leads', action: 'add', data: { value: 'y' } },
      { type: 'leads.update', entity: 'leads', action: 'update', id: 3, data: { id: 3 } },
      {
        type: 'leads.status',
        entity: 'leads',
        action: 'status',
        id: 5,
        data: { id: 5, name: { x: 'y' } },
      },
    ]);
  });
});

// The generators of `npm run fuzz` (100,000 runs, fixed seed), a few thousand runs here.
describe('parseWebhook on hostile input', () => {
  it('gives a payload or a WebhookParseError for every built-in name at every key depth', () => {
    const sweep = builtinKeySweep();
    expect(sweep.length).toBeGreaterThan(5000);
    for (const body of sweep) expectNoFailure(checkParse(body));
  });

  it('only ever returns a safe payload or throws WebhookParseError, prototypes untouched', () => {
    fc.assert(
      fc.property(parseCase, ({ input }) => {
        expectNoFailure(checkParse(input));
      }),
      { numRuns: 3000 },
    );
  });
});
