// kommo-sdk/salesbot and kommo.files from the installed tarball: import + require of the salesbot
// entry, a bot's widget_request delivered by the packed sandbox to a createSalesbotHandler over
// node:http and continued with the handlers returned, and an upload through kommo.files, whose
// engine is a chunk loaded on demand (it must be in the tarball, for ESM and CJS alike).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { Kommo } from 'kommo-sdk';
import { bot, createSalesbotHandler, toNodeHandler } from 'kommo-sdk/salesbot';
import { startSandbox } from 'kommo-sdk/sandbox';

const require = createRequire(import.meta.url);
const cjs = require('kommo-sdk/salesbot');
assert.equal(typeof cjs.createSalesbotHandler, 'function');
assert.equal(cjs.MAX_SALESBOT_SHOW_LENGTH, 80);

const sandbox = await startSandbox({ rateLimit: false });
const options = { baseUrl: sandbox.url, accessToken: sandbox.accessToken, rateLimit: false };
const kommo = new Kommo(options);
const handler = createSalesbotHandler({
  kommo,
  secret: sandbox.oauth.clientSecret,
  onRequest: ({ data }) => [bot.show(`Hello ${String(data.name)}`)],
});
const server = createServer(toNodeHandler(handler));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
try {
  const url = `http://127.0.0.1:${server.address().port}/salesbot`;
  const { id } = sandbox.salesbot.addBot({ widgetRequest: { url, data: { name: 'Ana' } } });
  const lead = await kommo.leads.create({ name: 'smoke' });
  await kommo.salesbot.run([{ bot_id: id, entity_id: lead.id, entity_type: 'leads' }]);
  await sandbox.salesbot.flush();
  await handler.drain();
  assert.equal(sandbox.salesbot.runs[0]?.status, 'continued');
  assert.deepEqual(sandbox.salesbot.runs[0]?.continued?.execute_handlers, [
    { handler: 'show', params: { type: 'text', value: 'Hello Ana' } },
  ]);

  for (const client of [kommo, new (require('kommo-sdk').Kommo)(options)]) {
    const file = await client.files.upload(new Uint8Array(700_000), { file_name: 'a.bin' });
    assert.equal(file.size, 700_000);
  }
  console.log('salesbot + files smoke (ESM and CJS): ok');
} finally {
  server.close();
  await sandbox.close();
}
