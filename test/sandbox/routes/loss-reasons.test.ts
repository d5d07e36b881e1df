import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/sandbox/index.js';
import { call, useSandbox } from '../helpers.js';

let sandbox: Sandbox;
useSandbox((s) => (sandbox = s));

describe('loss reasons', () => {
  it('creates and deletes a loss reason', async () => {
    const reason = await call(sandbox, 'POST', '/api/v4/leads/loss_reasons', [{ name: 'Timing' }]);
    const rid = reason.body._embedded.loss_reasons[0].id as number;
    expect(
      (await call(sandbox, 'DELETE', `/api/v4/leads/loss_reasons/${String(rid)}`)).status,
    ).toBe(204);
  });
});
