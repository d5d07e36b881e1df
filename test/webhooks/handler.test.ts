import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  buildWebhookBody,
  createWebhookHandler,
  MemoryDedupeStore,
  toNodeHandler,
  WebhookParseError,
  WebhookVerificationError,
  type WebhookErrorContext,
  type WebhookEvent,
  type WebhookHandlerOptions,
} from '../../src/index.js';
import { fixture } from './fixtures.js';

const SECRET = 'hook-secret-123';
const URL_OK = `https://example.com/api/kommo?secret=${SECRET}`;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function post(body: string, url = URL_OK): Request {
  return new Request(url, { method: 'POST', headers: FORM, body });
}

const WON = fixture('webhook_lead_status_won.txt');
const ACCOUNT = { id: 31204999, subdomain: 'acmesales' };

function handlerWith(options: Partial<WebhookHandlerOptions>) {
  const errors: Array<[unknown, WebhookErrorContext['phase']]> = [];
  const handler = createWebhookHandler({
    verify: { secret: SECRET },
    onError: (error, context) => {
      errors.push([error, context.phase]);
    },
    ...options,
  });
  return { handler, errors };
}

describe('createWebhookHandler with a Web Request', () => {
  it('verifies, parses and runs the typed listener, then the catch-all, and answers 200', async () => {
    const calls: string[] = [];
    const { handler, errors } = handlerWith({
      on: {
        'leads.status': (event, context) => {
          calls.push(`status ${event.data.status_id} ${context.payload.account.subdomain}`);
          expect(context.verification).toEqual({ scheme: 'url-secret' });
        },
        'leads.add': () => {
          calls.push('add');
        },
        '*': (event) => {
          calls.push(`* ${event.type}`);
        },
      },
    });
    const response = await handler(post(WON));
    expect(response.status).toBe(200);
    expect(calls).toEqual(['status 142 acmesales', '* leads.status']);
    expect(errors).toEqual([]);
  });

  it('runs filtered routes only for matching data (value, list or predicate)', async () => {
    const seen: string[] = [];
    const { handler } = handlerWith({
      on: {
        'leads.status': [
          { filter: { status_id: 142 }, handler: () => void seen.push('won') },
          { filter: { status_id: 143 }, handler: () => void seen.push('lost') },
          {
            filter: { status_id: [142, 143], pipeline_id: 3177727 },
            handler: () => void seen.push('closed'),
          },
          { filter: (e) => (e.data.price ?? 0) > 10_000, handler: () => void seen.push('big') },
        ],
      },
    });
    expect((await handler(post(WON))).status).toBe(200);
    expect(seen).toEqual(['won', 'closed', 'big']);
  });

  it('answers 401 to a wrong or missing secret and runs no listener', async () => {
    const listener = vi.fn();
    const { handler, errors } = handlerWith({ on: { '*': listener } });
    expect((await handler(post(WON, 'https://example.com/api/kommo?secret=nope'))).status).toBe(
      401,
    );
    expect((await handler(post(WON, 'https://example.com/api/kommo'))).status).toBe(401);
    expect(listener).not.toHaveBeenCalled();
    expect(errors.map(([e, phase]) => [phase, (e as WebhookVerificationError).reason])).toEqual([
      ['verify', 'bad_signature'],
      ['verify', 'missing_signature'],
    ]);
  });

  it('answers 401 when the body is from another account', async () => {
    const listener = vi.fn();
    const { handler } = handlerWith({
      verify: { secret: SECRET, expectedAccount: { id: 1 } },
      on: { '*': listener },
    });
    expect((await handler(post(WON))).status).toBe(401);
    expect(listener).not.toHaveBeenCalled();
  });

  it('answers 400 to a malformed body and 413 to an oversized one, and runs no listener', async () => {
    const listener = vi.fn();
    const { handler, errors } = handlerWith({ on: { '*': listener }, maxBytes: 4096 });
    expect((await handler(post('{"leads":1}'))).status).toBe(400);
    expect((await handler(post('leads[add][0][id]=1'))).status).toBe(400);
    expect((await handler(post(`account[id]=1&x=${'a'.repeat(5000)}`))).status).toBe(413);
    expect(listener).not.toHaveBeenCalled();
    expect(errors.map(([e, phase]) => [phase, (e as WebhookParseError).reason])).toEqual([
      ['parse', 'not_form_encoded'],
      ['parse', 'missing_account'],
      ['parse', 'too_large'],
    ]);
  });

  it('delivers keys named like built-ins as unknown events, with nothing for onError', async () => {
    const seen: string[] = [];
    const { handler, errors } = handlerWith({ on: { '*': (e) => void seen.push(e.entity) } });
    const body = 'account[id]=1&toString[x]=1&valueOf[x]=1&hasOwnProperty[add][0][id]=2';
    expect((await handler(post(body))).status).toBe(200);
    expect(seen).toEqual(['toString', 'valueOf', 'hasOwnProperty']);
    expect(errors).toEqual([]);
  });

  it('answers 405 to other methods than POST', async () => {
    const { handler } = handlerWith({});
    const response = await handler(new Request(URL_OK));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('answers 500 when a listener throws, still runs the others, and reports the event', async () => {
    const after = vi.fn();
    const { handler, errors } = handlerWith({
      on: {
        'leads.status': () => {
          throw new Error('CRM sync failed');
        },
        '*': after,
      },
    });
    expect((await handler(post(WON))).status).toBe(500);
    expect(after).toHaveBeenCalledTimes(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.[1]).toBe('handler');
    expect((errors[0]?.[0] as Error).message).toBe('CRM sync failed');
  });

  it('answers 500 for an unusable configuration rather than accepting requests', async () => {
    const { handler, errors } = handlerWith({ verify: { secret: '' } });
    expect((await handler(post(WON))).status).toBe(500);
    expect(errors[0]?.[1]).toBe('config');
  });

  it('accepts a custom verifier and verify: false', async () => {
    const listener = vi.fn();
    const refuse = handlerWith({
      verify: (request) => {
        if (request.headers.get('x-relay') !== 'yes') throw new Error('no relay header');
      },
      on: { '*': listener },
    });
    expect((await refuse.handler(post(WON))).status).toBe(401);
    const open = handlerWith({ verify: false, on: { '*': listener } });
    expect((await open.handler(post(WON, 'https://example.com/x'))).status).toBe(200);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('answers 200 before deferred listeners finish when waitUntil is given', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const finished = vi.fn();
    const pending: Array<Promise<unknown>> = [];
    const { handler } = handlerWith({
      waitUntil: (promise) => pending.push(promise),
      on: {
        'leads.status': async () => {
          await gate;
          finished();
        },
      },
    });
    const response = await handler(post(WON));
    expect(response.status).toBe(200);
    expect(finished).not.toHaveBeenCalled();
    expect(pending).toHaveLength(1);
    release();
    await pending[0];
    expect(finished).toHaveBeenCalledTimes(1);
  });

  it('drops a repeated delivery with dedupe, but not a later change of the same lead', async () => {
    const listener = vi.fn();
    const { handler } = handlerWith({ dedupe: true, on: { 'leads.status': listener } });
    await handler(post(WON));
    await handler(post(WON));
    expect(listener).toHaveBeenCalledTimes(1);
    await handler(post(WON.replace('updated_at%5D=1735843200', 'updated_at%5D=1735843999')));
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('keeps two status changes of one lead within the same second (same updated_at)', async () => {
    const listener = vi.fn();
    const { handler } = handlerWith({ dedupe: true, on: { 'leads.status': listener } });
    const body = (statusId: number) =>
      buildWebhookBody({ id: 1, subdomain: 'acme' }, [
        {
          entity: 'leads',
          action: 'status',
          data: {
            id: 42,
            status_id: statusId,
            old_status_id: 7,
            pipeline_id: 1,
            updated_at: 1735843200,
          },
        },
      ]);
    await handler(post(body(55)));
    await handler(post(body(142)));
    await handler(post(body(142)));
    expect(
      listener.mock.calls.map(
        ([e]) => (e as WebhookEvent & { data: { status_id?: number } }).data.status_id,
      ),
    ).toEqual([55, 142]);
  });

  it('processes a retry again after a listener failed, with a custom key and store', async () => {
    let attempts = 0;
    const store = new MemoryDedupeStore();
    const { handler } = handlerWith({
      dedupe: { store, key: (event: WebhookEvent) => `${event.type}:${String(event.id)}` },
      on: {
        'leads.status': () => {
          attempts++;
          if (attempts === 1) throw new Error('temporary');
        },
      },
    });
    expect((await handler(post(WON))).status).toBe(500);
    expect((await handler(post(WON))).status).toBe(200);
    expect((await handler(post(WON))).status).toBe(200);
    expect(attempts).toBe(2);
  });

  it('dispatches every item of a batched delivery in order', async () => {
    const ids: number[] = [];
    const { handler } = handlerWith({ on: { 'leads.add': (e) => void ids.push(e.data.id) } });
    const body = buildWebhookBody(
      ACCOUNT,
      [1, 2, 3].map((id) => ({ entity: 'leads', action: 'add', data: { id } })),
    );
    expect((await handler(post(body))).status).toBe(200);
    expect(ids).toEqual([1, 2, 3]);
  });
});

describe('MemoryDedupeStore', () => {
  it('forgets keys after their ttl and beyond its size bound', () => {
    let now = 0;
    const store = new MemoryDedupeStore({ max: 2, now: () => now });
    expect(store.seen('a', 100)).toBe(false);
    expect(store.seen('a', 100)).toBe(true);
    now = 101;
    expect(store.seen('a', 100)).toBe(false);
    store.seen('b', 100);
    store.seen('c', 100);
    expect(store.seen('a', 100)).toBe(false);
  });
});

describe('toNodeHandler over node:http on loopback', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function listen(
    options: Partial<WebhookHandlerOptions>,
    nodeOptions = {},
  ): Promise<string> {
    const handler = createWebhookHandler({ verify: { secret: SECRET }, ...options });
    const node = toNodeHandler(handler, nodeOptions);
    server = createServer((req, res) => void node(req, res));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('delivers a real-shaped body to the listener and answers 200', async () => {
    const received: WebhookEvent[] = [];
    const base = await listen({ on: { '*': (e) => void received.push(e) } });
    const response = await fetch(`${base}/kommo/webhook?secret=${SECRET}`, {
      method: 'POST',
      headers: { ...FORM, 'user-agent': 'amoCRM-Webhooks/3.0' },
      body: fixture('webhook_contact_update_real_2025.txt'),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('OK');
    expect(received.map((e) => [e.type, e.id])).toEqual([['contacts.update', 37054081]]);
  });

  it('answers 401 to a wrong secret and 413 to a body over the limit', async () => {
    const listener = vi.fn();
    const base = await listen({ on: { '*': listener } }, { maxBytes: 1024 });
    const wrong = await fetch(`${base}/kommo?secret=nope`, {
      method: 'POST',
      headers: FORM,
      body: fixture('webhook_lead_delete_real_2025.txt'),
    });
    expect(wrong.status).toBe(401);
    const big = await fetch(`${base}/kommo?secret=${SECRET}`, {
      method: 'POST',
      headers: FORM,
      body: `account[id]=1&x=${'a'.repeat(4096)}`,
    });
    expect(big.status).toBe(413);
    expect(listener).not.toHaveBeenCalled();
  });

  it('answers 400, not 500, to a request the Fetch API cannot represent', async () => {
    const base = await listen({});
    const { port } = new URL(base);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, method: 'TRACE', path: `/kommo?secret=${SECRET}` },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end('account[id]=1');
    });
    expect(status).toBe(400);
  });

  it('re-encodes a body another middleware already decoded', async () => {
    const received: WebhookEvent[] = [];
    const handler = createWebhookHandler({
      verify: { secret: SECRET },
      on: { '*': (e) => void received.push(e) },
    });
    const node = toNodeHandler(handler);
    const res = {
      statusCode: 0,
      headers: {} as Record<string, string>,
      body: '' as string | Uint8Array,
    };
    const decoded = JSON.parse(fixture('webhook_lead_status_won.decoded.json'));
    await node(
      {
        method: 'POST',
        url: `/kommo?secret=${SECRET}`,
        headers: { host: 'example.com', 'content-type': 'application/x-www-form-urlencoded' },
        body: decoded,
        async *[Symbol.asyncIterator]() {},
      },
      {
        set statusCode(code: number) {
          res.statusCode = code;
        },
        get statusCode() {
          return res.statusCode;
        },
        setHeader: (name: string, value: string) => void (res.headers[name] = value),
        end: (chunk?: Uint8Array | string) => void (res.body = chunk ?? ''),
      },
    );
    expect(res.statusCode).toBe(200);
    expect(received.map((e) => [e.type, e.id])).toEqual([['leads.status', 25399013]]);
  });
});
