import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp as createExpressApp } from '../../examples/webhooks/express.js';
import { createApp as createHonoApp } from '../../examples/webhooks/hono.js';
import { createKommoServer } from '../../examples/webhooks/node-http.js';
import { fixture } from '../webhooks/fixtures.js';

const SECRET = 'example-secret-7c1d';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const WON = fixture('webhook_lead_status_won.txt');

let server: Server | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function start(s: Server): Promise<string> {
  server = s;
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

function logs(): string[] {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation(
    (...args: unknown[]) => void lines.push(args.join(' ')),
  );
  return lines;
}

describe('the webhook examples protect their endpoint with the URL secret', () => {
  it('Express: runs the won trigger for a secret URL and refuses a URL without it', async () => {
    const lines = logs();
    const fresh = await start(createServer(createExpressApp(SECRET)));
    expect(
      (
        await fetch(`${fresh}/kommo/webhook?secret=${SECRET}`, {
          method: 'POST',
          headers: FORM,
          body: WON,
        })
      ).status,
    ).toBe(200);
    expect(
      (await fetch(`${fresh}/kommo/webhook`, { method: 'POST', headers: FORM, body: WON })).status,
    ).toBe(401);
    expect(lines).toEqual(['lead 25399013 won (12500): send a thank-you']);
  });

  it('Hono: the app answers Web requests directly', async () => {
    const lines = logs();
    const app = createHonoApp(SECRET);
    const ok = await app.fetch(
      new Request(`http://x.test/kommo/webhook?secret=${SECRET}`, {
        method: 'POST',
        headers: FORM,
        body: WON,
      }),
    );
    const refused = await app.fetch(
      new Request('http://x.test/kommo/webhook?secret=guess', {
        method: 'POST',
        headers: FORM,
        body: WON,
      }),
    );
    expect([ok.status, refused.status]).toEqual([200, 401]);
    expect(lines).toEqual(['lead 25399013 won (12500): send a thank-you']);
  });

  it('node:http: serves the contact trigger on loopback', async () => {
    const lines = logs();
    const base = await start(createKommoServer(SECRET));
    const body = fixture('webhook_contact_update_real_2025.txt');
    expect(
      (
        await fetch(`${base}/kommo/webhook?secret=${SECRET}`, {
          method: 'POST',
          headers: FORM,
          body,
        })
      ).status,
    ).toBe(200);
    expect(
      (await fetch(`${base}/kommo/webhook?secret=x`, { method: 'POST', headers: FORM, body }))
        .status,
    ).toBe(401);
    expect(lines).toEqual(['contact 37054081 changed; phones: 333']);
  });

  it('Next.js: the POST route handler verifies with KOMMO_WEBHOOK_SECRET', async () => {
    const lines = logs();
    vi.stubEnv('KOMMO_WEBHOOK_SECRET', SECRET);
    vi.resetModules();
    const { POST } = await import('../../examples/webhooks/nextjs-route.js');
    vi.unstubAllEnvs();
    const ok = await POST(
      new Request(`https://app.test/api/kommo/webhook?secret=${SECRET}`, {
        method: 'POST',
        headers: FORM,
        body: WON,
      }),
    );
    const refused = await POST(
      new Request('https://app.test/api/kommo/webhook', {
        method: 'POST',
        headers: FORM,
        body: WON,
      }),
    );
    expect([ok.status, refused.status]).toEqual([200, 401]);
    expect(lines).toEqual(['lead 25399013 won (12500): send a thank-you']);
  });
});
