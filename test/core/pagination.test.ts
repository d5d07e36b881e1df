import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { ResponseValidationError } from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { FakeKommo, sizingLimiter } from '../support/fake-kommo.js';
import { hal } from '../resources/support.js';

const json = { 'content-type': 'application/hal+json' };

function pageOf(page: number, size: number): Array<{ id: number }> {
  return Array.from({ length: size }, (_, i) => ({ id: page * 100 + i }));
}

describe('walking pages', () => {
  it('breaks inside the third of four pages without asking for the fourth', async () => {
    const requested: number[] = [];
    nock(HOST)
      .get('/api/v4/contacts')
      .query(true)
      .times(3)
      .reply(function (uri) {
        const page = Number(new URL(uri, HOST).searchParams.get('page'));
        requested.push(page);
        return [200, hal('contacts', pageOf(page, 2)), json];
      });
    const seen: number[] = [];
    for await (const contact of testClient().contacts.list({ limit: 2 }, { readAhead: 0 })) {
      seen.push(contact.id);
      if (contact.id === 300) break;
    }
    expect(seen).toEqual([100, 101, 200, 201, 300]);
    expect(requested).toEqual([1, 2, 3]);
  });

  it('wastes at most readAhead requests when the loop breaks on the first item', async () => {
    let requests = 0;
    nock(HOST)
      .get('/api/v4/contacts')
      .query(true)
      .reply(() => {
        requests++;
        return [200, hal('contacts', pageOf(1, 2)), json];
      });
    nock(HOST)
      .get('/api/v4/contacts')
      .query(true)
      .times(2)
      .optionally()
      .delay(50)
      .reply(() => {
        requests++;
        return [200, hal('contacts', pageOf(9, 2)), json];
      });
    for await (const contact of testClient().contacts.list({ limit: 2 }, { readAhead: 2 })) {
      expect(contact.id).toBe(100);
      break;
    }
    await new Promise((r) => setTimeout(r, 80));
    expect(requests).toBeLessThanOrEqual(3);
    nock.cleanAll();
  });

  it('starts at the page asked for and counts from there', async () => {
    nock(HOST)
      .get('/api/v4/contacts')
      .query({ page: '5', limit: '2' })
      .reply(200, hal('contacts', pageOf(5, 2)), json)
      .get('/api/v4/contacts')
      .query({ page: '6', limit: '2' })
      .reply(204);
    const pages: number[] = [];
    for await (const page of testClient()
      .contacts.list({ page: 5, limit: 2 }, { readAhead: 0 })
      .pages())
      pages.push(page.page);
    expect(pages).toEqual([5, 6]);
  });

  it('throws ResponseValidationError with the raw body when an item lacks its id', async () => {
    nock(HOST)
      .get('/api/v4/leads')
      .query(true)
      .reply(200, hal('leads', [{ name: 'no id' }]), { ...json, 'x-request-id': 'req-1' });
    const error = await testClient()
      .leads.list()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error).toMatchObject({
      code: 'invalid_response',
      requestId: 'req-1',
      issues: [{ path: ['_embedded', 'leads', 0, 'id'] }],
    });
  });

  it('returns the raw items unchecked with validateResponses: false', async () => {
    nock(HOST)
      .get('/api/v4/leads')
      .query(true)
      .reply(200, hal('leads', [{ name: 'no id' }]), json);
    const page = await testClient({ validateResponses: false }).leads.list();
    expect(page.items).toEqual([{ name: 'no id' }]);
  });

  it('refuses a readAhead out of range', async () => {
    await expect(
      testClient().leads.list({}, { readAhead: 99 }).toArray({ max: 1 }),
    ).rejects.toMatchObject({ code: 'invalid_request' });
  });
});

describe('read-ahead that ramps up', () => {
  const walker = (kommo: FakeKommo, inFlight: number) =>
    testClient({ fetch: kommo.fetch, rateLimit: { limiter: sizingLimiter(inFlight) } });

  it('walks 2,000 leads with 9 requests: 8 full pages and the empty 9th, nothing beyond', async () => {
    const kommo = new FakeKommo({ leads: 2000 });
    let n = 0;
    for await (const lead of walker(kommo, 8).leads.list()) if (lead.id > 0) n++;
    expect(n).toBe(2000);
    expect(kommo.pages).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('sends at most 3 requests when the loop breaks after 260 leads', async () => {
    const kommo = new FakeKommo({ leads: 50_000 });
    let n = 0;
    for await (const lead of walker(kommo, 8).leads.list()) {
      if (lead.id > 0) n++;
      if (n === 260) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(kommo.requests.length).toBeLessThanOrEqual(3);
  });

  it('keeps one page ahead for the first 8 pages, then as many as the limiter sizes', async () => {
    const kommo = new FakeKommo({ leads: 250 * 30, latencyMs: 5 });
    const pages = walker(kommo, 6).leads.list().pages();
    const inFlightAt: number[] = [];
    for await (const page of pages) if (page.page > 0) inFlightAt.push(kommo.inFlight);
    expect(inFlightAt).toHaveLength(31); // 30 full pages and the empty 31st
    // While the first 8 pages are read, at most the next one is out.
    expect(Math.max(...inFlightAt.slice(0, 8))).toBeLessThanOrEqual(1);
    expect(kommo.mostInFlight).toBe(6);
  });

  it('lets an explicit readAhead override the ramp', async () => {
    const kommo = new FakeKommo({ leads: 250 * 10, latencyMs: 5 });
    let n = 0;
    for await (const lead of walker(kommo, 2).leads.list({}, { readAhead: 4 }))
      if (lead.id > 0) n++;
    expect(n).toBe(2500);
    expect(kommo.mostInFlight).toBe(4);
  });

  it('requests no page beyond the one holding the last item toArray needs', async () => {
    const kommo = new FakeKommo({ leads: 250 * 40 });
    const leads = await walker(kommo, 8).leads.list({}, { readAhead: 10 }).toArray({ max: 600 });
    expect(leads).toHaveLength(600);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(kommo.pages).toEqual([1, 2, 3]);
  });

  it('keeps 20 pages in flight under one signal without Node warning of a listener leak', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const kommo = new FakeKommo({ leads: 250 * 30, latencyMs: 20 });
      const controller = new AbortController();
      let n = 0;
      const options = { readAhead: 20, signal: controller.signal };
      for await (const lead of walker(kommo, 2).leads.list({}, options)) if (lead.id > 0) n++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(n).toBe(7500);
      expect(kommo.mostInFlight).toBeGreaterThan(10);
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('accepts a readAhead of up to 32', async () => {
    await expect(
      testClient().leads.list({}, { readAhead: 33 }).toArray({ max: 1 }),
    ).rejects.toMatchObject({ code: 'invalid_request' });
  });
});
