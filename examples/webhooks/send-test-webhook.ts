/**
 * Sends a Kommo-shaped "lead won" delivery to a local receiver, the way Kommo would (form body,
 * Kommo's user agent, the secret in the URL). Run one of the receivers first, then:
 * `KOMMO_WEBHOOK_SECRET=… npx tsx examples/webhooks/send-test-webhook.ts`.
 */
import { buildWebhookBody, signWebhook, WON_STATUS_ID } from '../../src/index.js';

const secret = process.env['KOMMO_WEBHOOK_SECRET'];
if (!secret) throw new Error('Set KOMMO_WEBHOOK_SECRET to the receiver’s secret');
const target = process.env['WEBHOOK_URL'] ?? 'http://127.0.0.1:3000/kommo/webhook';

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
