import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { BatchError } from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';

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
