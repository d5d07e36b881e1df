import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/sandbox/index.js';
import { call, useSandbox } from '../helpers.js';

let sandbox: Sandbox;
useSandbox((s) => (sandbox = s));

describe('unsorted', () => {
  it('creates a form in unsorted, hides it after accept, and counts it in the summary', async () => {
    const created = await call(sandbox, 'POST', '/api/v4/leads/unsorted/forms', [
      {
        source_uid: 'landing-42',
        source_name: 'Website form',
        metadata: {
          form_id: 'f',
          form_name: 'Contact',
          form_page: 'https://example.com',
          form_sent_at: 1,
        },
        _embedded: { leads: [{ name: 'From site' }], contacts: [{ first_name: 'Ann' }] },
      },
    ]);
    const uid = created.body._embedded.unsorted[0].uid as string;
    expect(
      (await call(sandbox, 'GET', '/api/v4/leads/unsorted')).body._embedded.unsorted,
    ).toHaveLength(1);
    const accepted = await call(sandbox, 'POST', `/api/v4/leads/unsorted/${uid}/accept`, {});
    expect(accepted.body._embedded.contacts).toHaveLength(1);
    expect((await call(sandbox, 'GET', '/api/v4/leads/unsorted')).status).toBe(204);
    expect((await call(sandbox, 'POST', `/api/v4/leads/unsorted/${uid}/accept`, {})).status).toBe(
      404,
    );
    expect((await call(sandbox, 'GET', '/api/v4/leads/unsorted/summary')).body).toMatchObject({
      total: 1,
      accepted: 1,
    });
  });
});
