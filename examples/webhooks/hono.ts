/**
 * A Hono receiver. Hono speaks Web `Request`/`Response`, so the handler plugs in directly; the
 * same app runs on Cloudflare Workers, Deno, Bun or Node. Run on Node:
 * `KOMMO_WEBHOOK_SECRET=… npx tsx examples/webhooks/hono.ts`.
 */
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { Hono } from 'hono';
import { createWebhookHandler, toNodeHandler } from '../../src/webhooks/index.js';
import { routes } from './routes.js';

/** Builds the app; the secret is what protects the endpoint. */
export function createApp(secret: string): Hono {
  const handler = createWebhookHandler({ verify: { secret }, on: routes, dedupe: true });
  const app = new Hono();
  app.post('/kommo/webhook', (c) => handler(c.req.raw));
  return app;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const secret = process.env['KOMMO_WEBHOOK_SECRET'];
  if (!secret) throw new Error('Set KOMMO_WEBHOOK_SECRET (a long random string)');
  const app = createApp(secret);
  const port = Number(process.env['PORT'] ?? 3000);
  // On Workers/Bun/Deno export `app` instead; on Node the adapter serves it.
  const serve = toNodeHandler((request) => Promise.resolve(app.fetch(request)));
  createServer((req, res) => void serve(req, res)).listen(port, () => {
    console.log(`Kommo webhooks on http://127.0.0.1:${port}/kommo/webhook?secret=…`);
  });
}
