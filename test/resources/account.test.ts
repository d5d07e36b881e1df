import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { fixture } from './support.js';

describe('account.get', () => {
  it('reads the account with task types, user groups and date settings', async () => {
    nock(HOST)
      .get('/api/v4/account')
      .query({ with: 'datetime_settings,task_types,users_groups,entity_names' })
      .reply(200, fixture('account_with_all.json'), { 'content-type': 'application/hal+json' });
    const account = await testClient().account.get({
      with: ['datetime_settings', 'task_types', 'users_groups', 'entity_names'],
    });
    expect(account).toMatchObject({
      id: 31204999,
      subdomain: 'acmesales',
      currency: 'BRL',
      is_api_filter_enabled: true,
    });
    expect(account._embedded?.datetime_settings?.timezone).toBe('America/Sao_Paulo');
    expect(account._embedded?.task_types?.map((t) => t.code)).toEqual([
      'FOLLOW_UP',
      'MEETING',
      null,
    ]);
    expect(account._embedded?.users_groups?.[0]).toEqual({
      id: 0,
      name: 'Sales department',
      uuid: null,
    });
    expect(account.entity_names).toHaveProperty('leads');
  });

  it('sends no with when none is asked', async () => {
    nock(HOST).get('/api/v4/account').reply(200, { id: 1 });
    await expect(testClient().account.get()).resolves.toEqual({ id: 1 });
  });

  it('refuses an unknown with value', async () => {
    await expect(
      testClient().account.get({ with: ['everything' as never] }),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });
});
