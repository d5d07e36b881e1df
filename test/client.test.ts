import { inspect } from 'node:util';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  AccountParameters,
  AccountResource,
  Catalogs,
  CatalogElements,
  Companies,
  ConfigurationError,
  Contacts,
  CustomFieldGroups,
  CustomFields,
  Events,
  Kommo,
  Leads,
  Links,
  LossReasons,
  MemoryTokenStore,
  Notes,
  PipelineStatuses,
  Pipelines,
  RequestValidationError,
  Roles,
  Sources,
  Tags,
  Tasks,
  UnsortedLeads,
  UnsortedResource,
  Users,
  WebhookSubscriptions,
  Webhooks,
  type KommoOptions,
} from '../src/index.js';
import { HOST, testClient } from './support/client.js';

const TOKEN = 'test-token-0123456789';

describe('new Kommo(options)', () => {
  it('accepts every option of KommoOptions and refuses any other key, naming it', () => {
    const store = new MemoryTokenStore();
    // One value per key: the type checker refuses this object when KommoOptions gains a key.
    const every: Required<KommoOptions> = {
      domain: 'acme.kommo.com',
      baseUrl: 'https://acme.kommo.com',
      accessToken: TOKEN,
      oauth: { clientId: 'id', clientSecret: 'secret', redirectUri: 'https://x.example/cb' },
      tokenStore: store,
      tokens: { access_token: 'a', refresh_token: 'r', token_type: 'Bearer', expires_at: 1 },
      refreshMarginSec: 60,
      timeoutMs: 1000,
      maxRetries: 1,
      retry: { baseDelayMs: 0 },
      rateLimit: false,
      breaker: { whenOpen: 'fail', coolDownMs: 1000 },
      fetch: globalThis.fetch,
      headers: { 'x-app': 'test' },
      logger: console,
      hooks: {},
      validateResponses: false,
    };
    // Token mode takes every key but the OAuth ones; OAuth mode every key but the token.
    const tokenMode: KommoOptions = { ...every };
    delete tokenMode.oauth;
    delete tokenMode.tokenStore;
    delete tokenMode.tokens;
    expect(() => new Kommo(tokenMode)).not.toThrow();
    const oauthMode: KommoOptions = { ...every };
    delete oauthMode.accessToken;
    expect(() => new Kommo(oauthMode)).not.toThrow();
    expect(() => new Kommo({ ...tokenMode, stauts: 1 } as KommoOptions)).toThrow(
      /Unknown option `stauts` \(known: domain, baseUrl, accessToken, oauth, tokenStore/,
    );
  });

  it('refuses options that are not an object, a fetch that is not a function and a bad rateLimit', () => {
    expect(() => new Kommo(null as unknown as KommoOptions)).toThrow(ConfigurationError);
    expect(() => new Kommo('acme' as unknown as KommoOptions)).toThrow(/options object/);
    expect(
      () =>
        new Kommo({ domain: 'acme', accessToken: TOKEN, fetch: 'no' as unknown as typeof fetch }),
    ).toThrow(/`fetch` must be a function/);
    expect(
      () => new Kommo({ domain: 'acme', accessToken: TOKEN, rateLimit: 7 as unknown as false }),
    ).toThrow(/rateLimit/);
    expect(() => new Kommo({ domain: 'acme', accessToken: TOKEN, timeoutMs: Number.NaN })).toThrow(
      /timeoutMs/,
    );
  });

  it('keeps the domain, the base URL and the auth mode it was given', () => {
    const kommo = testClient();
    expect(kommo).toMatchObject({
      domain: 'acme.kommo.com',
      baseUrl: 'https://acme.kommo.com',
      authMode: 'token',
    });
  });
});

describe('the resources mounted on the client', () => {
  it('hangs every family off the client, each an instance of its class', () => {
    const kommo = testClient();
    const mounted: Array<[unknown, abstract new (...args: never[]) => unknown]> = [
      [kommo.leads, Leads],
      [kommo.contacts, Contacts],
      [kommo.companies, Companies],
      [kommo.pipelines, Pipelines],
      [kommo.pipelines.statuses, PipelineStatuses],
      [kommo.users, Users],
      [kommo.users.roles, Roles],
      [kommo.notes, Notes],
      [kommo.customFields, CustomFields],
      [kommo.customFields.groups, CustomFieldGroups],
      [kommo.account, AccountParameters],
      [kommo.webhooks, WebhookSubscriptions],
      [kommo.tasks, Tasks],
      [kommo.tags, Tags],
      [kommo.links, Links],
      [kommo.events, Events],
      [kommo.unsorted, UnsortedLeads],
      [kommo.lossReasons, LossReasons],
      [kommo.sources, Sources],
      [kommo.catalogs, Catalogs],
      [kommo.catalogs.elements, CatalogElements],
    ];
    for (const [resource, kind] of mounted) expect(resource).toBeInstanceOf(kind);
  });

  it('builds each resource once per client and not for another client', () => {
    const a = testClient();
    const b = testClient();
    expect(a.leads).toBe(a.leads);
    expect(a.pipelines.statuses).toBe(a.pipelines.statuses);
    expect(a.leads).not.toBe(b.leads);
  });

  it('keeps the names before 0.2.0 as aliases of the renamed classes', () => {
    const kommo = testClient();
    /* eslint-disable @typescript-eslint/no-deprecated -- the aliases are what is tested */
    expect(Webhooks).toBe(WebhookSubscriptions);
    expect(AccountResource).toBe(AccountParameters);
    expect(UnsortedResource).toBe(UnsortedLeads);
    expect(kommo.webhooks).toBeInstanceOf(Webhooks);
    expect(kommo.account).toBeInstanceOf(AccountResource);
    expect(kommo.unsorted).toBeInstanceOf(UnsortedResource);
    /* eslint-enable @typescript-eslint/no-deprecated */
  });

  it('sends through its own client: a resource built by hand works like the mounted one', async () => {
    const scope = nock(HOST, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get('/api/v4/leads/pipelines/7')
      .reply(200, { id: 7, name: 'Sales' }, { 'content-type': 'application/hal+json' });
    await expect(new Pipelines(testClient()).get(7)).resolves.toMatchObject({ name: 'Sales' });
    expect(scope.isDone()).toBe(true);
  });
});

describe('Kommo.request', () => {
  it('sends the bearer token and returns the parsed body', async () => {
    nock(HOST, { reqheaders: { authorization: 'Bearer test-token-0123456789' } })
      .get('/api/v4/account')
      .reply(200, { id: 1 }, { 'content-type': 'application/hal+json' });
    await expect(testClient().request({ method: 'GET', path: '/api/v4/account' })).resolves.toEqual(
      { id: 1 },
    );
  });

  it('sends the method, the bracket-encoded query and the JSON body it is given', async () => {
    let seen: { uri: string; body: unknown } | undefined;
    nock(HOST)
      .post('/api/v4/calls')
      .query(true)
      .reply(function (uri, body) {
        seen = { uri, body };
        return [200, { _embedded: { calls: [{ id: 3 }] } }, { 'content-type': 'application/json' }];
      });
    const answer = await testClient().request<{ _embedded: { calls: Array<{ id: number }> } }>({
      method: 'POST',
      path: '/api/v4/calls',
      query: { filter: { id: [1, 2] } },
      body: [{ phone: '+15550100' }],
    });
    expect(answer?._embedded.calls[0]?.id).toBe(3);
    expect(decodeURIComponent(seen!.uri)).toBe('/api/v4/calls?filter[id][]=1&filter[id][]=2');
    expect(seen!.body).toEqual([{ phone: '+15550100' }]);
  });

  it('returns null for a 204', async () => {
    nock(HOST).delete('/api/v4/webhooks').reply(204);
    await expect(
      testClient().request({ method: 'DELETE', path: '/api/v4/webhooks' }),
    ).resolves.toBeNull();
  });

  it('refuses a method it does not know before sending', async () => {
    const bad = { method: 'TRACE', path: '/api/v4/leads' } as unknown as Parameters<
      Kommo['request']
    >[0];
    await expect(testClient().request(bad)).rejects.toBeInstanceOf(RequestValidationError);
    await expect(testClient().request(null as never)).rejects.toBeInstanceOf(
      RequestValidationError,
    );
  });
});

describe('a client printed or serialised', () => {
  it('shows its domain, base URL and auth mode, and never the token', () => {
    const kommo = testClient();
    const printed = inspect(kommo, { depth: 5 });
    const json = JSON.stringify(kommo);
    expect(printed).toBe(
      "Kommo { domain: 'acme.kommo.com', baseUrl: 'https://acme.kommo.com', authMode: 'token' }",
    );
    expect(JSON.parse(json)).toEqual({
      domain: 'acme.kommo.com',
      baseUrl: 'https://acme.kommo.com',
      authMode: 'token',
    });
    for (const text of [printed, json, inspect(kommo.leads, { depth: 5 })])
      expect(text).not.toContain(TOKEN);
  });
});
