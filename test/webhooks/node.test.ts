import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createWebhookHandler,
  toNodeHandler,
  type WebhookEvent,
  type WebhookHandlerOptions,
} from '../../src/index.js';
import { FORM, SECRET } from '../support/webhooks.js';
import { fixture } from './fixtures.js';

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
