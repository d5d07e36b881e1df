import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/sandbox/index.js';
import { call, useSandbox } from '../helpers.js';

let sandbox: Sandbox;
useSandbox((s) => (sandbox = s));

describe('catalogs', () => {
  it('adds an element to a seeded catalog', async () => {
    const catalogs = await call(sandbox, 'GET', '/api/v4/catalogs');
    const catalogId = catalogs.body._embedded.catalogs[0].id as number;
    const el = await call(sandbox, 'POST', `/api/v4/catalogs/${String(catalogId)}/elements`, [
      { name: 'Case' },
    ]);
    expect(el.body._embedded.elements[0]).toMatchObject({ name: 'Case', catalog_id: catalogId });
  });
});
