import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { Kommo } from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { fixture } from './support.js';

/** Adds an unknown key to every object of a fixture, at every depth. */
function probe<T>(value: T): T {
  if (Array.isArray(value)) return value.map(probe) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = probe(v);
    out['x_added_by_kommo_later'] = { nested: [1, 'two', null] };
    return out as T;
  }
  return value;
}

type Case = {
  file: string;
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  call: (kommo: Kommo) => Promise<unknown>;
  /** The part of the answer the SDK returns. */
  expected: (answer: any) => unknown;
};

const CASES: Case[] = [
  {
    file: 'leads_list_embedded.json',
    method: 'GET',
    path: '/api/v4/leads',
    call: async (k) => (await k.leads.list({ page: 2, limit: 3 })).items,
    expected: (a) => a._embedded.leads,
  },
  {
    file: 'lead_single_with_embedded.json',
    method: 'GET',
    path: '/api/v4/leads/3912171',
    call: (k) => k.leads.get(3912171),
    expected: (a) => a,
  },
  {
    file: 'lead_with_nulls.json',
    method: 'GET',
    path: '/api/v4/leads/33550107',
    call: (k) => k.leads.get(33550107),
    expected: (a) => a,
  },
  {
    file: 'leads_created_response.json',
    method: 'POST',
    path: '/api/v4/leads',
    call: (k) => k.leads.createMany([{}, { request_id: 'my-crm-order-77' }]),
    expected: (a) => a._embedded.leads,
  },
  {
    file: 'leads_updated_response.json',
    method: 'PATCH',
    path: '/api/v4/leads/54886',
    call: (k) => k.leads.update(54886, { name: 'x' }),
    expected: (a) => a._embedded.leads[0],
  },
  {
    file: 'leads_complex_response.json',
    method: 'POST',
    path: '/api/v4/leads/complex',
    call: (k) =>
      k.leads.createComplex([
        { request_id: 'qweasd' },
        { request_id: 'uns_qweasd' },
        { request_id: 'uns_qweasd_dup' },
      ]),
    expected: (a) => a,
  },
  {
    file: 'contacts_list_multitext.json',
    method: 'GET',
    path: '/api/v4/contacts',
    call: async (k) => (await k.contacts.list({ limit: 3 })).items,
    expected: (a) => a._embedded.contacts,
  },
  {
    file: 'contacts_created_response.json',
    method: 'POST',
    path: '/api/v4/contacts',
    call: (k) => k.contacts.createMany([{}, {}]),
    expected: (a) => a._embedded.contacts,
  },
  {
    file: 'pipelines_list.json',
    method: 'GET',
    path: '/api/v4/leads/pipelines',
    call: async (k) => (await k.pipelines.list()).items,
    expected: (a) => a._embedded.pipelines,
  },
  {
    file: 'pipeline_status_with_descriptions.json',
    method: 'GET',
    path: '/api/v4/leads/pipelines/3177727/statuses/32392159',
    call: (k) => k.pipelines.statuses.get(3177727, 32392159),
    expected: (a) => a,
  },
  {
    file: 'users_list_with_rights.json',
    method: 'GET',
    path: '/api/v4/users',
    call: async (k) => (await k.users.list()).items,
    expected: (a) => a._embedded.users,
  },
  {
    file: 'account_with_all.json',
    method: 'GET',
    path: '/api/v4/account',
    call: (k) => k.account.get(),
    expected: (a) => a,
  },
  {
    file: 'notes_list_mixed_types.json',
    method: 'GET',
    path: '/api/v4/leads/notes',
    call: async (k) => (await k.notes.list('leads')).items,
    expected: (a) => a._embedded.notes,
  },
  {
    file: 'custom_fields_leads_definitions.json',
    method: 'GET',
    path: '/api/v4/leads/custom_fields',
    call: async (k) => (await k.customFields.list('leads')).items,
    expected: (a) => a._embedded.custom_fields,
  },
  {
    file: 'custom_field_groups.json',
    method: 'GET',
    path: '/api/v4/leads/custom_fields/groups',
    call: async (k) => (await k.customFields.groups.list('leads')).items,
    expected: (a) => a._embedded.custom_field_groups,
  },
];

describe('every API fixture of these resources parses and keeps unknown fields', () => {
  it.each(CASES.map((c) => [c.file, c] as const))('%s', async (_file, c) => {
    const answer = probe(fixture(c.file));
    const scope = nock(HOST);
    const interceptor =
      c.method === 'GET'
        ? scope.get(c.path)
        : c.method === 'POST'
          ? scope.post(c.path)
          : scope.patch(c.path);
    interceptor.query(true).reply(200, answer, { 'content-type': 'application/hal+json' });
    const result = await c.call(testClient());
    expect(result).toEqual(c.expected(answer));
    expect(JSON.stringify(result)).toContain('x_added_by_kommo_later');
  });
});
