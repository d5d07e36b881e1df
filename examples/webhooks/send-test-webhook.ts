/**
 * Sends a Kommo-shaped "lead won" delivery to a local receiver, the way Kommo would (form body,
 * Kommo's user agent, the secret in the URL). Run one of the receivers first, then:
 * `KOMMO_WEBHOOK_SECRET=… npx tsx examples/webhooks/send-test-webhook.ts [--url <receiver>]`.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildWebhookBody, signWebhook, WON_STATUS_ID } from 'kommo-sdk';

const USAGE = `Usage: KOMMO_WEBHOOK_SECRET=<the receiver's secret> npx tsx examples/webhooks/send-test-webhook.ts [--url <url>]

Sends one Kommo-shaped "lead won" delivery to a receiver, the way Kommo would (form body,
Kommo's user agent, the secret in the URL). The secret may also come from ./.env.

Options:
  --url <url>  the receiver (default: WEBHOOK_URL, else http://127.0.0.1:3000/kommo/webhook)
  -h, --help   show this help
`;

let flags;
try {
  ({ values: flags } = parseArgs({
    options: { url: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
  process.stderr.write(`Set KOMMO_WEBHOOK_SECRET to the receiver's secret\n\n${USAGE}`);
  process.exit(2);
}
const target = flags.url ?? process.env['WEBHOOK_URL'] ?? 'http://127.0.0.1:3000/kommo/webhook';

const now = Math.floor(Date.now() / 1000);
const body = buildWebhookBody({ id: 31204999, subdomain: 'acme' }, [
  {
    entity: 'leads',
    action: 'status',
    data: {
      id: 25399013,
      name: 'Website order #4471',
      status_id: WON_STATUS_ID,
      old_status_id: 32392165,
      pipeline_id: 3177727,
      old_pipeline_id: 3177727,
      price: 12500,
      updated_at: now,
    },
  },
]);
const { url } = await signWebhook({ scheme: 'url-secret', url: target, secret });
const response = await fetch(url, {
  method: 'POST',
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    'user-agent': 'amoCRM-Webhooks/3.0',
  },
  body,
});
console.log(`receiver answered ${response.status}`);
