import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { BatchError, ResponseValidationError } from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { hal } from './support.js';

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

describe('batches', () => {
  it('reports items Kommo left out of its answer as unknown', async () => {
    nock(HOST)
      .post('/api/v4/leads')
      .reply(200, { _embedded: { leads: [{ id: 1, request_id: '0' }] } }, json);
    const error = (await testClient()
      .leads.createMany([{ name: 'a' }, { name: 'b' }])
      .catch((e: unknown) => e)) as BatchError;
    expect(error).toBeInstanceOf(BatchError);
    expect(error.results.map((r) => r.status)).toEqual(['applied', 'unknown']);
  });

  it('matches refs by position when Kommo echoes no request_id', async () => {
    nock(HOST)
      .post('/api/v4/leads')
      .reply(200, { _embedded: { leads: [{ id: 7 }, { id: 8 }] } }, json);
    const refs = await testClient().leads.createMany([{ name: 'a' }, { name: 'b' }]);
    expect(refs.map((r) => r.id)).toEqual([7, 8]);
  });

  it('stops sending chunks after a refusal that is not about items (402) and marks the rest not_sent', async () => {
    nock(HOST)
      .post('/api/v4/leads')
      .reply(402, { title: 'Payment Required', status: 402, detail: 'Payment required' });
    const error = (await testClient()
      .leads.createMany([{ name: 'a' }, { name: 'b' }, { name: 'c' }], {
        chunkSize: 1,
        concurrency: 1,
      })
      .catch((e: unknown) => e)) as BatchError;
    expect(error.results.map((r) => r.status)).toEqual(['not_sent', 'not_sent', 'not_sent']);
    expect(error.results[0]!.error).toMatchObject({ code: 'payment_required' });
    expect(error.writeOutcome).toBe('not_applied');
  });

  it('reports the chunk in flight as unknown when the signal aborts, and sends nothing more', async () => {
    const controller = new AbortController();
    nock(HOST)
      .post('/api/v4/leads')
      .reply(() => {
        controller.abort();
        return [200, { _embedded: { leads: [{ id: 1, request_id: '0' }] } }, json];
      });
    const error = (await testClient()
      .leads.createMany([{ name: 'a' }, { name: 'b' }], {
        chunkSize: 1,
        concurrency: 1,
        signal: controller.signal,
      })
      .catch((e: unknown) => e)) as BatchError;
    expect(error.results.map((r) => r.status)).toEqual(['unknown', 'not_sent']);
    expect(error.results[0]!.error).toMatchObject({ code: 'aborted' });
  });

  it('sends nothing when the signal is already aborted', async () => {
    const error = (await testClient()
      .leads.createMany([{ name: 'a' }], { signal: AbortSignal.abort() })
      .catch((e: unknown) => e)) as BatchError;
    expect(error.results).toEqual([{ index: 0, status: 'not_sent' }]);
  });

  it('retries a chunk answered 429, since Kommo did not apply it', async () => {
    nock(HOST)
      .post('/api/v4/leads')
      .reply(429, { title: 'Too Many Requests', status: 429, retry_after: 0 })
      .post('/api/v4/leads')
      .reply(200, { _embedded: { leads: [{ id: 1, request_id: '0' }] } }, json);
    await expect(testClient().leads.createMany([{ name: 'a' }])).resolves.toMatchObject([
      { id: 1 },
    ]);
  });

  it('marks a chunk still refused with 429 after the retries as not_sent, never failed', async () => {
    nock(HOST)
      .post('/api/v4/leads')
      .times(2)
      .reply(429, { title: 'Too Many Requests', status: 429, retry_after: 0 });
    const error = (await testClient({ maxRetries: 1 })
      .leads.createMany([{ name: 'a' }, { name: 'b' }])
      .catch((e: unknown) => e)) as BatchError;
    expect(error).toBeInstanceOf(BatchError);
    expect(error.results.map((r) => r.status)).toEqual(['not_sent', 'not_sent']);
    expect(error.results[0]!.error).toMatchObject({
      code: 'rate_limited',
      writeOutcome: 'not_applied',
    });
  });
});
