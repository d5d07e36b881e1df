/** The pure parts of the server, in process: tokens, queries, diffs, cursors. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIRMATION_TTL_MS, Confirmations, canonicalJson } from '../src/confirm.js';
import { changesOf } from '../src/diff.js';
import { parseQuery } from '../src/dry-run.js';
import { ToolError } from '../src/errors.js';
import { nextCursor, pageRequest } from '../src/paging.js';
import { VERSION } from '../src/version.js';

describe('confirmation tokens', () => {
  const subject = {
    tool: 'update_leads',
    args: { ids: [3, 1, 2], set: { price: 5 } },
    ids: [1, 2, 3],
  };

  it('verify for the same tool, arguments and entities, whatever the key order or the dry_run flag', () => {
    const c = new Confirmations();
    const token = c.issue({ ...subject, args: { ...subject.args, dry_run: true } });
    expect(
      c.verify(
        { ...subject, args: { set: { price: 5 }, ids: [3, 1, 2], confirmation_token: token } },
        token,
      ),
    ).toBe(true);
    expect(c.verify({ ...subject, ids: [3, 2, 1] }, token)).toBe(true);
  });

  it('refuse other arguments, other entities, another tool, another process, a forged or an expired token', () => {
    let now = 1_000_000;
    const c = new Confirmations({ now: () => now });
    const token = c.issue(subject);
    expect(c.verify({ ...subject, args: { ...subject.args, set: { price: 6 } } }, token)).toBe(
      false,
    );
    expect(c.verify({ ...subject, ids: [1, 2, 3, 4] }, token)).toBe(false);
    expect(c.verify({ ...subject, tool: 'move_leads' }, token)).toBe(false);
    expect(new Confirmations().verify(subject, token)).toBe(false);
    expect(c.verify(subject, undefined)).toBe(false);
    expect(c.verify(subject, 'zz.not-a-token')).toBe(false);
    const [exp, mac] = token.split('.') as [string, string];
    expect(c.verify(subject, `${(parseInt(exp, 36) + 1).toString(36)}.${mac}`)).toBe(false);
    now += CONFIRMATION_TTL_MS + 1;
    expect(c.verify(subject, token)).toBe(false);
  });

  it('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });
});

describe('dry-run queries', () => {
  it('read back the nested query the SDK serialised in brackets', () => {
    const search = new URLSearchParams(
      'with=contacts,loss_reason&filter[id][]=1&filter[id][]=2&filter[statuses][0][pipeline_id]=3&filter[statuses][0][status_id]=4&filter[statuses][1][pipeline_id]=5&filter[statuses][1][status_id]=6&filter[updated_at][from]=7&page=2&limit=50',
    );
    expect(JSON.parse(JSON.stringify(parseQuery(search)))).toEqual({
      with: 'contacts,loss_reason',
      filter: {
        id: ['1', '2'],
        statuses: [
          { pipeline_id: '3', status_id: '4' },
          { pipeline_id: '5', status_id: '6' },
        ],
        updated_at: { from: '7' },
      },
      page: '2',
      limit: '50',
    });
  });

  it('never touch prototypes', () => {
    const parsed = parseQuery(
      new URLSearchParams('__proto__[polluted]=1&constructor[prototype][x]=2'),
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(parsed)).toBeNull();
  });
});

describe('diffs', () => {
  it('show each changed field with its current and new value, custom fields and tags included', () => {
    const current = {
      id: 1,
      name: 'Old',
      price: 10,
      custom_fields_values: [{ field_id: 7, values: [{ value: 'a' }] }],
      _embedded: { tags: [{ id: 1, name: 'hot' }] },
    };
    expect(
      changesOf(current, {
        id: 1,
        name: 'Old',
        price: 20,
        custom_fields_values: [
          { field_id: 7, values: [{ value: 'b' }] },
          { field_id: 8, values: [{ enum_id: 3 }] },
        ],
        tags_to_add: [{ name: 'vip' }],
        tags_to_delete: [{ name: 'hot' }],
      }),
    ).toEqual({
      price: { from: 10, to: 20 },
      'custom_fields_values.7': { from: [{ value: 'a' }], to: [{ value: 'b' }] },
      'custom_fields_values.8': { from: null, to: [{ enum_id: 3 }] },
      tags: { from: ['hot'], to: [] },
    });
  });
});

describe('cursors', () => {
  it('carry the next page and the page size', () => {
    const cursor = nextCursor({ page: 1, limit: 7 }, true) as string;
    expect(pageRequest({ cursor, limit: 50 })).toEqual({ page: 2, limit: 7 });
    expect(nextCursor({ page: 3, limit: 7 }, false)).toBeNull();
  });

  it('refuse a cursor this server did not make, naming the argument', () => {
    for (const cursor of [
      'garbage',
      Buffer.from('{"p":0,"l":5}').toString('base64url'),
      Buffer.from('[]').toString('base64url'),
    ]) {
      let caught: unknown;
      try {
        pageRequest({ cursor });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ToolError);
      expect((caught as ToolError).details.issues?.[0]?.field).toBe('cursor');
    }
  });
});

it('VERSION matches package.json', () => {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  expect(VERSION).toBe(pkg.version);
});
