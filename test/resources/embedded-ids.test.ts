// Kommo lists some `_embedded` references as bare ids (a role's users), others as objects; every
// list of references accepts either, keeps what Kommo sent, and embeddedIds() reads both.
import nock from 'nock';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { embeddedIds, type IdOrObject, type Kommo, type Role } from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { fixture } from './support.js';

type Case = {
  what: string;
  /** The answer Kommo sends for the entity, with its `_embedded` lists as objects. */
  answer: () => Record<string, any>;
  path: string;
  call: (kommo: Kommo) => Promise<{ _embedded?: Record<string, unknown> | null | undefined }>;
  /** Every `_embedded` list of references of this entity. */
  lists: string[];
};

const CASES: Case[] = [
  {
    what: 'lead',
    answer: () => fixture('lead_single_with_embedded.json'),
    path: '/api/v4/leads/3912171',
    call: (k) => k.leads.get(3912171),
    lists: ['tags', 'contacts', 'companies', 'catalog_elements', 'loss_reason'],
  },
  {
    what: 'contact',
    answer: () => fixture('contacts_list_multitext.json')._embedded.contacts[0],
    path: '/api/v4/contacts/406322',
    call: (k) => k.contacts.get(406322),
    lists: ['tags', 'companies', 'leads', 'customers', 'catalog_elements'],
  },
  {
    what: 'company',
    answer: () => ({
      id: 406320,
      name: 'Acme',
      _embedded: { tags: [], contacts: [{ id: 406322 }] },
    }),
    path: '/api/v4/companies/406320',
    call: (k) => k.companies.get(406320),
    lists: ['tags', 'contacts', 'leads', 'customers', 'catalog_elements'],
  },
  {
    what: 'unsorted item',
    answer: () => ({ uid: 'a1b2c3', category: 'forms', _embedded: { leads: [{ id: 5 }] } }),
    path: '/api/v4/leads/unsorted/a1b2c3',
    call: (k) => k.unsorted.get('a1b2c3'),
    lists: ['leads', 'contacts', 'companies', 'customers'],
  },
  {
    what: 'user',
    answer: () => fixture('users_list_with_rights.json')._embedded.users[1],
    path: '/api/v4/users/8375358',
    call: (k) => k.users.get(8375358),
    lists: ['roles', 'groups'],
  },
  {
    what: 'role',
    answer: () => fixture('roles_list_user_ids.json')._embedded.roles[0],
    path: '/api/v4/roles/3141',
    call: (k) => k.users.roles.get(3141),
    lists: ['users'],
  },
];

/** The ids of a list as the fixture has it, or made-up ones when the fixture has none. */
function idsOf(list: unknown): number[] {
  const entries = Array.isArray(list) ? list : list ? [list] : [];
  const ids = entries.map((e) => (typeof e === 'number' ? e : (e as { id: number }).id));
  return ids.length > 0 ? ids : [101, 102];
}

function answerWith(c: Case, list: string, value: unknown): Record<string, any> {
  const answer = c.answer();
  answer['id'] ??= 1;
  answer['_embedded'] = { ...answer['_embedded'], [list]: value };
  return answer;
}

async function read(c: Case, answer: Record<string, any>) {
  nock(HOST).get(c.path).query(true).reply(200, answer);
  return c.call(testClient());
}

describe('_embedded lists of references', () => {
  const rows = CASES.flatMap((c) => c.lists.map((list) => [c.what, list, c] as const));

  it.each(rows)(
    '%s _embedded.%s: a list of bare ids parses and is kept as sent',
    async (_w, list, c) => {
      const ids = idsOf(c.answer()['_embedded']?.[list]);
      const result = await read(c, answerWith(c, list, ids));
      expect(result._embedded?.[list]).toEqual(ids);
      expect(embeddedIds(result._embedded?.[list] as Array<IdOrObject<{ id: number }>>)).toEqual(
        ids,
      );
    },
  );

  it.each(rows)('%s _embedded.%s: ids and objects mixed in one list parse', async (_w, list, c) => {
    const [first = 101, second = 102] = idsOf(c.answer()['_embedded']?.[list]);
    const result = await read(c, answerWith(c, list, [first, { id: second }]));
    expect(result._embedded?.[list]).toEqual([first, { id: second }]);
    expect(embeddedIds(result._embedded?.[list] as Array<IdOrObject<{ id: number }>>)).toEqual([
      first,
      second,
    ]);
  });

  it('a lead loss_reason given as one bare id (not a list) parses', async () => {
    const lead = CASES[0]!;
    const result = await read(lead, answerWith(lead, 'loss_reason', 4203748));
    expect(result._embedded?.['loss_reason']).toBe(4203748);
  });

  it('still refuses what is neither an id nor an object (a string where users go)', async () => {
    const role = CASES.find((c) => c.what === 'role')!;
    await expect(read(role, answerWith(role, 'users', ['5012345']))).rejects.toMatchObject({
      code: 'invalid_response',
    });
  });

  it('types each entry as the id or the object, so reading a field needs a narrowing', () => {
    type Entry = NonNullable<NonNullable<Role['_embedded']>['users']>[number];
    expectTypeOf<number>().toExtend<Entry>();
    expectTypeOf<{ id: number }>().toExtend<Entry>();
    expectTypeOf<Entry>().not.toExtend<{ id: number }>();
    expectTypeOf(embeddedIds).returns.toEqualTypeOf<number[]>();
  });
});
