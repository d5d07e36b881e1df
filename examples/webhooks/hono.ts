/**
 * A Hono receiver. Hono speaks Web `Request`/`Response`, so the handler plugs in directly; the
 * same app runs on Cloudflare Workers, Deno, Bun or Node. Run on Node:
 * `KOMMO_WEBHOOK_SECRET=… npx tsx examples/webhooks/hono.ts`.
 */
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Hono } from 'hono';
import { createWebhookHandler, toNodeHandler } from 'kommo-sdk/webhooks';
import { routes } from './routes.js';

/** Builds the app; the secret is what protects the endpoint. */
export function createApp(secret: string): Hono {
  const handler = createWebhookHandler({ verify: { secret }, on: routes, dedupe: true });
  const app = new Hono();
  app.post('/kommo/webhook', (c) => handler(c.req.raw));
  return app;
}

const USAGE = `Usage: KOMMO_WEBHOOK_SECRET=<long random string> npx tsx examples/webhooks/hono.ts [--port <n>]

A Kommo webhook receiver on http://127.0.0.1:<port>/kommo/webhook?secret=<KOMMO_WEBHOOK_SECRET>
(the secret may also come from ./.env). Register that URL, with your public host, in Kommo.

Options:
  --port <n>  port to listen on (default: PORT, else 3000)
  -h, --help  show this help
`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let flags;
  try {
    ({ values: flags } = parseArgs({
      options: { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (flags.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  // ./.env when there is one (Node ≥ 20.12); variables already set win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const secret = process.env['KOMMO_WEBHOOK_SECRET'];
  if (!secret) {
    process.stderr.write(`Set KOMMO_WEBHOOK_SECRET (a long random string)\n\n${USAGE}`);
    process.exit(2);
  }
  const port = Number(flags.port ?? process.env['PORT'] ?? 3000);
  const app = createApp(secret);
  // On Workers/Bun/Deno export `app` instead; on Node the adapter serves it.
  const serve = toNodeHandler((request) => Promise.resolve(app.fetch(request)));
  createServer((req, res) => void serve(req, res)).listen(port, () => {
    console.log(`Kommo webhooks on http://127.0.0.1:${port}/kommo/webhook?secret=…`);
  });
}
