import { describe, expect, it } from 'vitest';
import { SEED_IDS, type Sandbox } from '../../../src/sandbox/index.js';
import { NotFoundError, RequestValidationError } from '../../../src/index.js';
import { useSandbox as useSdkSandbox } from '../../support/sandbox.js';
import { call, useSandbox } from '../helpers.js';

let sandbox: Sandbox;
useSandbox((s) => (sandbox = s));

describe('users', () => {
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
});

describe('roles, through the SDK', () => {
  const { client } = useSdkSandbox();

  it('creates a role with rights, updates it, lists it and deletes it', async () => {
    const kommo = client();
    const role = await kommo.users.roles.create({
      name: 'Sales',
      rights: {
        leads: { view: 'A', edit: 'G', add: 'A', delete: 'D', export: 'D' },
        mail_access: true,
      },
    });
    expect(role.rights).toMatchObject({
      leads: { view: 'A', edit: 'G' },
      contacts: { view: 'D' },
      mail_access: true,
    });
    const updated = await kommo.users.roles.update(role.id, {
      name: 'Sales EU',
      rights: { status_rights: [] },
    });
    expect(updated).toMatchObject({ name: 'Sales EU', rights: { status_rights: null } });
    const all = await kommo.users.roles.list().toArray({ max: 50 });
    expect(all.map((r) => r.name)).toEqual(expect.arrayContaining(['Manager', 'Sales EU']));
    expect((await kommo.users.roles.get(role.id)).name).toBe('Sales EU');
    await kommo.users.roles.delete(role.id);
    await expect(kommo.users.roles.get(role.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a right letter Kommo does not have before sending', async () => {
    const kommo = client();
    await expect(
      kommo.users.roles.create({ name: 'Bad', rights: { leads: { view: 'X' as 'A' } } }),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });
});
