// kommo-sdk/chats from the installed tarball: the signing vector, import + require of both chats
// entries, a channel round trip against the packed sandbox (a client message lands in the CRM,
// a manager reply reaches a createChatsHandler over node:http), and the Web-only entry bundled
// for the browser platform and run inside an edge runtime.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { EdgeRuntime } from 'edge-runtime';
import {
  KommoChats,
  chatMessage,
  createChatsHandler,
  getAccountAmojoId,
  signChatsApiRequest,
  toNodeHandler,
} from 'kommo-sdk/chats';
import { FileChatInbox } from 'kommo-sdk/chats/file-inbox';
import { Kommo } from 'kommo-sdk';
import { startSandbox } from 'kommo-sdk/sandbox';

const require = createRequire(import.meta.url);
const cjs = require('kommo-sdk/chats');
assert.equal(typeof cjs.KommoChats, 'function');
assert.equal(typeof require('kommo-sdk/chats/file-inbox').FileChatInbox, 'function');

// The chats_outgoing_request vector of the test fixtures.
const vector = {
  secret: 'TEST_CHANNEL_SECRET_not_real_fedcba9876543210',
  method: 'POST',
  path: '/v2/origin/custom/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/chats',
  body: '{"conversation_id":"conv-7788","user":{"id":"client-7788","name":"Maria Cliente"}}',
  date: 'Thu, 02 Jan 2025 18:19:46 +0000',
};
for (const sign of [signChatsApiRequest, cjs.signChatsApiRequest]) {
  const headers = await sign(vector);
  assert.equal(headers['content-md5'], '7460a6cfbd016806557d667ad386c35a');
  assert.equal(headers['x-signature'], '5fd8cc686fc817af65c05bea09c74947d2b82a41');
}

// A channel against the packed sandbox, both ways.
const dir = mkdtempSync(join(tmpdir(), 'kommo-chats-smoke-'));
const sandbox = await startSandbox({ seed: false });
const received = [];
const handler = createChatsHandler({
  secret: 'smoke-secret',
  inbox: new FileChatInbox(join(dir, 'inbox.jsonl')),
  on: { message: (event) => void received.push(event.message.message.text) },
});
const node = toNodeHandler(handler);
const receiver = createServer((req, res) => void node(req, res));
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
try {
  sandbox.chats.registerChannel({
    channelId: 'smoke-channel',
    secret: 'smoke-secret',
    webhookUrl: `http://127.0.0.1:${receiver.address().port}/hooks/:scope_id`,
  });
  const kommo = new Kommo({ baseUrl: sandbox.url, accessToken: sandbox.accessToken });
  const chats = new KommoChats({
    channelId: 'smoke-channel',
    channelSecret: 'smoke-secret',
    baseUrl: sandbox.url,
  });
  const scopeId = await chats.connect(await getAccountAmojoId(kommo));
  await chats.sendMessage(scopeId, {
    conversationId: 'smoke-conv',
    sender: { id: 'smoke-client', name: 'Smoke Client' },
    message: chatMessage.text('Hello from the package'),
  });
  assert.equal(sandbox.chats.talks.length, 1);
  const [delivery] = await sandbox.chats.reply({
    conversationId: 'smoke-conv',
    text: 'Hello back',
  });
  assert.equal(delivery.status, 'delivered');
  await handler.drain();
  assert.deepEqual(received, ['Hello back']);
  await assert.rejects(
    new KommoChats({
      channelId: 'smoke-channel',
      channelSecret: 'wrong',
      baseUrl: sandbox.url,
    }).connect('x'),
    (error) => error.status === 403 && error.type === 'ORIGIN_INVALID_SIGNATURE',
  );
} finally {
  await handler.close();
  receiver.closeAllConnections();
  receiver.close();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log('chats: ok');

// Web APIs only: the entry bundles for the browser platform (a node: import would fail the
// build) and serves hooks inside an edge runtime.
const bundle = await build({
  stdin: { contents: "export * from 'kommo-sdk/chats';", resolveDir: process.cwd(), loader: 'js' },
  bundle: true,
  format: 'iife',
  globalName: 'KommoChatsEdge',
  platform: 'browser',
  write: false,
  logLevel: 'silent',
});
const runtime = new EdgeRuntime({
  initialCode: `${bundle.outputFiles[0].text}
    globalThis.received = [];
    const handler = KommoChatsEdge.createChatsHandler({
      secret: 'edge-secret',
      on: { message: (event) => { globalThis.received.push(event.message.message.id); } },
    });
    globalThis.handler = handler;
    addEventListener('fetch', (event) => event.respondWith(handler(event.request)));`,
});
const body = JSON.stringify({
  account_id: 'acc',
  time: 1,
  message: {
    receiver: { id: 'r' },
    sender: { id: 's' },
    conversation: { id: 'chat', client_id: 'conv' },
    message: { id: 'edge-msg', type: 'text', text: 'hi' },
  },
});
const post = (secret) =>
  runtime.dispatchFetch('https://edge.example.com/hooks', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-signature': createHmac('sha1', secret).update(body).digest('hex'),
    },
    body,
  });
assert.equal((await post('nope')).status, 401);
assert.equal((await post('edge-secret')).status, 200);
await runtime.evaluate('globalThis.handler.drain()');
assert.deepEqual([...runtime.context.received], ['edge-msg']);
console.log('chats edge-runtime: ok');
