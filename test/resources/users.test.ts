import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { NotFoundError, RequestValidationError, embeddedIds } from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { fixture } from './support.js';

const json = { 'content-type': 'application/hal+json' };

describe('users', () => {
  it('lists users with roles, groups and rights, including null status rights and no _embedded', async () => {
    nock(HOST)
      .get('/api/v4/users')
      .query({ with: 'role,group,amojo_id,user_rank,uuid', page: '1', limit: '250' })
      .reply(200, fixture('users_list_with_rights.json'), json);
    const users = await testClient()
      .users.list({ with: ['role', 'group', 'amojo_id', 'user_rank', 'uuid'] })
      .toArray({ max: 100 });
    expect(users.map((u) => u.id)).toEqual([8375357, 321321, 11940747]);
    const [admin, manager, reader] = users;
    expect(admin!.rights).toMatchObject({ is_admin: true, status_rights: null, group_id: null });
    expect(manager!.rights?.leads).toEqual({
      view: 'A',
      edit: 'A',
      add: 'G',
      delete: 'D',
      export: 'M',
    });
    expect(manager!.rights?.status_rights?.[1]?.rights).toEqual({
      view: 'A',
      edit: 'A',
      delete: 'D',
    });
    expect(manager!.rights?.catalog_rights?.[0]?.catalog_id).toBe(4521);
    expect(manager!._embedded?.roles?.[0]).toMatchObject({ name: 'Manager' });
    expect(manager!.phone_number).toBe('+5511999990000');
    expect(reader!._embedded).toBeUndefined();
    expect(reader!.rights?.is_active).toBe(false);
  });

  it('stops after the last page that _page_count announces', async () => {
    nock(HOST)
      .get('/api/v4/users')
      .query({ page: '1', limit: '1' })
      .reply(
        200,
        { _page: 1, _page_count: 1, _links: {}, _embedded: { users: [{ id: 1 }] } },
        json,
      );
    const page = await testClient().users.list({ limit: 1 });
    expect(page.hasNextPage()).toBe(false);
  });

  it('gets one user with extra data and maps a 204 to NotFoundError', async () => {
    const list = fixture('users_list_with_rights.json');
    nock(HOST)
      .get('/api/v4/users/321321')
      .query({ with: 'role,phone_number' })
      .reply(200, list._embedded.users[1], json)
      .get('/api/v4/users/9')
      .reply(204);
    const client = testClient();
    await expect(
      client.users.get(321321, { with: ['role', 'phone_number'] }),
    ).resolves.toMatchObject({ name: 'Sales Manager' });
    await expect(client.users.get(9)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses an unknown with value before sending', async () => {
    await expect(
      testClient()
        .users.list({ with: ['roles' as never] })
        .toArray({ max: 1 }),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });

  it('lists and gets roles', async () => {
    nock(HOST)
      .get('/api/v4/roles')
      .query({ with: 'users', page: '1', limit: '250' })
      .reply(
        200,
        {
          _page: 1,
          _embedded: {
            roles: [
              {
                id: 3141,
                name: 'Manager',
                rights: { leads: { view: 'A' } },
                _embedded: { users: [{ id: 321321 }] },
              },
            ],
          },
        },
        json,
      )
      .get('/api/v4/roles/3141')
      .reply(200, { id: 3141, name: 'Manager' }, json);
    const client = testClient();
    const roles = await client.users.roles.list({ with: ['users'] });
    expect(embeddedIds(roles.items[0]!._embedded?.users)[0]).toBe(321321);
    await expect(client.users.roles.get(3141)).resolves.toMatchObject({ name: 'Manager' });
  });

  it('creates a role (201 collection), updates one (202, the role) and deletes one', async () => {
    const role = { id: 3200, name: 'Sales', rights: { leads: { view: 'A' }, status_rights: null } };
    nock(HOST)
      .post('/api/v4/roles', [{ name: 'Sales', rights: { leads: { view: 'A' } } }])
      .reply(201, { _embedded: { roles: [{ ...role, request_id: '0' }] } }, json)
      .patch('/api/v4/roles/3200', { rights: { status_rights: null } })
      .reply(202, role, json)
      .delete('/api/v4/roles/3200')
      .reply(204);
    const roles = testClient().users.roles;
    expect((await roles.create({ name: 'Sales', rights: { leads: { view: 'A' } } })).id).toBe(3200);
    expect(await roles.update(3200, { rights: { status_rights: null } })).toMatchObject({
      name: 'Sales',
    });
    await roles.delete(3200);
    await expect(roles.update(3200, {})).rejects.toBeInstanceOf(RequestValidationError);
  });
});
