import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitsOneFlight, watchWrite } from '../../src/core/wire.js';
import { Kommo, SlidingWindowRateLimiter, type RateLimiter } from '../../src/index.js';
import { startSandbox } from '../../src/sandbox/index.js';

let server: Server;
let base: string;

beforeAll(async () => {
  // Node's own fetch: the tests' nock (test/setup.ts) replaces it, and a replaced fetch is
  // not watched.
  nock.restore();
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  nock.activate();
});

/** The test's own tag of an undici request (a header only this test sends). */
function tagOf(message: unknown): string | undefined {
  const headers = (message as { request: { headers: unknown } }).request.headers;
  if (!Array.isArray(headers)) return undefined;
  const i = headers.findIndex((h) => String(h).toLowerCase() === 'x-test-tag');
  return i >= 0 ? String(headers[i + 1]) : undefined;
}

describe('watchWrite (Node fetch, undici diagnostics channels)', () => {
  it('tells each call when its own request was written, among many in flight to one URL', async () => {
    // Bodies of very different sizes, so writes finish out of order; one URL and method, so
    // only the order of dispatch can tell them apart.
    const sizes = Array.from({ length: 40 }, (_, i) => (i % 5 === 0 ? 400_000 : 10 + i));
    const reported: string[] = [];
    let lastWritten: string | undefined;
    const check = (message: unknown): void => {
      // Runs right after the SDK's own listener, in the same publish.
      reported.push(`${tagOf(message)}=${lastWritten}`);
      lastWritten = undefined;
    };
    // The SDK subscribes on its first watch, before this listener.
    watchWrite(fetch, 'GET', `${base}/warm`, () => {})?.();
    subscribe('undici:request:bodySent', check);
    try {
      await Promise.all(
        sizes.map(async (size, i) => {
          const request = new Request(`${base}/import`, {
            method: 'POST',
            body: 'x'.repeat(size),
            headers: { 'x-test-tag': String(i) },
          });
          const forget = watchWrite(fetch, request.method, request.url, () => {
            lastWritten = String(i);
          });
          expect(forget).toBeTypeOf('function');
          const response = await fetch(request).finally(forget);
          await response.text();
        }),
      );
    } finally {
      unsubscribe('undici:request:bodySent', check);
    }
    expect(reported).toHaveLength(sizes.length);
    for (const pair of reported) {
      const [tag, written] = pair.split('=');
      expect(written).toBe(tag);
    }
  });

  it('forgets a call whose request never reached the runtime, so the next one is not taken for it', async () => {
    const url = `${base}/forgotten`;
    const stale = watchWrite(fetch, 'GET', url, () => {
      throw new Error('never written');
    });
    stale?.(); // fetch settled without dispatching (an interceptor answered, say)
    let written = 0;
    const forget = watchWrite(fetch, 'GET', url, () => written++);
    await (await fetch(url).finally(forget)).text();
    expect(written).toBe(1);
  });

  it('keeps a throwing callback from reaching the channel, which would crash the process', async () => {
    const url = `${base}/throws`;
    const errors: unknown[] = [];
    const onError = (error: unknown): void => void errors.push(error);
    process.on('uncaughtException', onError);
    try {
      const forget = watchWrite(fetch, 'GET', url, () => {
        throw new Error('a bug in a limiter');
      });
      await (await fetch(url).finally(forget)).text();
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(errors).toEqual([]);
  });

  it('does not watch a fetch another library replaced, which may reorder requests', () => {
    const replaced = (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init);
    expect(watchWrite(replaced, 'GET', `${base}/replaced`, () => {})).toBeUndefined();
    const forget = watchWrite(fetch, 'GET', `${base}/replaced`, () => {});
    expect(forget).toBeTypeOf('function');
    forget?.();
  });

  it('ignores requests it was not asked about', async () => {
    let written = 0;
    const forget = watchWrite(fetch, 'GET', `${base}/asked`, () => written++);
    await (await fetch(`${base}/other`)).text();
    await (await fetch(`${base}/asked?x=1`)).text();
    expect(written).toBe(0);
    forget?.();
  });
});

describe('fitsOneFlight', () => {
  it('takes a request without a body or with at most 12,000 bytes, counting characters outside ASCII as three', () => {
    expect(fitsOneFlight(undefined)).toBe(true);
    expect(fitsOneFlight('x'.repeat(12_000))).toBe(true);
    expect(fitsOneFlight('x'.repeat(12_001))).toBe(false);
    // 6,000 Cyrillic characters are 12,000 bytes of UTF-8; counted as three bytes each: too many.
    expect(fitsOneFlight('я'.repeat(6_000))).toBe(false);
    expect(fitsOneFlight('я'.repeat(4_000))).toBe(true);
    expect(fitsOneFlight(new Uint8Array(12_000))).toBe(true);
    expect(fitsOneFlight(new Uint8Array(12_001))).toBe(false);
  });
});

describe('the client reports writes to its limiter', () => {
  it('tells each slot its request was written, and whether it fits one flight of packets', async () => {
    const sandbox = await startSandbox({ rateLimit: false });
    try {
      const inner = new SlidingWindowRateLimiter({ requestsPerSecond: 50 });
      const reports: Array<{ method: string; oneFlight: boolean }> = [];
      let sent = 0;
      const limiter: RateLimiter = {
        async acquire(key, signal, request) {
          const slot = await inner.acquire(key, signal, request);
          return {
            sent: () => {
              sent++;
              slot.sent();
            },
            written: (oneFlight) => {
              reports.push({ method: request?.method ?? '?', oneFlight });
              slot.written?.(oneFlight);
            },
            answered: (status) => slot.answered(status),
            released: (reusable) => slot.released(reusable),
          };
        },
      };
      const kommo = new Kommo({
        baseUrl: sandbox.url,
        accessToken: sandbox.accessToken,
        rateLimit: { limiter },
      });
      await kommo.leads.list({ limit: 5 });
      // 250 leads of 80-character names: a body of about 23 KB, in one request.
      const names = Array.from({ length: 250 }, (_, i) => `lead ${i} `.padEnd(80, 'x'));
      await kommo.leads.createMany(
        names.map((name) => ({ name })),
        { chunkSize: 250 },
      );
      expect(sent).toBe(2);
      expect(reports).toEqual([
        { method: 'GET', oneFlight: true },
        { method: 'POST', oneFlight: false },
      ]);
    } finally {
      await sandbox.close();
    }
  });
});
