import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_IDS, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { parseWebhook } from '../../src/webhooks/index.js';
import { call } from './helpers.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let sandbox: Sandbox | undefined;
let receiver: Server | undefined;

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  receiver?.closeAllConnections();
  receiver = undefined;
});

/** A webhook destination on loopback that answers `statuses` in turn (the last one repeats). */
async function startReceiver(
  statuses: number[] | 'hang' = [200],
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      if (statuses === 'hang') return;
      res.writeHead(statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${String((receiver.address() as AddressInfo).port)}/kommo?secret=s3cret`,
    received,
  };
}

async function subscribe(s: Sandbox, destination: string, settings: string[]): Promise<void> {
  const res = await call(s, 'POST', '/api/v4/webhooks', { destination, settings });
  expect(res.status).toBe(201);
}

describe('webhook delivery', () => {
  it('posts a lead add as Kommo form body with Kommo headers', async () => {
    const { url, received } = await startReceiver();
    sandbox = await startSandbox({ rateLimit: false });
    await subscribe(sandbox, url, ['add_lead']);
    const created = await call(sandbox, 'POST', '/api/v4/leads', [
      { name: 'Hook me', price: 500 },
      { name: 'Me too' },
    ]);
    await sandbox.flushWebhooks();
    expect(received).toHaveLength(1);
    const [hit] = received;
    expect(hit!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(hit!.headers['user-agent']).toBe('amoCRM-Webhooks/3.0');
    expect(hit!.headers['x-amocrm-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    const params = new URLSearchParams(hit!.body);
    expect(hit!.body.startsWith('account%5Bsubdomain%5D=sandbox&account%5Bid%5D=31204999')).toBe(
      true,
    );
    expect(params.get('leads[add][0][id]')).toBe(String(created.body._embedded.leads[0].id));
    expect(params.get('leads[add][0][name]')).toBe('Hook me');
    expect(params.get('leads[add][0][price]')).toBe('500');
    expect(params.get('leads[add][0][status_id]')).toBe(String(SEED_IDS.firstStatusId));
    expect(params.get('leads[add][1][name]')).toBe('Me too');
    expect(sandbox.webhooks[0]).toMatchObject({
      status: 'delivered',
      settings: ['add_lead'],
      attempts: [{ status: 200 }],
    });
    expect(sandbox.stats.webhooksDelivered).toBe(1);
  });

  it('sends a status change with old_status_id only to subscribers of status_lead', async () => {
    const { url, received } = await startReceiver();
    sandbox = await startSandbox({ rateLimit: false });
    await subscribe(sandbox, url, ['status_lead', 'note_lead']);
    const id = sandbox.state.leads.filter((l) => l.status_id === SEED_IDS.firstStatusId)[0]!.id;
    await call(sandbox, 'PATCH', `/api/v4/leads/${String(id)}`, { name: 'renamed only' });
    await call(sandbox, 'PATCH', `/api/v4/leads/${String(id)}`, { status_id: 142 });
    await call(sandbox, 'POST', `/api/v4/leads/${String(id)}/notes`, [
      { note_type: 'common', params: { text: 'Paid & happy' } },
    ]);
    await sandbox.flushWebhooks();
    expect(received).toHaveLength(2);
    const status = new URLSearchParams(received[0]!.body);
    expect(status.get('leads[status][0][id]')).toBe(String(id));
    expect(status.get('leads[status][0][status_id]')).toBe('142');
    expect(status.get('leads[status][0][old_status_id]')).toBe(String(SEED_IDS.firstStatusId));
    const note = new URLSearchParams(received[1]!.body);
    expect(note.get('leads[note][0][note][text]')).toBe('Paid & happy');
    expect(note.get('leads[note][0][note][note_type]')).toBe('4');
  });

  it('sends company changes under contacts with type=company', async () => {
    const { url, received } = await startReceiver();
    sandbox = await startSandbox({ rateLimit: false });
    await subscribe(sandbox, url, ['add_company', 'add_contact']);
    await call(sandbox, 'POST', '/api/v4/companies', [{ name: 'Acme' }]);
    await sandbox.flushWebhooks();
    const params = new URLSearchParams(received[0]!.body);
    expect(params.get('contacts[add][0][name]')).toBe('Acme');
    expect(params.get('contacts[add][0][type]')).toBe('company');
  });

  it('retries a 5xx destination up to 5 attempts and a 4xx one up to 3', async () => {
    const { url, received } = await startReceiver([500]);
    sandbox = await startSandbox({ rateLimit: false, webhooks: { retryDelaysMs: [1, 1, 1, 1] } });
    await subscribe(sandbox, url, ['add_lead']);
    await call(sandbox, 'POST', '/api/v4/leads', [{ name: 'x' }]);
    await sandbox.flushWebhooks();
    expect(received).toHaveLength(5);
    expect(new Set(received.map((r) => r.headers['x-amocrm-requestid'])).size).toBe(1);
    expect(sandbox.webhooks[0]!.status).toBe('failed');
    expect(sandbox.stats.webhooksFailed).toBe(1);

    await sandbox.close();
    await new Promise<void>((resolve) => receiver!.close(() => resolve()));
    const second = await startReceiver([404]);
    sandbox = await startSandbox({ rateLimit: false, webhooks: { retryDelaysMs: [1, 1, 1, 1] } });
    await subscribe(sandbox, second.url, ['add_lead']);
    await call(sandbox, 'POST', '/api/v4/leads', [{ name: 'x' }]);
    await sandbox.flushWebhooks();
    expect(second.received).toHaveLength(3);
  });

  it('succeeds on a retry after a failure', async () => {
    const { url, received } = await startReceiver([503, 204]);
    sandbox = await startSandbox({ rateLimit: false, webhooks: { retryDelaysMs: [1, 1, 1, 1] } });
    await subscribe(sandbox, url, ['add_lead']);
    await call(sandbox, 'POST', '/api/v4/leads', [{ name: 'x' }]);
    await sandbox.flushWebhooks();
    expect(received).toHaveLength(2);
    expect(sandbox.webhooks[0]!.attempts.map((a) => a.status)).toEqual([503, 204]);
    expect(sandbox.webhooks[0]!.status).toBe('delivered');
  });

  it('counts a destination that does not answer in time as failed, without delaying the API answer', async () => {
    const { url, received } = await startReceiver('hang');
    sandbox = await startSandbox({
      rateLimit: false,
      webhooks: { timeoutMs: 50, retryDelaysMs: [] },
    });
    await subscribe(sandbox, url, ['add_lead']);
    const res = await call(sandbox, 'POST', '/api/v4/leads', [{ name: 'x' }]);
    expect(res.status).toBe(200);
    expect(sandbox.webhooks.every((d) => d.attempts.length === 0)).toBe(true);
    await sandbox.flushWebhooks();
    expect(received).toHaveLength(1);
    expect(sandbox.webhooks[0]!.attempts).toEqual([
      expect.objectContaining({ status: 0, error: expect.stringContaining('TimeoutError') }),
    ]);
    expect(sandbox.stats.webhooksFailed).toBe(1);
  });

  it('logs changes as skipped when delivery is switched off', async () => {
    sandbox = await startSandbox({ rateLimit: false, webhooks: { enabled: false } });
    await subscribe(sandbox, 'https://hooks.example.com/k', ['add_contact']);
    await call(sandbox, 'POST', '/api/v4/contacts', [{ name: 'x' }]);
    await sandbox.flushWebhooks();
    expect(sandbox.webhooks.map((d) => d.status)).toEqual(['skipped']);
  });

  it('sends customers.add and customers.note that parse into typed customer events', async () => {
    const { url, received } = await startReceiver();
    sandbox = await startSandbox({ rateLimit: false });
    await subscribe(sandbox, url, ['add_customer', 'note_customer']);
    await call(sandbox, 'PATCH', '/api/v4/customers/mode', {
      mode: 'periodicity',
      is_enabled: true,
    });
    const created = await call(sandbox, 'POST', '/api/v4/customers', [
      { name: 'Acme', next_date: 1_800_000_000, next_price: 700 },
    ]);
    const id = created.body._embedded.customers[0].id as number;
    await call(sandbox, 'POST', `/api/v4/customers/${String(id)}/notes`, [
      { note_type: 'common', params: { text: 'renewal' } },
    ]);
    await sandbox.flushWebhooks();
    const events = received.flatMap((r) => parseWebhook(r.body).events);
    expect(events.map((e) => e.type)).toEqual(['customers.add', 'customers.note']);
    const [add] = events;
    expect(add?.type === 'customers.add' && add.data).toMatchObject({
      id,
      name: 'Acme',
      next_date: 1_800_000_000,
      next_price: 700,
    });
  });
});
