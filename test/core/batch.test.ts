import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { BatchError, type BatchProgress, type LeadRef } from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { FakeKommo, json as jsonAnswer, sizingLimiter } from '../support/fake-kommo.js';

const json = { 'content-type': 'application/hal+json' };

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

  it('marks a chunk still refused with 429 after the retries and two resends as not_sent, never failed', async () => {
    nock(HOST)
      .post('/api/v4/leads')
      .times(6)
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

describe('batches that absorb faults', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `row ${i}` }));
  const serverError = () =>
    jsonAnswer({ title: 'ErrInternalServer', status: 500, detail: 'x' }, 500);

  it('sends a chunk refused with 429 after the retries again and applies it', async () => {
    const kommo = new FakeKommo({
      answer: (_r, n) =>
        n <= 2
          ? jsonAnswer({ title: 'Too Many Requests', status: 429, retry_after: 0 }, 429)
          : undefined,
    });
    const refs = await testClient({ fetch: kommo.fetch, maxRetries: 1 }).leads.createMany(rows(2));
    expect(refs).toHaveLength(2);
    expect(kommo.requests).toHaveLength(3);
  });

  it('settles unknown items with reconcile and sends only the absent ones again', async () => {
    const kommo = new FakeKommo({ answer: (_r, n) => (n === 1 ? serverError() : undefined) });
    const asked: string[][] = [];
    const refs = await testClient({ fetch: kommo.fetch }).leads.createMany(rows(3), {
      reconcile: async (items) => {
        asked.push(items.map((i) => i.name ?? ''));
        // 'row 0' was written before the 500; the others were not.
        return items.map((i): LeadRef | undefined =>
          i.name === 'row 0' ? { id: 900, request_id: '0' } : undefined,
        );
      },
    });
    expect(asked).toEqual([['row 0', 'row 1', 'row 2']]);
    expect(refs.map((r) => r.id)).toEqual([900, 1, 2]);
    expect(kommo.requests).toHaveLength(2);
    expect((kommo.requests[1]!.body as unknown[]).length).toBe(2);
  });

  it('leaves items unknown when reconcile throws, and never replays them', async () => {
    const kommo = new FakeKommo({ answer: (_r, n) => (n === 1 ? serverError() : undefined) });
    const error = (await testClient({ fetch: kommo.fetch })
      .leads.createMany(rows(2), {
        reconcile: () => Promise.reject(new Error('search is down')),
      })
      .catch((e: unknown) => e)) as BatchError;
    expect(error.results.map((r) => r.status)).toEqual(['unknown', 'unknown']);
    expect(error.results[0]!.error?.message).toMatch(/search is down/);
    expect(kommo.requests).toHaveLength(1);
  });

  it('reports progress after each chunk settles, counting only final outcomes as done', async () => {
    const kommo = new FakeKommo({ answer: (_r, n) => (n === 2 ? serverError() : undefined) });
    const seen: BatchProgress[] = [];
    await testClient({ fetch: kommo.fetch })
      .leads.createMany(rows(3), { chunkSize: 1, concurrency: 1, onProgress: (p) => seen.push(p) })
      .catch(() => undefined);
    expect(seen).toEqual([
      { total: 3, done: 1, applied: 1, failed: 0, notSent: 0, unknown: 0 },
      { total: 3, done: 2, applied: 1, failed: 0, notSent: 0, unknown: 1 },
      { total: 3, done: 3, applied: 2, failed: 0, notSent: 0, unknown: 1 },
    ]);
  });

  it('does not count items waiting to be sent again as done', async () => {
    const kommo = new FakeKommo({
      answer: (_r, n) =>
        n === 1
          ? jsonAnswer({ title: 'Too Many Requests', status: 429, retry_after: 0 }, 429)
          : undefined,
    });
    const seen: number[] = [];
    await testClient({ fetch: kommo.fetch, maxRetries: 0 }).leads.createMany(rows(2), {
      onProgress: (p) => seen.push(p.done),
    });
    // The first send settled with both items waiting to be sent again.
    expect(seen).toEqual([0, 2]);
  });

  it('keeps as many chunks in flight as the limiter sizes, or the concurrency given', async () => {
    const sized = new FakeKommo({ latencyMs: 10 });
    await testClient({
      fetch: sized.fetch,
      rateLimit: { limiter: sizingLimiter(5) },
    }).leads.createMany(rows(20), { chunkSize: 1 });
    expect(sized.mostInFlight).toBe(5);
    const fixed = new FakeKommo({ latencyMs: 10 });
    await testClient({
      fetch: fixed.fetch,
      rateLimit: { limiter: sizingLimiter(5) },
    }).leads.createMany(rows(20), { chunkSize: 1, concurrency: 2 });
    expect(fixed.mostInFlight).toBe(2);
  });

  it('refuses a concurrency above 32', async () => {
    await expect(testClient().leads.createMany(rows(1), { concurrency: 33 })).rejects.toMatchObject(
      { code: 'invalid_request' },
    );
  });
});
