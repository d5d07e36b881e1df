// kommo-sdk/webhooks inside Vercel's edge runtime (Web APIs only, no Node built-ins): the
// packed dist/webhooks.js is bundled for the browser platform and serves a webhook handler.
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { EdgeRuntime } from 'edge-runtime';
import { buildWebhookBody } from 'kommo-sdk/webhooks';

const bundle = await build({
  stdin: {
    contents: "export * from 'kommo-sdk/webhooks';",
    resolveDir: process.cwd(),
    loader: 'js',
  },
  bundle: true,
  format: 'iife',
  globalName: 'KommoWebhooks',
  platform: 'browser',
  write: false,
  logLevel: 'silent',
});
const runtime = new EdgeRuntime({
  initialCode: `${bundle.outputFiles[0].text}
    globalThis.received = [];
    const handler = KommoWebhooks.createWebhookHandler({
      verify: { secret: 'edge-secret-123' },
      on: { 'leads.status': (event) => { globalThis.received.push(event.id); } },
    });
    addEventListener('fetch', (event) => event.respondWith(handler(event.request)));`,
});
const body = buildWebhookBody({ id: 1, subdomain: 'acme' }, [
  {
    entity: 'leads',
    action: 'status',
    data: { id: 77, status_id: 142, old_status_id: 7, pipeline_id: 1 },
  },
]);
const post = (secret) =>
  runtime.dispatchFetch(`https://edge.example.com/kommo?secret=${secret}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
const ok = await post('edge-secret-123');
assert.equal(ok.status, 200);
assert.deepEqual([...runtime.context.received], [77]);
const refused = await post('nope');
assert.equal(refused.status, 401);
console.log('edge-runtime: ok');
