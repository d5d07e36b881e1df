import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/sandbox/index.js';
import { call, useSandbox } from '../helpers.js';

let sandbox: Sandbox;
useSandbox((s) => (sandbox = s));

describe('custom fields', () => {
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
});
