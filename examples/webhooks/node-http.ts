/**
 * A plain `node:http` receiver, no framework. Run:
 * `KOMMO_WEBHOOK_SECRET=… npx tsx examples/webhooks/node-http.ts`, then send it a test delivery
 * with `npx tsx examples/webhooks/send-test-webhook.ts`.
 */
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createWebhookHandler, toNodeHandler } from 'kommo-sdk';
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

const USAGE = `Usage: KOMMO_WEBHOOK_SECRET=<long random string> npx tsx examples/webhooks/node-http.ts [--port <n>]

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
  createKommoServer(secret).listen(port, '127.0.0.1', () => {
    console.log(`Kommo webhooks on http://127.0.0.1:${port}/kommo/webhook?secret=…`);
  });
}
