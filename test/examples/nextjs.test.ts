import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, Kommo } from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createKommoApiRoute } from '../../examples/nextjs/api-route.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function setup(authorize: () => boolean = () => true) {
  sandbox = await startSandbox({ rateLimit: false });
  const metrics = createMetrics();
  const kommo = metrics.attach(
    new Kommo({
      baseUrl: sandbox.url,
      accessToken: sandbox.accessToken,
      rateLimit: false,
      hooks: metrics.hooks,
    }),
  );
  return { s: sandbox, route: createKommoApiRoute({ kommo, authorize, metrics }) };
}

const post = (body: unknown) =>
  new Request('http://app.test/api/kommo', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('the Next.js API route', () => {
  it('creates a lead from a chat through an allow-listed action', async () => {
    const { s, route } = await setup();
    const response = await route(
      post({
        action: 'createLeadFromChat',
        input: {
          contact: { name: 'Ann', phone: '+15550107777' },
          messages: [{ from: 'Ann', text: 'Hi' }],
        },
      }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { leadId: number; contactId: number };
    expect(s.state.leads.get(body.leadId)).toBeDefined();
    expect(s.state.linksOf('leads', body.leadId).map((l) => l.to_entity_id)).toContain(
      body.contactId,
    );
    const text = JSON.stringify(body);
    expect(text).not.toContain(s.accessToken);
  });

  it('refuses unknown actions, bad input and unauthorized callers without calling Kommo', async () => {
    let allow = true;
    const { s, route } = await setup(() => allow);
    expect(
      (await route(post({ action: 'request', input: { path: '/api/v4/users' } }))).status,
    ).toBe(400);
    expect(
      (await route(post({ action: 'qualifyLead', input: { leadId: -1, won: 'yes' } }))).status,
    ).toBe(422);
    expect(
      (
        await route(
          post({ action: 'createLeadFromChat', input: { contact: { name: 'No phone' } } }),
        )
      ).status,
    ).toBe(422);
    allow = false;
    expect((await route(post({ action: 'syncStatus', input: {} }))).status).toBe(401);
    expect(s.stats.requests).toBe(0);
  });

  it('qualifies a lead and reports the sync status from the metrics', async () => {
    const { s, route } = await setup();
    const lead = [...s.state.leads.values()].find(
      (l) => l.status_id !== 142 && l.status_id !== 143,
    )!;
    expect(
      (await route(post({ action: 'qualifyLead', input: { leadId: lead.id, won: true } }))).status,
    ).toBe(200);
    expect(s.state.leads.get(lead.id)?.status_id).toBe(142);
    const status = (await (await route(post({ action: 'syncStatus' }))).json()) as {
      metrics: { requests: number };
    };
    expect(status.metrics.requests).toBe(s.stats.requests);
  });
});
