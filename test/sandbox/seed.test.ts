import { afterEach, describe, expect, it } from 'vitest';
import { SEED_IDS, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { call } from './helpers.js';

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

async function start(options: Parameters<typeof startSandbox>[0]): Promise<Sandbox> {
  const s = await startSandbox(options);
  sandboxes.push(s);
  return s;
}

describe('seed', () => {
  it('gives the same data for the same random seed and different data for another', async () => {
    const a = await start({ seed: { leads: 5000, random: 3 }, rateLimit: false });
    const b = await start({ seed: { leads: 5000, random: 3 }, rateLimit: false });
    const c = await start({ seed: { leads: 5000, random: 4 }, rateLimit: false });
    const page = async (s: Sandbox): Promise<unknown> =>
      (await call(s, 'GET', '/api/v4/leads?limit=250&page=15')).body._embedded.leads.map(
        (l: any) => [l.id, l.name, l.price, l.status_id],
      );
    expect(await page(a)).toEqual(await page(b));
    expect(await page(a)).not.toEqual(await page(c));
  });

  it('serves 100,000 lazily generated leads page by page and by id', async () => {
    const s = await start({ seed: { leads: 100_000 }, rateLimit: false });
    expect(s.state.leads.size).toBe(100_000);
    const last = await call(s, 'GET', '/api/v4/leads?limit=250&page=400');
    expect(last.body._embedded.leads).toHaveLength(250);
    expect(last.body._links.next).toBeUndefined();
    expect((await call(s, 'GET', '/api/v4/leads?limit=250&page=401')).status).toBe(204);
    const id = last.body._embedded.leads[249].id;
    expect((await call(s, 'GET', `/api/v4/leads/${String(id)}`)).body.id).toBe(id);
    const updated = await call(s, 'PATCH', `/api/v4/leads/${String(id)}`, { name: 'Changed' });
    expect(updated.status).toBe(200);
    expect(s.state.leads.get(id)!.name).toBe('Changed');
  });

  it('holds a realistic account: admin, managers and an inactive user, two pipelines, PHONE and EMAIL fields', async () => {
    const s = await start({ rateLimit: false });
    expect([...s.state.users.values()].map((u) => u.rights.is_active)).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(s.state.pipelines.size).toBe(2);
    expect(
      s.state.customFields.filter((f) => f.entity_type === 'contacts').map((f) => f.code),
    ).toEqual(expect.arrayContaining(['PHONE', 'EMAIL']));
    expect(
      new Set(s.state.customFields.filter((f) => f.entity_type === 'leads').map((f) => f.type)),
    ).toEqual(
      new Set([
        'text',
        'numeric',
        'checkbox',
        'select',
        'multiselect',
        'date',
        'date_time',
        'url',
        'textarea',
        'radiobutton',
        'tracking_data',
      ]),
    );
    expect(s.state.notes.size).toBeGreaterThan(0);
    expect(s.state.contacts.size).toBe(12);
    expect(s.state.companies.size).toBe(4);
    expect(s.state.leads.get(20_000_001)!.responsible_user_id).not.toBe(SEED_IDS.inactiveUserId);
  });

  it('starts an empty account with seed false and restores the seed on reset', async () => {
    const s = await start({ seed: false, rateLimit: false });
    expect((await call(s, 'GET', '/api/v4/leads')).status).toBe(204);
    await call(s, 'POST', '/api/v4/leads', [{ name: 'one' }]);
    expect(s.state.leads.size).toBe(1);
    s.reset();
    expect(s.state.leads.size).toBe(0);
    expect(s.requests).toHaveLength(0);
  });
});
