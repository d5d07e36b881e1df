import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { embeddedIds, Kommo, parseWebhook, toNodeHandler } from '../../src/index.js';
import {
  KommoChats,
  PermissionDeniedError,
  chatMessage,
  createChatsHandler,
  getAccountAmojoId,
  signChatsApiRequest,
  type ChatsEvent,
  type ChatsHandler,
} from '../../src/chats/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { answer, captureServer, hookSignature } from './helpers.js';

const CHANNEL = 'c7a1d2e3-0000-4000-8000-00000000cafe';
const SECRET = 'sandbox-channel-secret-0123456789abcdef0123';

let sandbox: Sandbox;
let kommo: Kommo;
let chats: KommoChats;
let crm: Awaited<ReturnType<typeof captureServer>>;
let receiver: Server;
let receiverUrl: string;
let handler: ChatsHandler;
let events: ChatsEvent[];
let errors: Array<{ phase: string }>;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeEach(async () => {
  sandbox = await startSandbox({ seed: { leads: 2, contacts: 2, companies: 0 } });
  kommo = new Kommo({ baseUrl: sandbox.url, accessToken: sandbox.accessToken });
  chats = new KommoChats({ channelId: CHANNEL, channelSecret: SECRET, baseUrl: sandbox.url });
  crm = await captureServer((_req, _i, res) => answer(res, 200));
  events = [];
  errors = [];
  handler = createChatsHandler({
    secret: SECRET,
    on: { '*': (event) => void events.push(event) },
    onError: (_error, context) => void errors.push({ phase: context.phase }),
    mediaGroupWaitMs: 50,
  });
  const node = toNodeHandler(handler);
  receiver = createServer((req, res) => void node(req, res));
  receiverUrl = await listen(receiver);
  sandbox.chats.registerChannel({
    channelId: CHANNEL,
    secret: SECRET,
    webhookUrl: `${receiverUrl}/hooks/:scope_id`,
    code: 'amo.ext.shop_chat',
    title: 'Shop chat',
  });
});

afterEach(async () => {
  await handler.close();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  await crm.close();
  await sandbox.close();
});

async function connectAndWrite(text = 'Hello! Is the 14" model in stock?') {
  await kommo.webhooks.subscribe({
    destination: `${crm.url}/kommo`,
    settings: ['add_unsorted', 'add_talk', 'add_message'],
  });
  const scopeId = await chats.connect(await getAccountAmojoId(kommo), { title: 'Shop chat' });
  const chat = await chats.createChat(scopeId, {
    conversationId: 'conv-7788',
    user: { id: 'client-7788', name: 'Maria Cliente', profile: { phone: '+15550177' } },
  });
  const sent = await chats.sendMessage(scopeId, {
    conversationId: 'conv-7788',
    msgid: 'msg-1',
    sender: { id: 'client-7788', name: 'Maria Cliente' },
    message: chatMessage.text(text),
  });
  await sandbox.flushWebhooks();
  return { scopeId, chat, sent };
}

describe('the sandbox as amojo', () => {
  it('lands a client message in the CRM: unsorted lead, contact, talk, event and message[add]', async () => {
    const { scopeId, chat, sent } = await connectAndWrite();
    expect(scopeId).toBe(`${CHANNEL}_${sandbox.state.account.amojo_id}`);
    expect(sent.new_message?.ref_id).toBe('msg-1');

    const [unsorted] = await kommo.unsorted
      .list({ filter: { category: ['chats'] } })
      .toArray({ max: 5 });
    expect(unsorted).toMatchObject({ category: 'chats', source_name: 'Shop chat' });
    const [leadId] = embeddedIds(unsorted!._embedded?.leads);
    const [contactId] = embeddedIds(unsorted!._embedded?.contacts);
    const lead = await kommo.leads.get(leadId!);
    expect(lead.name).toBe('Shop chat: Maria Cliente');
    const contact = await kommo.contacts.get(contactId!);
    expect(contact.custom_fields_values?.[0]?.values?.[0]?.value).toBe('+15550177');

    expect(sandbox.chats.talks).toEqual([
      expect.objectContaining({
        chat_id: chat.id,
        contact_id: contactId,
        entity_id: leadId,
        entity_type: 'lead',
        is_in_work: true,
        origin: 'amo.ext.shop_chat',
      }),
    ]);
    const [event] = await kommo.events
      .list({ filter: { type: ['incoming_chat_message'] } })
      .toArray({ max: 5 });
    expect(event).toMatchObject({ entity_id: leadId, entity_type: 'lead' });

    const delivered = crm.requests.map((r) => parseWebhook(r.body.toString('utf8')).events[0]);
    expect(delivered.map((e) => e?.type).sort()).toEqual([
      'messages.add',
      'talks.add',
      'unsorted.add',
    ]);
    const message = delivered.find((e) => e?.type === 'messages.add');
    expect(message?.data).toMatchObject({
      chat_id: chat.id,
      text: 'Hello! Is the 14" model in stock?',
      type: 'incoming',
      entity_id: leadId,
    });

    const links = await kommo.contacts.chats.list({ chat_id: chat.id });
    expect(links).toEqual([expect.objectContaining({ chat_id: chat.id, contact_id: contactId })]);
  });

  it('creates one lead per talk: a second message continues it, and a chat is created once per conversation', async () => {
    const { scopeId, chat } = await connectAndWrite();
    const again = await chats.createChat(scopeId, {
      conversationId: 'conv-7788',
      user: { id: 'client-7788', name: 'Maria Cliente' },
    });
    expect(again.id).toBe(chat.id);
    await chats.sendMessage(scopeId, {
      conversationId: 'conv-7788',
      sender: { id: 'client-7788', name: 'Maria Cliente' },
      message: chatMessage.text('Still there?'),
    });
    await chats.importMessage(scopeId, {
      conversationId: 'conv-old',
      sender: { id: 'client-1', name: 'Old' },
      message: chatMessage.text('silent history'),
    });
    await sandbox.flushWebhooks();
    expect(sandbox.chats.talks).toHaveLength(1);
    expect(await kommo.unsorted.list().toArray({ max: 10 })).toHaveLength(1);
    const history = await chats.getHistory(scopeId, chat.id);
    expect(history.map((m) => m.message.text)).toEqual([
      'Still there?',
      'Hello! Is the 14" model in stock?',
    ]);
  });

  it('delivers a manager reply to a createChatsHandler over node:http, verified and dispatched', async () => {
    const { scopeId } = await connectAndWrite();
    const [delivery] = await sandbox.chats.reply({
      conversationId: 'conv-7788',
      text: 'Yes, we have it',
    });
    expect(delivery).toMatchObject({
      status: 'delivered',
      responseStatus: 200,
      url: `${receiverUrl}/hooks/${scopeId}`,
    });
    await handler.drain();
    expect(events).toHaveLength(1);
    const event = events[0]!;
    if (event.type !== 'message') throw new Error('expected a message');
    expect(event.message.message).toMatchObject({ type: 'text', text: 'Yes, we have it' });
    expect(event.message.conversation.client_id).toBe('conv-7788');
    expect(event.message.receiver.client_id).toBe('client-7788');

    // The channel reports it read; the sandbox keeps the status on the message.
    await chats.updateDeliveryStatus(scopeId, event.message.message.id, { status: 'read' });
    const stored = sandbox.chats.chats[0]!.messages.find((m) => m.id === event.message.message.id);
    expect(stored?.delivery_status).toBe(2);
  });

  it('delivers attachments sharing a media_group_id as one event', async () => {
    await connectAndWrite();
    const deliveries = await sandbox.chats.reply({
      conversationId: 'conv-7788',
      text: 'Photos',
      attachments: [
        {
          type: 'picture',
          media: 'https://amojo.test/attachments/1.jpg',
          fileName: '1.jpg',
          fileSize: 10,
        },
        {
          type: 'picture',
          media: 'https://amojo.test/attachments/2.jpg',
          fileName: '2.jpg',
          fileSize: 20,
        },
      ],
    });
    expect(deliveries.map((d) => d.status)).toEqual(['delivered', 'delivered']);
    await handler.drain();
    expect(events).toHaveLength(1);
    const event = events[0]!;
    if (event.type !== 'message') throw new Error('expected a message');
    expect(event.messages.map((m) => m.message.file_name)).toEqual(['1.jpg', '2.jpg']);
  });

  it('refuses a tampered hook with 401 and runs no listener', async () => {
    const { scopeId } = await connectAndWrite();
    const [delivery] = await sandbox.chats.reply({ conversationId: 'conv-7788', text: 'original' });
    await handler.drain();
    events.length = 0;
    const tampered = delivery!.body.replace('original', 'tampered');
    const post = (body: string, signature: string) =>
      fetch(`${receiverUrl}/hooks/${scopeId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signature': signature },
        body,
      });
    expect((await post(tampered, delivery!.headers['x-signature']!)).status).toBe(401);
    expect((await post(tampered, hookSignature('another-secret', tampered))).status).toBe(401);
    expect((await post(tampered, '')).status).toBe(401);
    await handler.drain();
    expect(events).toEqual([]);
    expect(errors.map((e) => e.phase)).toEqual(['verify', 'verify', 'verify']);
    // The same hook delivered twice is processed once.
    expect((await post(delivery!.body, delivery!.headers['x-signature']!)).status).toBe(200);
    await handler.drain();
    expect(events).toEqual([]);
  });

  it("answers a wrongly signed request with Kommo's 403 ORIGIN_INVALID_SIGNATURE", async () => {
    const amojoId = await getAccountAmojoId(kommo);
    const wrong = new KommoChats({
      channelId: CHANNEL,
      channelSecret: 'not-the-secret',
      baseUrl: sandbox.url,
    });
    await expect(wrong.connect(amojoId)).rejects.toMatchObject({
      status: 403,
      type: 'ORIGIN_INVALID_SIGNATURE',
    });
    await expect(wrong.connect(amojoId)).rejects.toBeInstanceOf(PermissionDeniedError);

    // Signed over one body, another sent: Content-MD5 no longer matches.
    const path = `/v2/origin/custom/${CHANNEL}/connect`;
    const signed = JSON.stringify({ account_id: amojoId, hook_api_version: 'v2' });
    const headers = await signChatsApiRequest({
      secret: SECRET,
      method: 'POST',
      path,
      body: signed,
    });
    const response = await fetch(`${sandbox.url}${path}`, {
      method: 'POST',
      headers,
      body: `${signed} `,
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      status: 0,
      error_code: 403,
      error_type: 'ORIGIN_INVALID_SIGNATURE',
      error_description: 'invalid signature',
    });
    const stale = await signChatsApiRequest({
      secret: SECRET,
      method: 'POST',
      path,
      body: signed,
      date: new Date(Date.now() - 16 * 60_000),
    });
    expect(
      (await fetch(`${sandbox.url}${path}`, { method: 'POST', headers: stale, body: signed }))
        .status,
    ).toBe(403);
    expect(sandbox.chats.connections).toEqual([]);
  });

  it('stops hooks after disconnect and refuses an unknown channel with 404', async () => {
    const { scopeId } = await connectAndWrite();
    await chats.disconnect(await getAccountAmojoId(kommo));
    expect(sandbox.chats.connections[0]).toMatchObject({ scopeId, connected: false });
    await expect(sandbox.chats.reply({ conversationId: 'conv-7788', text: 'x' })).rejects.toThrow(
      /not connected/,
    );
    const stranger = new KommoChats({
      channelId: 'unknown-channel',
      channelSecret: SECRET,
      baseUrl: sandbox.url,
    });
    await expect(stranger.connect('x')).rejects.toMatchObject({ status: 404 });
  });

  it("keeps the channel's reactions, typing, edits and quotes on the chat, refusing odd data", async () => {
    const { scopeId, chat, sent } = await connectAndWrite();
    const amojoMessageId = sent.new_message!.msgid!;
    await chats.react(scopeId, {
      conversationId: 'conv-7788',
      msgid: 'msg-1',
      user: { id: '__proto__' },
      emoji: '👍',
    });
    await chats.typing(scopeId, {
      conversationId: 'conv-7788',
      senderId: 'client-7788',
      durationMs: 3000,
    });
    await chats.editMessage(scopeId, {
      conversationId: 'conv-7788',
      id: amojoMessageId,
      message: chatMessage.text('Edited'),
    });
    await chats.sendMessage(scopeId, {
      conversationId: 'conv-7788',
      sender: { id: 'client-7788', name: 'Maria Cliente' },
      message: chatMessage.location({ lat: 1, lon: 2 }),
      replyTo: { msgid: 'msg-1' },
    });
    const stored = sandbox.chats.chats.find((c) => c.id === chat.id)!;
    expect(stored.messages[0]).toMatchObject({ content: { type: 'text', text: 'Edited' } });
    expect([...stored.messages[0]!.reactions]).toEqual([['__proto__', '👍']]);
    expect(({} as Record<string, unknown>)['__proto__']).toBe(Object.prototype);
    expect(stored.typing).toEqual([
      expect.objectContaining({ senderId: 'client-7788', durationMs: 3000 }),
    ]);
    await chats.unreact(scopeId, {
      conversationId: 'conv-7788',
      id: amojoMessageId,
      user: { id: '__proto__' },
    });
    expect(stored.messages[0]!.reactions.size).toBe(0);
    await expect(
      chats.react(scopeId, {
        conversationId: 'conv-7788',
        msgid: 'nope',
        user: { id: 'u' },
        emoji: '👍',
      }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      chats.updateDeliveryStatus(scopeId, 'unknown-message', { status: 'read' }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(chats.getHistory(scopeId, 'unknown-chat')).resolves.toEqual([]);
    // The API is strictly typed: a number where a string goes is refused.
    const path = `/v2/origin/custom/${scopeId}/chats`;
    const body = JSON.stringify({ conversation_id: 42, user: { id: 'u', name: 'U' } });
    const headers = await signChatsApiRequest({ secret: SECRET, method: 'POST', path, body });
    const response = await fetch(`${sandbox.url}${path}`, { method: 'POST', headers, body });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error_code: 400, error_type: 'BAD_REQUEST' });
  });

  it('relinks a chat to another contact through kommo.contacts.chats', async () => {
    const { chat } = await connectAndWrite();
    const [before] = await kommo.contacts.chats.list({ chat_id: [chat.id] });
    const other = await kommo.contacts.create({ name: 'Maria (existing contact)' });
    const [linked] = await kommo.contacts.chats.link([
      { chat_id: chat.id, contact_id: other.id, request_id: 'r-1' },
    ]);
    expect(linked).toMatchObject({ chat_id: chat.id, contact_id: other.id, request_id: 'r-1' });
    expect(linked!.id).not.toBe(before!.id);
    expect(await kommo.contacts.chats.list({ contact_id: other.id })).toEqual([
      expect.objectContaining({ chat_id: chat.id }),
    ]);
    await expect(kommo.contacts.chats.list({})).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(kommo.contacts.chats.list({ contact_id: [999_999_999] })).resolves.toEqual([]);
  });

  it('shows a manager typing to the channel', async () => {
    await connectAndWrite();
    const delivery = await sandbox.chats.typing({ conversationId: 'conv-7788' });
    expect(delivery.status).toBe('delivered');
    await vi.waitFor(() => expect(events.map((e) => e.type)).toEqual(['typing']));
  });
});
