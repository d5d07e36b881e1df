import { describe, expect, it } from 'vitest';
import { SEED_IDS, type Sandbox } from '../../../src/sandbox/index.js';
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
