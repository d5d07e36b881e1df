import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/sandbox/index.js';
import { call, useSandbox } from '../helpers.js';

let sandbox: Sandbox;
useSandbox((s) => (sandbox = s));

describe('contacts', () => {
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
});
