// Runs under Bun, Deno and Node against a sandbox started by Node: the packed package's main
// entry makes real requests, and kommo-sdk/webhooks verifies and parses a webhook.
// Usage: <runtime> runtime.mjs <sandbox url> <token>
import { Kommo, WON_STATUS_ID } from 'kommo-sdk';
import { buildWebhookBody, parseWebhook, verifyWebhook } from 'kommo-sdk/webhooks';

const [url, token] = globalThis.Deno ? Deno.args : process.argv.slice(2);
const runtime = globalThis.Deno
  ? `deno ${Deno.version.deno}`
  : globalThis.Bun
    ? `bun ${Bun.version}`
    : `node ${process.version}`;
const assert = (ok, what) => {
  if (!ok) throw new Error(`${runtime}: ${what}`);
};

const kommo = new Kommo({ baseUrl: url, accessToken: token });
const lead = await kommo.leads.create({ name: `From ${runtime}` });
await kommo.leads.moveToStatus(lead.id, { status_id: WON_STATUS_ID });
const read = await kommo.leads.get(lead.id);
assert(read.name === `From ${runtime}` && read.status_id === WON_STATUS_ID, 'lead round trip');
let pages = 0;
for await (const page of kommo.leads.list({ limit: 5 }).pages()) if (++pages >= 2) break;
assert(pages === 2, 'pagination');

const body = buildWebhookBody({ id: 31204999, subdomain: 'acme' }, [
  {
    entity: 'leads',
    action: 'status',
    data: { id: lead.id, status_id: 142, old_status_id: 7, pipeline_id: 1 },
  },
]);
const request = new Request('https://hooks.example.com/kommo?secret=s3cret-value', {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body,
});
await verifyWebhook(request.clone(), { secret: 's3cret-value' });
let refused = false;
await verifyWebhook(
  new Request('https://hooks.example.com/kommo?secret=wrong', { method: 'POST', body }),
  { secret: 's3cret-value' },
).catch(() => {
  refused = true;
});
assert(refused, 'a wrong secret is refused');
const parsed = parseWebhook(body);
assert(
  parsed.events[0]?.type === 'leads.status' && parsed.events[0]?.id === lead.id,
  'webhook parse',
);
console.log(`${runtime}: ok`);
