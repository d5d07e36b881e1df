/**
 * An Express 5 receiver. Run: `KOMMO_WEBHOOK_SECRET=… npx tsx examples/webhooks/express.ts`,
 * then register `https://<your host>/kommo/webhook?secret=<KOMMO_WEBHOOK_SECRET>` in Kommo.
 *
 * Mount the handler before any body parser (or after `express.raw()`), so it reads the raw body.
 */
import { pathToFileURL } from 'node:url';
import express, { type Express } from 'express';
import { createWebhookHandler, toNodeHandler } from '../../src/index.js';
import { routes } from './routes.js';

/** Builds the app; the secret is what protects the endpoint. */
export function createApp(secret: string): Express {
  const handler = createWebhookHandler({ verify: { secret }, on: routes, dedupe: true });
  const app = express();
  app.post('/kommo/webhook', toNodeHandler(handler));
  return app;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const secret = process.env['KOMMO_WEBHOOK_SECRET'];
  if (!secret) throw new Error('Set KOMMO_WEBHOOK_SECRET (a long random string)');
  const port = Number(process.env['PORT'] ?? 3000);
  createApp(secret).listen(port, () => {
    console.log(`Kommo webhooks on http://127.0.0.1:${port}/kommo/webhook?secret=…`);
  });
}
