import { describe, expect, it } from 'vitest';
import { SEED_IDS, type Sandbox } from '../../../src/sandbox/index.js';
import { call, useSandbox } from '../helpers.js';

let sandbox: Sandbox;
useSandbox((s) => (sandbox = s));

describe('account', () => {
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
});
