import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
  {
    file: 'roles_list_user_ids.json',
    method: 'GET',
    path: '/api/v4/roles',
    call: async (k) => (await k.users.roles.list({ with: ['users'] })).items,
    expected: (a) => a._embedded.roles,
  },
  {
    file: 'tasks_list.json',
    method: 'GET',
    path: '/api/v4/tasks',
    call: async (k) => (await k.tasks.list()).items,
    expected: (a) => a._embedded.tasks,
  },
  {
    file: 'events_list.json',
    method: 'GET',
    path: '/api/v4/events',
    call: async (k) => (await k.events.list()).items,
    expected: (a) => a._embedded.events,
  },
  {
    file: 'links_list.json',
    method: 'GET',
    path: '/api/v4/leads/7593303/links',
    call: async (k) => (await k.links.list('leads', 7593303)).items,
    expected: (a) => a._embedded.links,
  },
  {
    file: 'webhooks_subscriptions_list.json',
    method: 'GET',
    path: '/api/v4/webhooks',
    call: async (k) => (await k.webhooks.list()).items,
    expected: (a) => a._embedded.webhooks,
  },
  {
    file: 'customers_list.json',
    method: 'GET',
    path: '/api/v4/customers',
    call: async (k) => (await k.customers.list()).items,
    expected: (a) => a._embedded.customers,
  },
  {
    file: 'talk_single.json',
    method: 'GET',
    path: '/api/v4/talks/1037',
    call: (k) => k.talks.get(1037),
    expected: (a) => a,
  },
  {
    file: 'widgets_list.json',
    method: 'GET',
    path: '/api/v4/widgets',
    call: async (k) => (await k.widgets.list()).items,
    expected: (a) => a._embedded.widgets,
  },
  {
    file: 'chat_templates_list_with_reviews.json',
    method: 'GET',
    path: '/api/v4/chats/templates',
    call: async (k) => (await k.chatTemplates.list({ with: ['reviews'] })).items,
    expected: (a) => a._embedded.chat_templates,
  },
  {
    file: 'website_buttons_list.json',
    method: 'GET',
    path: '/api/v4/website_buttons',
    call: async (k) => (await k.websiteButtons.list({ with: ['scripts'] })).items,
    expected: (a) => a._embedded.website_buttons,
  },
  {
    file: 'currencies_list.json',
    method: 'GET',
    path: '/api/v4/currencies',
    call: async (k) => (await k.currencies.list()).items,
    expected: (a) => a._embedded.currencies,
  },
  {
    file: 'entity_subscriptions_list.json',
    method: 'GET',
    path: '/api/v4/leads/9812031/subscriptions',
    call: async (k) => (await k.entitySubscriptions.list('leads', 9812031)).items,
    expected: (a) => a._embedded.subscriptions,
  },
];

/**
 * The JSON fixtures that are not API answers of a resource, and the tests that parse them: error
 * bodies go through the error mapping, OAuth answers through KommoOAuth, webhook bodies and
 * signature vectors through the webhook parser and verifiers.
 */
const PARSED_ELSEWHERE: Record<string, string> = {
  'error_400_validation.json': 'test/core/http.test.ts',
  'error_401_unauthorized.json': 'test/core/http.test.ts',
  'error_402_payment_required.json': 'test/core/http.test.ts',
  'error_404_route.json': 'test/core/http.test.ts',
  'error_422_limit.json': 'test/core/http.test.ts',
  'error_429_too_many_requests.json': 'test/core/http.test.ts',
  'error_500_internal.json': 'test/core/http.test.ts',
  'oauth_error_code_expired.json': 'test/core/oauth.test.ts',
  'oauth_error_refresh_revoked_401.json': 'test/core/oauth.test.ts',
  'oauth_token_response.json': 'test/core/oauth.test.ts',
  'chats_webhook_v2.json': 'test/webhooks/parse.test.ts',
  'signature_vectors.json': 'test/webhooks/verify.test.ts',
  'webhook_lead_status_won.decoded.json': 'test/webhooks/parse.test.ts',
  // Batch answers with refused items: their outcomes are the point.
  'calls_created_response.json': 'test/resources/calls.test.ts',
  'calls_error_400_entity_not_found.json': 'test/resources/calls.test.ts',
  'short_links_created.json': 'test/resources/short-links.test.ts',
  'drive_session.json': 'test/resources/files.test.ts',
  'drive_upload_part.json': 'test/resources/files.test.ts',
  'drive_file.json': 'test/resources/files.test.ts',
  'drive_files_list.json': 'test/resources/files.test.ts',
  'drive_file_versions.json': 'test/resources/files.test.ts',
  'entity_files_list.json': 'test/resources/files.test.ts',
  'file_links.json': 'test/resources/files.test.ts',
  'salesbot_widget_request.json': 'test/salesbot/handler.test.ts',
};

describe('every API fixture of these resources parses and keeps unknown fields', () => {
  it('covers every JSON fixture in test/fixtures: a new one needs a case here or a parser test', () => {
    const dir = fileURLToPath(new URL('../fixtures/', import.meta.url));
    const json = readdirSync(dir).filter((f) => f.endsWith('.json'));
    const covered = new Set([...CASES.map((c) => c.file), ...Object.keys(PARSED_ELSEWHERE)]);
    expect(json.filter((f) => !covered.has(f))).toEqual([]);
    for (const [file, test] of Object.entries(PARSED_ELSEWHERE)) {
      const source = readFileSync(fileURLToPath(new URL(`../../${test}`, import.meta.url)), 'utf8');
      expect(source, `${test} reads ${file}`).toContain(file);
    }
  });

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
