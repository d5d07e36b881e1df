import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_IDS, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { call } from './helpers.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: false });
});
beforeEach(() => sandbox.reset());
afterAll(() => sandbox.close());

describe('lists', () => {
  it('answers a HAL page with _page, page links and _embedded.leads', async () => {
    const res = await call(sandbox, 'GET', '/api/v4/leads?limit=5&page=2&with=contacts');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/hal+json');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(res.body._page).toBe(2);
    expect(Object.keys(res.body._links)).toEqual(['self', 'next', 'first', 'prev']);
    expect(res.body._links.next.href).toBe(
      `${sandbox.url}/api/v4/leads?with=contacts&limit=5&page=3`,
    );
    const leads = res.body._embedded.leads;
    expect(leads).toHaveLength(5);
    for (const lead of leads) {
      expect(lead._links.self.href).toBe(`${sandbox.url}/api/v4/leads/${String(lead.id)}`);
      expect(Array.isArray(lead._embedded.tags)).toBe(true);
      expect(Array.isArray(lead._embedded.contacts)).toBe(true);
      expect(lead.custom_fields_values === null || Array.isArray(lead.custom_fields_values)).toBe(
        true,
      );
    }
  });

  it('answers 204 with an empty body past the last page and for an unknown id', async () => {
    const past = await call(sandbox, 'GET', '/api/v4/leads?limit=250&page=2');
    expect(past.status).toBe(204);
    expect(past.text).toBe('');
    const missing = await call(sandbox, 'GET', '/api/v4/leads/999999999');
    expect(missing.status).toBe(204);
    expect(missing.text).toBe('');
  });

  it('leaves out the next link on the last page', async () => {
    const res = await call(sandbox, 'GET', '/api/v4/leads?limit=250');
    expect(res.body._embedded.leads).toHaveLength(20);
    expect(res.body._links.next).toBeUndefined();
  });

  it('refuses a limit above 250 with 422 Limit 250 per page', async () => {
    const res = await call(sandbox, 'GET', '/api/v4/leads?limit=251');
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toEqual({
      title: 'Unprocessable Entity',
      type: 'https://httpstatus.es/422',
      status: 422,
      detail: 'Limit 250 per page',
    });
  });

  it('filters by id, statuses and pipeline and orders by id descending', async () => {
    const all = (await call(sandbox, 'GET', '/api/v4/leads?limit=250')).body._embedded
      .leads as any[];
    const [a, b] = all;
    const byId = await call(
      sandbox,
      'GET',
      `/api/v4/leads?filter[id][]=${String(a.id)}&filter[id][]=${String(b.id)}&order[id]=desc`,
    );
    expect(byId.body._embedded.leads.map((l: any) => l.id)).toEqual([b.id, a.id]);
    const target = all[3];
    const qs = `filter%5Bstatuses%5D%5B0%5D%5Bpipeline_id%5D=${String(target.pipeline_id)}&filter%5Bstatuses%5D%5B0%5D%5Bstatus_id%5D=${String(target.status_id)}`;
    const byStatus = await call(sandbox, 'GET', `/api/v4/leads?${qs}`);
    const expected = all
      .filter((l) => l.pipeline_id === target.pipeline_id && l.status_id === target.status_id)
      .map((l) => l.id);
    expect(byStatus.body._embedded.leads.map((l: any) => l.id)).toEqual(expected);
    const none = await call(sandbox, 'GET', '/api/v4/leads?filter[pipeline_id]=1');
    expect(none.status).toBe(204);
  });

  it('finds contacts by phone digits, e-mail and name', async () => {
    const contact = sandbox.state.contacts.filter(() => true)[0]!;
    const phone = contact.custom_fields_values!.find((f) => f.field_code === 'PHONE')!.values[0]![
      'value'
    ] as string;
    const digits = phone.replace(/\D/g, '');
    const byPhone = await call(
      sandbox,
      'GET',
      `/api/v4/contacts?query=${encodeURIComponent(`(${digits.slice(1, 4)}) ${digits.slice(4)}`)}`,
    );
    expect(byPhone.body._embedded.contacts.map((c: any) => c.id)).toContain(contact.id);
    const byEmail = await call(sandbox, 'GET', '/api/v4/contacts?query=SAM.0@EXAMPLE.COM');
    expect(byEmail.body._embedded.contacts.map((c: any) => c.id)).toEqual([contact.id]);
    const byName = await call(
      sandbox,
      'GET',
      `/api/v4/contacts?query=${encodeURIComponent(contact.last_name)}`,
    );
    expect(byName.body._embedded.contacts.map((c: any) => c.id)).toContain(contact.id);
  });
});

describe('writes', () => {
  it('creates leads in a batch and echoes request_id, or the index when it is omitted', async () => {
    const res = await call(sandbox, 'POST', '/api/v4/leads', [
      { name: 'First' },
      { name: 'Second', request_id: 'order-77' },
    ]);
    expect(res.status).toBe(200);
    const refs = res.body._embedded.leads;
    expect(refs.map((r: any) => r.request_id)).toEqual(['0', 'order-77']);
    expect(Object.keys(refs[0])).toEqual(['id', 'request_id', '_links']);
    const stored = sandbox.state.leads.get(refs[1].id)!;
    expect(stored.name).toBe('Second');
    expect(stored.pipeline_id).toBe(SEED_IDS.mainPipelineId);
    expect(stored.status_id).toBe(SEED_IDS.firstStatusId);
    expect(sandbox.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/api/v4/leads',
      status: 200,
      bodyItems: 2,
    });
  });

  it('rejects the whole batch with validation-errors keyed by request_id', async () => {
    const before = sandbox.state.leads.size;
    const res = await call(sandbox, 'POST', '/api/v4/leads', [
      { name: 'ok' },
      { name: 'bad status', status_id: 42, request_id: 'b' },
      { name: 'bad field', custom_fields_values: [{ field_id: 1, values: [{ value: 'x' }] }] },
      { name: 7, price: 'a lot' },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('Request validation failed');
    expect(res.body['validation-errors']).toEqual([
      {
        request_id: 'b',
        errors: [
          {
            code: 'NotSupportedChoice',
            path: 'status_id',
            detail: 'The value you selected is not a valid choice.',
          },
        ],
      },
      {
        request_id: '2',
        errors: [
          {
            code: 'NotSupportedChoice',
            path: 'custom_fields_values.0.field_id',
            detail: 'The value you selected is not a valid choice.',
          },
        ],
      },
      {
        request_id: '3',
        errors: [
          { code: 'InvalidType', path: 'name', detail: 'This value should be of type string.' },
          { code: 'InvalidType', path: 'price', detail: 'This value should be of type int.' },
        ],
      },
    ]);
    expect(sandbox.state.leads.size).toBe(before);
  });

  it('refuses more than 250 items and an empty batch', async () => {
    const big = await call(
      sandbox,
      'POST',
      '/api/v4/leads',
      Array.from({ length: 251 }, () => ({ name: 'x' })),
    );
    expect(big.status).toBe(422);
    const empty = await call(sandbox, 'POST', '/api/v4/leads', []);
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toBe('Request data can not be empty');
  });

  it('updates one lead with an object and still wraps the answer in _embedded', async () => {
    const id = sandbox.state.leads.filter((l) => l.closed_at === null)[0]!.id;
    const res = await call(sandbox, 'PATCH', `/api/v4/leads/${String(id)}`, {
      status_id: 142,
      pipeline_id: SEED_IDS.mainPipelineId,
    });
    expect(res.status).toBe(200);
    expect(res.body._embedded.leads[0]).toMatchObject({ id, request_id: '0' });
    expect(typeof res.body._embedded.leads[0].updated_at).toBe('number');
    const lead = sandbox.state.leads.get(id)!;
    expect(lead.status_id).toBe(142);
    expect(lead.closed_at).toBe(lead.updated_at);
    const array = await call(sandbox, 'PATCH', `/api/v4/leads/${String(id)}`, [{ name: 'x' }]);
    expect(array.status).toBe(405);
  });

  it('updates in a batch and reports an unknown id', async () => {
    const id = sandbox.state.leads.filter(() => true)[0]!.id;
    const ok = await call(sandbox, 'PATCH', '/api/v4/leads', [
      { id, name: 'Renamed', request_id: 'r1' },
    ]);
    expect(ok.body._embedded.leads[0]).toMatchObject({ id, request_id: 'r1' });
    expect(sandbox.state.leads.get(id)!.name).toBe('Renamed');
    const bad = await call(sandbox, 'PATCH', '/api/v4/leads', [{ id: 5, name: 'x' }]);
    expect(bad.body['validation-errors'][0].errors[0]).toMatchObject({
      code: 'NotSupportedChoice',
      path: 'id',
    });
  });

  it('normalises custom field values the way Kommo answers them', async () => {
    const res = await call(sandbox, 'POST', '/api/v4/leads', [
      {
        name: 'cf',
        custom_fields_values: [
          { field_id: 1271495, values: [{ enum_id: 919469 }] },
          { field_id: 1276694, values: [{ value: 'Software' }, { enum_id: 925364 }] },
          { field_id: 1268301, values: [{ value: 12.5 }] },
          { field_id: 1276648, values: [{ value: true }] },
          { field_id: 1251808, values: [{ value: '2025-01-02T00:00:00Z' }] },
        ],
      },
    ]);
    const lead = sandbox.state.leads.get(res.body._embedded.leads[0].id)!;
    const byId = Object.fromEntries(lead.custom_fields_values!.map((f) => [f.field_id, f]));
    expect(byId[1271495]).toEqual({
      field_id: 1271495,
      field_name: 'Entry channel',
      field_code: null,
      field_type: 'select',
      values: [{ value: 'Instagram', enum_id: 919469, enum_code: null }],
    });
    expect(byId[1276694]!.values.map((v) => v['enum_id'])).toEqual([925366, 925364]);
    expect(byId[1268301]!.values).toEqual([{ value: '12.5' }]);
    expect(byId[1276648]!.values).toEqual([{ value: true }]);
    expect(byId[1251808]!.values).toEqual([{ value: 1735776000 }]);
    const clear = await call(sandbox, 'PATCH', `/api/v4/leads/${String(lead.id)}`, {
      custom_fields_values: [{ field_id: 1271495, values: null }],
    });
    expect(clear.status).toBe(200);
    expect(
      sandbox.state.leads.get(lead.id)!.custom_fields_values!.map((f) => f.field_id),
    ).not.toContain(1271495);
  });

  it('refuses the legacy enum key in multitext values with FieldNotExpected', async () => {
    const res = await call(sandbox, 'POST', '/api/v4/contacts', [
      {
        name: 'Ann',
        custom_fields_values: [{ field_code: 'PHONE', values: [{ value: '+1555', enum: 'WORK' }] }],
      },
    ]);
    expect(res.status).toBe(400);
    expect(res.body['validation-errors'][0].errors[0]).toMatchObject({
      code: 'FieldNotExpected',
      path: 'custom_fields_values.0.values.0.enum',
    });
  });

  it('creates contacts with a phone and answers is_deleted and is_unsorted', async () => {
    const res = await call(sandbox, 'POST', '/api/v4/contacts', [
      {
        first_name: 'Ann',
        last_name: 'Lee',
        custom_fields_values: [
          { field_code: 'PHONE', values: [{ value: '+1 555 777 0000', enum_code: 'MOB' }] },
        ],
      },
    ]);
    expect(Object.keys(res.body._embedded.contacts[0])).toEqual([
      'id',
      'is_deleted',
      'is_unsorted',
      'request_id',
      '_links',
    ]);
    const contact = sandbox.state.contacts.get(res.body._embedded.contacts[0].id)!;
    expect(contact.name).toBe('Ann Lee');
    expect(contact.custom_fields_values![0]!.values).toEqual([
      { value: '+1 555 777 0000', enum_id: 126294, enum_code: 'MOB' },
    ]);
    const found = await call(sandbox, 'GET', '/api/v4/contacts?query=15557770000');
    expect(found.body._embedded.contacts.map((c: any) => c.id)).toEqual([contact.id]);
  });

  it('adds and removes tags with tags_to_add and tags_to_delete', async () => {
    const id = sandbox.state.leads.filter(() => true)[0]!.id;
    await call(sandbox, 'PATCH', `/api/v4/leads/${String(id)}`, {
      tags_to_add: [{ name: 'hot' }, { name: 'b2b' }],
    });
    expect(sandbox.state.tagsOf('leads', id).map((t) => t.name)).toEqual(
      expect.arrayContaining(['hot', 'b2b']),
    );
    await call(sandbox, 'PATCH', `/api/v4/leads/${String(id)}`, {
      tags_to_delete: [{ name: 'hot' }],
    });
    expect(sandbox.state.tagsOf('leads', id).map((t) => t.name)).not.toContain('hot');
    await call(sandbox, 'PATCH', `/api/v4/leads/${String(id)}`, { _embedded: { tags: null } });
    expect(sandbox.state.tagsOf('leads', id)).toEqual([]);
    const tags = await call(sandbox, 'GET', '/api/v4/leads/tags?query=b2');
    expect(tags.body._embedded.tags.map((t: any) => t.name)).toEqual(['b2b']);
  });

  it('creates complex leads and answers a plain array with request_id as an array', async () => {
    const res = await call(sandbox, 'POST', '/api/v4/leads/complex', [
      {
        name: 'Chat lead',
        request_id: 'chat-1',
        _embedded: {
          contacts: [
            {
              first_name: 'Zoe',
              custom_fields_values: [
                { field_code: 'EMAIL', values: [{ value: 'zoe@example.com' }] },
              ],
            },
          ],
          companies: [{ name: 'Zoe Corp' }],
        },
      },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      {
        id: expect.any(Number),
        contact_id: expect.any(Number),
        company_id: expect.any(Number),
        request_id: ['chat-1'],
        merged: false,
      },
    ]);
    const [item] = res.body;
    expect(sandbox.state.linksOf('leads', item.id).map((l) => l.to_entity_id)).toEqual(
      expect.arrayContaining([item.contact_id, item.company_id]),
    );
    expect(sandbox.state.linksOf('contacts', item.contact_id).map((l) => l.to_entity_id)).toContain(
      item.company_id,
    );
    const tooMany = await call(
      sandbox,
      'POST',
      '/api/v4/leads/complex',
      Array.from({ length: 51 }, () => ({ name: 'x' })),
    );
    expect(tooMany.status).toBe(422);
  });

  it('links, lists and unlinks contacts of a lead with a main contact', async () => {
    const lead = (await call(sandbox, 'POST', '/api/v4/leads', [{ name: 'link me' }])).body
      ._embedded.leads[0].id;
    const [c1, c2] = [...sandbox.state.contacts.values()].map((c) => c.id);
    const linked = await call(sandbox, 'POST', `/api/v4/leads/${String(lead)}/link`, [
      { to_entity_id: c1, to_entity_type: 'contacts' },
      { to_entity_id: c2, to_entity_type: 'contacts', metadata: { is_main: true } },
    ]);
    expect(linked.body._embedded.links[1]).toEqual({
      entity_id: lead,
      entity_type: 'leads',
      to_entity_id: c2,
      to_entity_type: 'contacts',
      metadata: { main_contact: true },
    });
    const list = await call(sandbox, 'GET', `/api/v4/leads/${String(lead)}/links`);
    expect(
      list.body._embedded.links.map((l: any) => [l.to_entity_id, l.metadata.main_contact]),
    ).toEqual([
      [c1, false],
      [c2, true],
    ]);
    const embedded = await call(sandbox, 'GET', `/api/v4/leads/${String(lead)}?with=contacts`);
    expect(embedded.body._embedded.contacts.map((c: any) => [c.id, c.is_main])).toEqual([
      [c1, false],
      [c2, true],
    ]);
    const unlink = await call(sandbox, 'POST', `/api/v4/leads/${String(lead)}/unlink`, [
      { to_entity_id: c1, to_entity_type: 'contacts' },
    ]);
    expect(unlink.status).toBe(204);
    expect(sandbox.state.linksOf('leads', lead).map((l) => l.to_entity_id)).toEqual([c2]);
    const bad = await call(sandbox, 'POST', `/api/v4/leads/${String(lead)}/link`, [
      { to_entity_id: 1, to_entity_type: 'contacts' },
    ]);
    expect(bad.body['validation-errors'][0].errors[0]).toMatchObject({
      code: 'NotSupportedChoice',
      path: 'to_entity_id',
    });
  });
});

describe('notes', () => {
  it('adds notes to a lead and lists them scoped to the lead', async () => {
    const id = sandbox.state.leads.filter(() => true)[0]!.id;
    const res = await call(sandbox, 'POST', `/api/v4/leads/${String(id)}/notes`, [
      { note_type: 'common', params: { text: 'Chat history\nline 2' } },
    ]);
    expect(res.status).toBe(200);
    const noteId = res.body._embedded.notes[0].id;
    const list = await call(sandbox, 'GET', `/api/v4/leads/${String(id)}/notes?order[id]=desc`);
    expect(list.body._embedded.notes[0]).toMatchObject({
      id: noteId,
      entity_id: id,
      note_type: 'common',
      params: { text: 'Chat history\nline 2' },
    });
    const one = await call(sandbox, 'GET', `/api/v4/leads/notes/${String(noteId)}`);
    expect(one.body.id).toBe(noteId);
    const wrongEntity = await call(sandbox, 'GET', `/api/v4/contacts/notes/${String(noteId)}`);
    expect(wrongEntity.status).toBe(204);
  });

  it('answers 400 at params.text when a note text is longer than the limit', async () => {
    const small = await startSandbox({ rateLimit: false, noteTextMaxLength: 10 });
    try {
      const id = small.state.leads.filter(() => true)[0]!.id;
      const res = await call(small, 'POST', '/api/v4/leads/notes', [
        { entity_id: id, note_type: 'common', params: { text: 'x'.repeat(11) } },
      ]);
      expect(res.status).toBe(400);
      expect(res.body['validation-errors'][0].errors).toEqual([
        {
          code: 'TooLong',
          path: 'params.text',
          detail: 'This value is too long. It should have 10 characters or less.',
        },
      ]);
    } finally {
      await small.close();
    }
  });

  it('refuses an unknown note type and a missing entity', async () => {
    const res = await call(sandbox, 'POST', '/api/v4/leads/notes', [
      { entity_id: 1, note_type: 'telepathy', params: {} },
    ]);
    expect(res.body['validation-errors'][0].errors.map((e: any) => e.path)).toEqual([
      'entity_id',
      'note_type',
    ]);
  });
});

describe('pipelines, users, account and fields', () => {
  it('lists pipelines with 142 and 143 in every pipeline and an incoming-leads stage', async () => {
    const res = await call(sandbox, 'GET', '/api/v4/leads/pipelines');
    expect(res.body._total_items).toBe(2);
    for (const p of res.body._embedded.pipelines) {
      const ids = p._embedded.statuses.map((s: any) => s.id);
      expect(ids).toEqual(expect.arrayContaining([142, 143]));
      expect(p._embedded.statuses[0].type).toBe(1);
    }
  });

  it('creates a pipeline with renamed system stages, adds and deletes a stage', async () => {
    const res = await call(sandbox, 'POST', '/api/v4/leads/pipelines', [
      {
        name: 'Support',
        sort: 30,
        is_main: false,
        is_unsorted_on: false,
        _embedded: {
          statuses: [
            { name: 'Open', sort: 10, color: '#fffeb2' },
            { id: 142, name: 'Solved' },
          ],
        },
      },
    ]);
    const p = res.body._embedded.pipelines[0];
    expect(p.request_id).toBe('0');
    expect(
      p._embedded.statuses.map((s: any) => [s.name, s.id === 142 || s.id === 143 ? s.id : 'new']),
    ).toEqual([
      ['Open', 'new'],
      ['Solved', 142],
      ['Closed - lost', 143],
    ]);
    const added = await call(sandbox, 'POST', `/api/v4/leads/pipelines/${String(p.id)}/statuses`, [
      { name: 'Waiting', sort: 20 },
    ]);
    const statusId = added.body._embedded.statuses[0].id;
    const lead = await call(sandbox, 'POST', '/api/v4/leads', [
      { name: 'in waiting', pipeline_id: p.id, status_id: statusId },
    ]);
    expect(
      (
        await call(
          sandbox,
          'DELETE',
          `/api/v4/leads/pipelines/${String(p.id)}/statuses/${String(statusId)}`,
        )
      ).status,
    ).toBe(204);
    const moved = sandbox.state.leads.get(lead.body._embedded.leads[0].id)!;
    expect(moved.status_id).toBe(p._embedded.statuses[0].id);
    expect(
      (await call(sandbox, 'DELETE', `/api/v4/leads/pipelines/${String(p.id)}/statuses/142`))
        .status,
    ).toBe(400);
    expect((await call(sandbox, 'GET', '/api/v4/leads/pipelines/123')).status).toBe(404);
  });

  it('lists users with roles and groups, including an inactive one', async () => {
    const res = await call(sandbox, 'GET', '/api/v4/users?with=role,group');
    expect(res.body._total_items).toBe(5);
    const manager = res.body._embedded.users.find((u: any) => u.id === SEED_IDS.managerUserIds[0]);
    expect(manager._embedded).toEqual({
      roles: [{ id: 3141, name: 'Manager', _links: expect.any(Object) }],
      groups: [{ id: 0, name: 'Sales department' }],
    });
    expect(
      res.body._embedded.users.filter((u: any) => !u.rights.is_active).map((u: any) => u.id),
    ).toEqual([SEED_IDS.inactiveUserId]);
  });

  it('answers the account with task types and users groups on request', async () => {
    const plain = await call(sandbox, 'GET', '/api/v4/account');
    expect(plain.body).toMatchObject({
      id: 31204999,
      subdomain: 'sandbox',
      current_user_id: SEED_IDS.adminUserId,
    });
    expect(plain.body._embedded).toBeUndefined();
    const full = await call(
      sandbox,
      'GET',
      '/api/v4/account?with=amojo_id,task_types,users_groups,datetime_settings',
    );
    expect(full.body.amojo_id).toEqual(expect.any(String));
    expect(full.body._embedded.task_types.map((t: any) => t.code)).toEqual([
      'FOLLOW_UP',
      'MEETING',
      null,
    ]);
    expect(full.body._embedded.users_groups).toHaveLength(2);
  });

  it('lists, creates and deletes custom fields and groups with string ids', async () => {
    const list = await call(sandbox, 'GET', '/api/v4/contacts/custom_fields');
    expect(list.body._embedded.custom_fields.map((f: any) => f.code)).toEqual(
      expect.arrayContaining(['PHONE', 'EMAIL']),
    );
    const created = await call(sandbox, 'POST', '/api/v4/leads/custom_fields', [
      { name: 'Size', type: 'select', enums: [{ value: 'S' }, { value: 'L' }] },
    ]);
    expect(created.status).toBe(201);
    const field = created.body._embedded.custom_fields[0];
    expect(field.enums.map((e: any) => e.value)).toEqual(['S', 'L']);
    const used = await call(sandbox, 'POST', '/api/v4/leads', [
      { custom_fields_values: [{ field_id: field.id, values: [{ value: 'L' }] }] },
    ]);
    expect(used.status).toBe(200);
    expect(
      (await call(sandbox, 'DELETE', `/api/v4/leads/custom_fields/${String(field.id)}`)).status,
    ).toBe(204);
    expect((await call(sandbox, 'DELETE', '/api/v4/contacts/custom_fields/178382')).status).toBe(
      400,
    );
    const groups = await call(sandbox, 'GET', '/api/v4/leads/custom_fields/groups');
    expect(groups.body._embedded.custom_field_groups.map((g: any) => typeof g.id)).toEqual([
      'string',
      'string',
    ]);
    const group = await call(
      sandbox,
      'GET',
      '/api/v4/leads/custom_fields/groups/leads_29741591099841',
    );
    expect(group.body.name).toBe('Delivery');
  });

  it('subscribes, updates by destination and unsubscribes webhooks', async () => {
    const first = await call(sandbox, 'POST', '/api/v4/webhooks', {
      destination: 'https://hooks.example.com/k?secret=s',
      settings: ['add_lead'],
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      destination: 'https://hooks.example.com/k?secret=s',
      settings: ['add_lead'],
      disabled: false,
    });
    const again = await call(sandbox, 'POST', '/api/v4/webhooks', {
      destination: 'https://hooks.example.com/k?secret=s',
      settings: ['status_lead'],
    });
    expect(again.body.id).toBe(first.body.id);
    const list = await call(sandbox, 'GET', '/api/v4/webhooks');
    expect(list.body._embedded.webhooks.map((w: any) => w.settings)).toEqual([['status_lead']]);
    expect(
      (
        await call(sandbox, 'DELETE', '/api/v4/webhooks', {
          destination: 'https://hooks.example.com/k?secret=s',
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await call(sandbox, 'DELETE', '/api/v4/webhooks', {
          destination: 'https://hooks.example.com/k?secret=s',
        })
      ).status,
    ).toBe(404);
    expect((await call(sandbox, 'GET', '/api/v4/webhooks')).status).toBe(204);
  });
});
