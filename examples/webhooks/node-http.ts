/**
 * A plain `node:http` receiver, no framework. Run:
 * `KOMMO_WEBHOOK_SECRET=… npx tsx examples/webhooks/node-http.ts`, then send it a test delivery
 * with `npx tsx examples/webhooks/send-test-webhook.ts`.
 */
import { createServer, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { createWebhookHandler, toNodeHandler } from '../../src/index.js';
import { routes } from './routes.js';

/** Builds the server; the secret in the URL is what protects it. */
export function createKommoServer(secret: string): Server {
  const handler = toNodeHandler(
    createWebhookHandler({ verify: { secret }, on: routes, dedupe: true }),
  );
  return createServer((req, res) => {
    if (req.url?.startsWith('/kommo/webhook')) void handler(req, res);
    else res.writeHead(404).end();
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const secret = process.env['KOMMO_WEBHOOK_SECRET'];
  if (!secret) throw new Error('Set KOMMO_WEBHOOK_SECRET (a long random string)');
  const port = Number(process.env['PORT'] ?? 3000);
  createKommoServer(secret).listen(port, '127.0.0.1', () => {
    console.log(`Kommo webhooks on http://127.0.0.1:${port}/kommo/webhook?secret=…`);
  });
}
