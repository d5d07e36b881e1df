import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/sandbox/index.js';
import { call, useSandbox } from '../helpers.js';

let sandbox: Sandbox;
useSandbox((s) => (sandbox = s));

describe('tags', () => {
  it('adds and removes tags with tags_to_add and tags_to_delete', async () => {
    const id = sandbox.state.leads.filter(() => true)[0]!.id;
    await call(sandbox, 'PATCH', `/api/v4/leads/${String(id)}`, {
      tags_to_add: [{ name: 'hot' }, { name: 'b2b' }],
    });
    expect(sandbox.state.tagsOf('leads', id).map((t) => t.name)).toEqual(
      expect.arrayContaining(['hot', 'b2b']),
    );
    await call(sandbox, 'PATCH', `/api/v4/leads/${String(id)}`, {
      tags_to_delete: [{ name: 'hot' }],
    });
    expect(sandbox.state.tagsOf('leads', id).map((t) => t.name)).not.toContain('hot');
    await call(sandbox, 'PATCH', `/api/v4/leads/${String(id)}`, { _embedded: { tags: null } });
    expect(sandbox.state.tagsOf('leads', id)).toEqual([]);
    const tags = await call(sandbox, 'GET', '/api/v4/leads/tags?query=b2');
    expect(tags.body._embedded.tags.map((t: any) => t.name)).toEqual(['b2b']);
  });
});
