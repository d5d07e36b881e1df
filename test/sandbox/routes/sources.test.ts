import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/sandbox/index.js';
import { call, useSandbox } from '../helpers.js';

let sandbox: Sandbox;
useSandbox((s) => (sandbox = s));

describe('sources', () => {
  it('serves sources, 204 when there are none, and refuses deleting an unknown one', async () => {
    expect((await call(sandbox, 'GET', '/api/v4/sources')).status).toBe(204);
    const src = await call(sandbox, 'POST', '/api/v4/sources', [
      { name: 'WA', external_id: 'wa-1' },
    ]);
    expect(src.body._embedded.sources[0]).toMatchObject({ name: 'WA', external_id: 'wa-1' });
    const bad = await call(sandbox, 'DELETE', '/api/v4/sources', [{ id: 999 }]);
    expect(bad.body.errors[0].errors.code).toBe('EntityNotFound');
  });
});
