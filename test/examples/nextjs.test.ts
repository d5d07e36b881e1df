import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, FileTokenStore, Kommo, KommoOAuth } from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { authorize } from '../../examples/nextjs/lib/auth.js';
import { createKommoApiRoute, type RecentLead } from '../../examples/nextjs/lib/kommo-route.js';
import { createOAuthRoutes, oauthRoutesFromEnv } from '../../examples/nextjs/lib/oauth.js';

// The Next.js app's server logic, framework-free; `npm run test:e2e` clicks the built app.
let sandbox: Sandbox | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function setup(authorizeFn: () => boolean = () => true) {
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
  return {
    s: sandbox,
    kommo,
    route: createKommoApiRoute({ kommo, authorize: authorizeFn, metrics }),
  };
}

const post = (body: unknown, headers: Record<string, string> = {}) =>
  new Request('http://app.test/api/crm/kommo', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
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
    expect(s.state.notes.filter((n) => n.entity_id === body.leadId)).toHaveLength(1);
    const text = JSON.stringify(body);
    expect(text).not.toContain(s.accessToken);
  });

  it('lists the recent leads, newest first, with their stage names', async () => {
    const { s, route, kommo } = await setup();
    const ref = await kommo.leads.create({ name: 'Newest lead' });
    const response = await route(post({ action: 'recentLeads', input: { limit: 3 } }));
    expect(response.status).toBe(200);
    const { leads } = (await response.json()) as { leads: RecentLead[] };
    expect(leads).toHaveLength(3);
    expect(leads[0]).toMatchObject({ id: ref.id, name: 'Newest lead' });
    const stored = s.state.leads.get(ref.id)!;
    const stage = s.state.pipelines
      .get(stored.pipeline_id)
      ?.statuses.find((st) => st.id === stored.status_id);
    expect(leads[0]?.stage).toBe(stage?.name);
    expect(leads.map((l) => l.id)).toEqual([...leads.map((l) => l.id)].sort((a, b) => b - a));
  });

  it('refuses unknown actions, bad input and unauthorized callers without calling Kommo', async () => {
    let allow = true;
    const { s, route } = await setup(() => allow);
    expect(
      (await route(post({ action: 'request', input: { path: '/api/v4/users' } }))).status,
    ).toBe(400);
    expect((await route(post({ action: 'toString' }))).status).toBe(400);
    expect((await route(post({ action: '__proto__' }))).status).toBe(400);
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
    expect((await route(post({ action: 'recentLeads', input: { limit: 5000 } }))).status).toBe(422);
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

describe("the app's authorization hook", () => {
  it('lets same-origin requests through and refuses cross-site and header-less ones', () => {
    const req = (headers: Record<string, string>) =>
      new Request('http://app.test/api/crm/kommo', { method: 'POST', headers });
    expect(authorize(req({ 'sec-fetch-site': 'same-origin' }))).toBe(true);
    expect(authorize(req({ 'sec-fetch-site': 'cross-site' }))).toBe(false);
    expect(authorize(req({ 'sec-fetch-site': 'none' }))).toBe(false);
    expect(authorize(req({ origin: 'http://app.test', host: 'app.test' }))).toBe(true);
    expect(authorize(req({ origin: 'http://evil.test', host: 'app.test' }))).toBe(false);
    expect(authorize(req({ origin: 'not a url', host: 'app.test' }))).toBe(false);
    expect(authorize(req({}))).toBe(false);
  });
});

describe('the OAuth routes', () => {
  it('are off without the OAuth variables', () => {
    expect(oauthRoutesFromEnv({ KOMMO_DOMAIN: 'acme' })).toBeUndefined();
  });

  it('refuse a code of another account than KOMMO_DOMAIN', async () => {
    sandbox = await startSandbox({ rateLimit: false });
    const routes = createOAuthRoutes({
      oauth: new KommoOAuth({ ...sandbox.oauth, baseUrl: sandbox.url }),
      tokenStore: new FileTokenStore(join(tmpdir(), 'never-written.json')),
      baseUrl: sandbox.url,
      expectedDomain: 'acme.kommo.com',
    });
    const start = await routes.start(new Request('http://app.test/api/crm/connect'));
    const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const response = await routes.callback(
      new Request(consent.headers.get('location')!, {
        headers: { cookie: start.headers.get('set-cookie')!.split(';')[0]! },
      }),
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: 'other_account', domain: 'sandbox.kommo.com' });
  });

  async function oauthSetup() {
    sandbox = await startSandbox({
      rateLimit: false,
      oauth: { redirectUri: 'http://app.test/api/crm/callback' },
    });
    dir = await mkdtemp(join(tmpdir(), 'kommo-next-oauth-'));
    // A folder that does not exist yet, like `.kommo/` on a first run.
    const file = join(dir, 'state', 'tokens.json');
    const routes = oauthRoutesFromEnv({
      KOMMO_BASE_URL: sandbox.url,
      KOMMO_CLIENT_ID: sandbox.oauth.clientId,
      KOMMO_CLIENT_SECRET: sandbox.oauth.clientSecret,
      KOMMO_REDIRECT_URI: sandbox.oauth.redirectUri,
      KOMMO_TOKEN_FILE: file,
    })!;
    return { s: sandbox, file, routes };
  }

  it('sends the user to the consent page, then exchanges the code into the token store', async () => {
    const { s, file, routes } = await oauthSetup();
    const start = await routes.start(new Request('http://app.test/api/crm/connect'));
    expect(start.status).toBe(302);
    const cookie = start.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly; SameSite=Lax/);
    // The sandbox's consent page approves at once and redirects to the callback.
    const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const callbackUrl = consent.headers.get('location')!;
    const done = await routes.callback(
      new Request(callbackUrl, { headers: { cookie: cookie.split(';')[0]! } }),
    );
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/');
    expect(s.stats.tokenExchanges).toBe(1);
    // The server's client (Kommo.fromEnv with KOMMO_TOKEN_FILE) now works with the stored pair.
    const kommo = Kommo.fromEnv(
      {
        KOMMO_BASE_URL: s.url,
        KOMMO_CLIENT_ID: s.oauth.clientId,
        KOMMO_CLIENT_SECRET: s.oauth.clientSecret,
        KOMMO_REDIRECT_URI: s.oauth.redirectUri,
        KOMMO_TOKEN_FILE: file,
      },
      { rateLimit: false },
    );
    expect((await kommo.account.get()).id).toBe(s.state.account.id);
    const stored = await readFile(file, 'utf8');
    expect(await done.text()).not.toContain(JSON.parse(stored)[new URL(s.url).host].access_token);
  });

  it('refuses a redirect without the state cookie of the same browser, exchanging nothing', async () => {
    const { s, routes } = await oauthSetup();
    const start = await routes.start(new Request('http://app.test/api/crm/connect'));
    const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const callbackUrl = consent.headers.get('location')!;
    expect((await routes.callback(new Request(callbackUrl))).status).toBe(400);
    expect(
      (
        await routes.callback(
          new Request(callbackUrl, { headers: { cookie: 'kommo_oauth_state=forged' } }),
        )
      ).status,
    ).toBe(400);
    expect((await routes.callback(new Request('http://app.test/api/crm/callback'))).status).toBe(
      400,
    );
    expect(s.stats.tokenExchanges).toBe(0);
  });
});
