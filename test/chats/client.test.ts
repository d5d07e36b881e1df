import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  KommoChats,
  PermissionDeniedError,
  RequestValidationError,
  ServerError,
  chatMessage,
  formatChatsDate,
  getAccountAmojoId,
  isKommoError,
  signChatsApiRequest,
  type ChatMessageContent,
} from '../../src/chats/index.js';
import { signChatsApiRequest as fromWebhooks } from '../../src/webhooks/index.js';
import { fixture } from '../webhooks/fixtures.js';
import { answer, captureServer, expectedChatsSignature, type CapturedRequest } from './helpers.js';

const vectors = JSON.parse(fixture('signature_vectors.json'));
const SECRET = 'TEST_CHANNEL_SECRET_not_real_fedcba9876543210';
const CHANNEL = '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const SCOPE = `${CHANNEL}_af9945ff-1490-4cad-807d-945c15d88bec`;
const NOW = Date.UTC(2025, 0, 2, 18, 19, 46);
const noWait = { sleep: async () => {} };

describe('signChatsApiRequest', () => {
  it('reproduces the chats_outgoing_request vector byte for byte', async () => {
    const v = vectors.chats_outgoing_request;
    const params = { secret: v.channel_secret, method: v.method, path: v.path, date: v.date };
    const expected = {
      date: v.date,
      'content-type': v.content_type,
      'content-md5': v.content_md5,
      'x-signature': v.expected_x_signature,
    };
    await expect(signChatsApiRequest({ ...params, body: v.body })).resolves.toEqual(expected);
    await expect(
      signChatsApiRequest({ ...params, body: new TextEncoder().encode(v.body) }),
    ).resolves.toEqual(expected);
    // kommo-sdk/webhooks keeps exporting the same function.
    await expect(fromWebhooks({ ...params, body: v.body })).resolves.toEqual(expected);
  });

  it('formats the Date header as the docs show it, with +0000', async () => {
    expect(formatChatsDate(new Date(NOW))).toBe('Thu, 02 Jan 2025 18:19:46 +0000');
    const headers = await signChatsApiRequest({ secret: 's', method: 'GET', path: '/x' });
    expect(headers['date']).toMatch(
      /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/,
    );
  });

  it('signs the MD5 of "" for an empty body', async () => {
    const headers = await signChatsApiRequest({
      secret: 's',
      method: 'get',
      path: '/v2/origin/custom/x/chats/y/history',
      date: new Date(NOW),
    });
    expect(headers['content-md5']).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(Object.keys(headers)).toEqual(['date', 'content-type', 'content-md5', 'x-signature']);
  });

  it('matches an independent node:crypto signature for any body, non-ASCII included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        fc.constantFrom('GET', 'POST', 'DELETE'),
        async (text, method) => {
          const body = JSON.stringify({ text });
          const date = formatChatsDate(new Date(NOW));
          const path = '/v2/origin/custom/scope/chats';
          const signed = await signChatsApiRequest({ secret: SECRET, method, path, body, date });
          const independent = expectedChatsSignature(SECRET, {
            method,
            url: path,
            headers: { 'content-type': 'application/json', date },
            body: Buffer.from(body, 'utf8'),
          });
          expect(signed['content-md5']).toBe(independent.contentMd5);
          expect(signed['x-signature']).toBe(independent.signature);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('KommoChats requests', () => {
  let server: Awaited<ReturnType<typeof captureServer>>;
  let replies: Array<[number, unknown]>;

  beforeEach(async () => {
    replies = [];
    server = await captureServer((_req, _i, res) => {
      const [status, body] = replies.shift() ?? [200, {}];
      answer(res, status, body);
    });
  });
  afterEach(() => server.close());

  const client = (options: Partial<ConstructorParameters<typeof KommoChats>[0]> = {}) =>
    new KommoChats({
      channelId: CHANNEL,
      channelSecret: SECRET,
      baseUrl: server.url,
      now: () => NOW,
      retry: noWait,
      rateLimit: false,
      ...options,
    });

  /** Every request verifies independently, and its body is what the test expects. */
  function verified(request: CapturedRequest | undefined): any {
    if (!request) throw new Error('no request');
    const { contentMd5, signature } = expectedChatsSignature(SECRET, request);
    expect(request.headers['content-md5']).toBe(contentMd5);
    expect(request.headers['x-signature']).toBe(signature);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['date']).toBe('Thu, 02 Jan 2025 18:19:46 +0000');
    return request.body.length === 0 ? undefined : JSON.parse(request.body.toString('utf8'));
  }

  it('connects with hook_api_version v2 and returns the scope id', async () => {
    replies.push([
      200,
      { account_id: 'acc', scope_id: SCOPE, title: 'Shop', hook_api_version: 'v2' },
    ]);
    await expect(client().connect('acc', { title: 'Shop' })).resolves.toBe(SCOPE);
    const request = server.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe(`/v2/origin/custom/${CHANNEL}/connect`);
    expect(verified(request)).toEqual({ account_id: 'acc', hook_api_version: 'v2', title: 'Shop' });
  });

  it('disconnects with a signed DELETE that carries the account', async () => {
    replies.push([200, undefined]);
    await client().disconnect('acc');
    expect(server.requests[0]!.method).toBe('DELETE');
    expect(verified(server.requests[0])).toEqual({ account_id: 'acc' });
  });

  it('creates a chat with the wire names Kommo expects', async () => {
    replies.push([
      200,
      { id: 'chat-1', user: { id: 'amojo-user', client_id: 'client-1', name: 'Ann' } },
    ]);
    const chat = await client().createChat(SCOPE, {
      conversationId: 'conv-1',
      source: { externalId: 'site-chat' },
      user: {
        id: 'client-1',
        name: 'Ann',
        profile: { phone: '+15550100' },
        profileLink: 'https://x.test/ann',
      },
    });
    expect(chat.id).toBe('chat-1');
    expect(verified(server.requests[0])).toEqual({
      conversation_id: 'conv-1',
      source: { external_id: 'site-chat' },
      user: {
        id: 'client-1',
        name: 'Ann',
        profile: { phone: '+15550100' },
        profile_link: 'https://x.test/ann',
      },
    });
  });

  it('sends a non-ASCII message whose signed bytes are the sent bytes', async () => {
    replies.push([200, { new_message: { msgid: 'amojo-1', ref_id: 'm-1' } }]);
    const text = 'Привет, ¿qué tal? 👋 "14\u2033" model';
    const answerBody = await client().sendMessage(SCOPE, {
      conversationId: 'conv-1',
      msgid: 'm-1',
      sender: { id: 'client-1', name: 'Ann' },
      message: chatMessage.text(text),
    });
    expect(answerBody.new_message?.msgid).toBe('amojo-1');
    expect(server.requests[0]!.url).toBe(`/v2/origin/custom/${SCOPE}`);
    expect(verified(server.requests[0])).toEqual({
      event_type: 'new_message',
      payload: {
        timestamp: Math.floor(NOW / 1000),
        msec_timestamp: NOW,
        msgid: 'm-1',
        conversation_id: 'conv-1',
        silent: false,
        sender: { id: 'client-1', name: 'Ann' },
        message: { type: 'text', text },
      },
    });
  });

  it('imports silently by default, with replies and forwards quoted', async () => {
    replies.push([200, { new_message: {} }]);
    const at = new Date(NOW - 60_000);
    await client().importMessage(SCOPE, {
      conversationId: 'conv-1',
      msgid: 'm-2',
      timestamp: at,
      sender: { id: 'manager-7', name: 'Bob', refId: 'amojo-manager' },
      receiver: { id: 'client-1', name: 'Ann' },
      message: chatMessage.text('Yes, it is'),
      replyTo: { msgid: 'm-1' },
      forwards: {
        messages: [{ message: chatMessage.text('fwd'), timestamp: at, sender: { name: 'Eve' } }],
      },
    });
    const body = verified(server.requests[0]);
    expect(body.payload).toMatchObject({
      silent: true,
      timestamp: Math.floor(at.getTime() / 1000),
      sender: { id: 'manager-7', name: 'Bob', ref_id: 'amojo-manager' },
      receiver: { id: 'client-1', name: 'Ann' },
      reply_to: { message: { msgid: 'm-1' } },
      forwards: {
        messages: [
          {
            type: 'text',
            text: 'fwd',
            timestamp: Math.floor(at.getTime() / 1000),
            msec_timestamp: at.getTime(),
            sender: { name: 'Eve' },
          },
        ],
      },
    });
  });

  it('builds every message type with the fields Kommo requires', () => {
    const all: ChatMessageContent[] = [
      chatMessage.text('hi', { callbackData: 'row-1' }),
      chatMessage.picture('https://c.test/a.jpg', {
        fileName: 'a.jpg',
        fileSize: 10,
        text: 'caption',
      }),
      chatMessage.video('https://c.test/v.mp4', { fileName: 'v.mp4', fileSize: 20, duration: 3 }),
      chatMessage.file('https://c.test/f.pdf', { fileName: 'f.pdf', fileSize: 30 }),
      chatMessage.voice('https://c.test/v.ogg', { duration: 4 }),
      chatMessage.audio('https://c.test/a.mp3'),
      chatMessage.sticker('https://c.test/s.webp', { stickerId: 'st-1' }),
      chatMessage.location({ lat: 40.4, lon: -3.7 }),
      chatMessage.contact({ name: 'Eve', phone: '+15550101' }),
    ];
    expect(all).toEqual([
      { type: 'text', text: 'hi', callback_data: 'row-1' },
      {
        type: 'picture',
        media: 'https://c.test/a.jpg',
        file_name: 'a.jpg',
        file_size: 10,
        text: 'caption',
      },
      {
        type: 'video',
        media: 'https://c.test/v.mp4',
        file_name: 'v.mp4',
        file_size: 20,
        media_duration: 3,
      },
      { type: 'file', media: 'https://c.test/f.pdf', file_name: 'f.pdf', file_size: 30 },
      { type: 'voice', media: 'https://c.test/v.ogg', media_duration: 4 },
      { type: 'audio', media: 'https://c.test/a.mp3' },
      { type: 'sticker', media: 'https://c.test/s.webp', sticker_id: 'st-1' },
      { type: 'location', location: { lon: -3.7, lat: 40.4 } },
      { type: 'contact', contact: { name: 'Eve', phone: '+15550101' } },
    ]);
  });

  it('refuses incomplete content, seconds for milliseconds and Kommo-exceeding bounds before sending', async () => {
    const chats = client();
    const base = { conversationId: 'c', sender: { id: 'u', name: 'U' } };
    const refused: Array<() => Promise<unknown>> = [
      () =>
        chats.sendMessage(SCOPE, {
          ...base,
          message: { type: 'picture', media: 'https://c.test/a.jpg' },
        }),
      () => chats.sendMessage(SCOPE, { ...base, message: { type: 'text', text: '' } }),
      () =>
        chats.sendMessage(SCOPE, {
          ...base,
          timestamp: 1735843186,
          message: chatMessage.text('x'),
        }),
      () =>
        chats.sendMessage(SCOPE, {
          ...base,
          source: { externalId: 'x'.repeat(41) },
          message: chatMessage.text('x'),
        }),
      () =>
        chats.sendMessage(SCOPE, {
          ...base,
          message: { type: 'text', text: 'x', bogus: 1 } as never,
        }),
      () => chats.getHistory(SCOPE, 'chat-1', { limit: 51 }),
      () => chats.updateDeliveryStatus(SCOPE, 'm', { status: 'read', errorCode: 905 }),
      () => chats.react(SCOPE, { conversationId: 'c', msgid: 'm', user: { id: 'u' } }),
      () => chats.createChat('bad/scope', { conversationId: 'c', user: { id: 'u', name: 'U' } }),
    ];
    for (const call of refused) await expect(call()).rejects.toBeInstanceOf(RequestValidationError);
    expect(server.requests).toHaveLength(0);
  });

  it('reports delivery, typing and reactions on the documented paths', async () => {
    replies.push([200, undefined], [204, undefined], [200, undefined], [200, undefined]);
    const chats = client();
    await chats.updateDeliveryStatus(SCOPE, 'amojo-msg', {
      status: 'error',
      errorCode: 905,
      error: 'Blocked',
    });
    await chats.typing(SCOPE, { conversationId: 'conv-1', senderId: 'client-1' });
    await chats.react(SCOPE, {
      conversationId: 'conv-1',
      id: 'amojo-msg',
      user: { id: 'client-1' },
      emoji: '👍',
    });
    await chats.unreact(SCOPE, {
      conversationRefId: 'chat-1',
      msgid: 'm-1',
      user: { id: 'client-1' },
    });
    const [status, typing, react, unreact] = server.requests;
    expect(status!.url).toBe(`/v2/origin/custom/${SCOPE}/amojo-msg/delivery_status`);
    expect(verified(status)).toEqual({ status_code: -1, error_code: 905, error: 'Blocked' });
    expect(typing!.url).toBe(`/v2/origin/custom/${SCOPE}/typing`);
    expect(verified(typing)).toEqual({ conversation_id: 'conv-1', sender: { id: 'client-1' } });
    expect(verified(react)).toEqual({
      conversation_id: 'conv-1',
      id: 'amojo-msg',
      user: { id: 'client-1' },
      type: 'react',
      emoji: '👍',
    });
    expect(verified(unreact)).toEqual({
      conversation_ref_id: 'chat-1',
      msgid: 'm-1',
      user: { id: 'client-1' },
      type: 'unreact',
    });
  });

  it('reads history with a signed empty-body GET, the query left out of the signature', async () => {
    replies.push(
      [200, { messages: [{ timestamp: 1, message: { id: 'a', type: 'text', text: 'hi' } }] }],
      [204, undefined],
    );
    const chats = client();
    const messages = await chats.getHistory(SCOPE, 'chat-1', { offset: 5, limit: 50 });
    expect(messages.map((m) => m.message.text)).toEqual(['hi']);
    const request = server.requests[0]!;
    expect(request.method).toBe('GET');
    expect(request.url).toBe(`/v2/origin/custom/${SCOPE}/chats/chat-1/history?offset=5&limit=50`);
    expect(request.headers['content-md5']).toBe(createHash('md5').update('').digest('hex'));
    expect(verified(request)).toBeUndefined();
    await expect(chats.getHistory(SCOPE, 'unknown-chat')).resolves.toEqual([]);
  });

  it("maps amojo's error envelope through the SDK errors, without the secret", async () => {
    replies.push([
      403,
      {
        status: 0,
        error_code: 403,
        error_type: 'ORIGIN_INVALID_SIGNATURE',
        error_description: 'invalid signature',
      },
    ]);
    const error = await client()
      .connect('acc')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(isKommoError(error) && error.code).toBe('permission_denied');
    expect(error).toMatchObject({
      status: 403,
      type: 'ORIGIN_INVALID_SIGNATURE',
      detail: 'invalid signature',
      writeOutcome: 'not_applied',
    });
    expect((error as Error).message).not.toContain(SECRET);
    expect(JSON.stringify(client())).not.toContain(SECRET);
  });

  it('replays a write after a 429 with a fresh signature over the same bytes, never after a 5xx', async () => {
    let clock = NOW;
    const chats = client({ now: () => (clock += 1000) });
    replies.push([429, { status: 0, error_code: 429 }], [200, { new_message: { msgid: 'x' } }]);
    await chats.sendMessage(SCOPE, {
      conversationId: 'c',
      msgid: 'm',
      sender: { id: 'u', name: 'U' },
      message: chatMessage.text('hi'),
    });
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests;
    expect(second!.body.equals(first!.body)).toBe(true);
    expect(second!.headers['date']).not.toBe(first!.headers['date']);
    for (const r of [first!, second!])
      expect(r.headers['x-signature']).toBe(expectedChatsSignature(SECRET, r).signature);

    replies.push([500, { status: 0, error_code: 500 }]);
    const failure = await chats
      .sendMessage(SCOPE, {
        conversationId: 'c',
        sender: { id: 'u', name: 'U' },
        message: chatMessage.text('hi'),
      })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ServerError);
    expect(failure).toMatchObject({ writeOutcome: 'unknown' });
    expect(server.requests).toHaveLength(3);
  });

  it('paces requests through the shared rate limiter per channel', async () => {
    const acquired: string[] = [];
    const chats = client({
      rateLimit: { limiter: { acquire: async (key) => void acquired.push(key) } },
    });
    replies.push([204, undefined]);
    await chats.typing(SCOPE, { conversationId: 'c', senderId: 'u' });
    expect(acquired).toEqual([`amojo:${new URL(server.url).host}:${CHANNEL}`]);
  });
});

describe('KommoChats options', () => {
  it('picks the amojo host of the platform', () => {
    expect(
      new KommoChats({ channelId: CHANNEL, channelSecret: 's', platform: 'kommo' }).baseUrl,
    ).toBe('https://amojo.kommo.com');
    expect(
      new KommoChats({ channelId: CHANNEL, channelSecret: 's', platform: 'amocrm' }).baseUrl,
    ).toBe('https://amojo.amocrm.ru');
  });

  it('refuses missing credentials, unknown options and a baseUrl with a path', () => {
    const bad: unknown[] = [
      { channelSecret: 's' },
      { channelId: CHANNEL, channelSecret: '' },
      { channelId: CHANNEL, channelSecret: 's', platform: 'bitrix' },
      { channelId: CHANNEL, channelSecret: 's', secret: 's' },
      { channelId: CHANNEL, channelSecret: 's', baseUrl: 'https://proxy.test/amojo' },
      { channelId: CHANNEL, channelSecret: 's', baseUrl: 'http://amojo.evil.test' },
      { channelId: 'a/b', channelSecret: 's' },
    ];
    for (const options of bad)
      expect(() => new KommoChats(options as never)).toThrow(ConfigurationError);
  });

  it('reads the account amojo id through the CRM client', async () => {
    const kommo = {
      account: {
        get: async (params: { with: string[] }) => ({
          amojo_id: params.with.includes('amojo_id') ? 'amojo-acc' : null,
        }),
      },
    };
    await expect(getAccountAmojoId(kommo)).resolves.toBe('amojo-acc');
    await expect(
      getAccountAmojoId({ account: { get: async () => ({ amojo_id: null }) } }),
    ).rejects.toMatchObject({ code: 'invalid_response' });
  });
});
