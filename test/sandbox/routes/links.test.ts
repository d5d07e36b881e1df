import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/sandbox/index.js';
import { call, useSandbox } from '../helpers.js';

let sandbox: Sandbox;
useSandbox((s) => (sandbox = s));

describe('links', () => {
  it('links, lists and unlinks contacts of a lead with a main contact', async () => {
    const lead = (await call(sandbox, 'POST', '/api/v4/leads', [{ name: 'link me' }])).body
      ._embedded.leads[0].id;
    const [c1, c2] = [...sandbox.state.contacts.values()].map((c) => c.id);
    const linked = await call(sandbox, 'POST', `/api/v4/leads/${String(lead)}/link`, [
      { to_entity_id: c1, to_entity_type: 'contacts' },
      { to_entity_id: c2, to_entity_type: 'contacts', metadata: { is_main: true } },
    ]);
    expect(linked.body._embedded.links[1]).toEqual({
      entity_id: lead,
      entity_type: 'leads',
      to_entity_id: c2,
      to_entity_type: 'contacts',
      metadata: { main_contact: true },
    });
    const list = await call(sandbox, 'GET', `/api/v4/leads/${String(lead)}/links`);
    expect(
      list.body._embedded.links.map((l: any) => [l.to_entity_id, l.metadata.main_contact]),
    ).toEqual([
      [c1, false],
      [c2, true],
    ]);
    const embedded = await call(sandbox, 'GET', `/api/v4/leads/${String(lead)}?with=contacts`);
    expect(embedded.body._embedded.contacts.map((c: any) => [c.id, c.is_main])).toEqual([
      [c1, false],
      [c2, true],
    ]);
    const unlink = await call(sandbox, 'POST', `/api/v4/leads/${String(lead)}/unlink`, [
      { to_entity_id: c1, to_entity_type: 'contacts' },
    ]);
    expect(unlink.status).toBe(204);
    expect(sandbox.state.linksOf('leads', lead).map((l) => l.to_entity_id)).toEqual([c2]);
    const bad = await call(sandbox, 'POST', `/api/v4/leads/${String(lead)}/link`, [
      { to_entity_id: 1, to_entity_type: 'contacts' },
    ]);
    expect(bad.body['validation-errors'][0].errors[0]).toMatchObject({
      code: 'NotSupportedChoice',
      path: 'to_entity_id',
    });
  });
});
