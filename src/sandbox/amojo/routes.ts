/**
 * The Chats API routes of the sandbox's amojo (`/v2/origin/custom/…`): every request is
 * checked like Kommo does — `Content-MD5` must be the MD5 of the body received, `Date` within
 * 15 minutes, `X-Signature` the HMAC-SHA1 of `METHOD\nContent-MD5\nContent-Type\nDate\npath`
 * with the channel secret — and refused with Kommo's 403 `ORIGIN_INVALID_SIGNATURE` otherwise.
 *
 * @module
 */

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ChangeEvent, Ctx } from '../context.js';
import type { Reply } from '../problems.js';
import { landIncoming } from './crm.js';
import {
  amojoId,
  chatsOf,
  type SandboxChat,
  type SandboxChatChannel,
  type SandboxChatConnection,
  type SandboxChatMessage,
} from './model.js';

/** What the routes need from the sandbox. */
export interface AmojoState {
  channels: Map<string, SandboxChatChannel>;
  connections: Map<string, SandboxChatConnection>;
  /** Sends CRM webhooks after the answer. */
  dispatch(events: ChangeEvent[]): void;
}

const SIGNATURE_WINDOW_MS = 15 * 60_000;
const MESSAGE_TYPES = new Set([
  'text',
  'contact',
  'file',
  'video',
  'picture',
  'voice',
  'audio',
  'sticker',
  'location',
]);
const NEEDS_FILE = new Set(['file', 'video', 'picture']);

/** amojo's error envelope. */
function amojoError(status: number, type: string, description: string): Reply {
  return {
    status,
    contentType: 'application/json',
    body: { status: 0, error_code: status, error_type: type, error_description: description },
  };
}

const forbidden = (description = 'invalid signature'): Reply =>
  amojoError(403, 'ORIGIN_INVALID_SIGNATURE', description);
const badRequest = (description: string): Reply => amojoError(400, 'BAD_REQUEST', description);
const notFound = (description: string): Reply => amojoError(404, 'NOT_FOUND', description);

class Refused extends Error {
  constructor(readonly reply: Reply) {
    super(description(reply));
  }
}
function description(reply: Reply): string {
  const body = reply.body as { error_description?: string } | undefined;
  return body?.error_description ?? 'refused';
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function str(obj: Json, key: string, required = true): string | undefined {
  const value = obj[key];
  if (value === undefined && !required) return undefined;
  // The API is strictly typed: a number where a string is expected is refused.
  if (typeof value !== 'string' || value === '')
    throw new Refused(badRequest(`${key} must be a non-empty string`));
  return value;
}

function int(obj: Json, key: string, required = true): number | undefined {
  const value = obj[key];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new Refused(badRequest(`${key} must be an integer`));
  return value;
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

function equalHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks a request's signature against the channel secret; `undefined` when it verifies. */
function checkSignature(
  channel: SandboxChatChannel,
  method: string,
  rawPath: string,
  headers: IncomingHttpHeaders,
  raw: Buffer,
): Reply | undefined {
  const date = header(headers, 'date');
  const contentType = header(headers, 'content-type');
  const contentMd5 = header(headers, 'content-md5');
  const signature = header(headers, 'x-signature').toLowerCase();
  if (signature === '') return forbidden();
  // The bytes received must be the bytes hashed: a re-serialized body fails here.
  if (contentMd5.toLowerCase() !== createHash('md5').update(raw).digest('hex')) return forbidden();
  const expected = createHmac('sha1', channel.secret)
    .update([method, contentMd5, contentType, date, rawPath].join('\n'))
    .digest('hex');
  if (!equalHex(signature, expected)) return forbidden();
  const at = Date.parse(date.replace(/ \+0000$/, ' GMT'));
  if (Number.isNaN(at) || Math.abs(Date.now() - at) > SIGNATURE_WINDOW_MS)
    return forbidden('request expired');
  if (raw.length > 0 && !contentType.toLowerCase().startsWith('application/json'))
    return badRequest('Content-Type must be application/json');
  return undefined;
}

function participant(value: unknown, name: string): SandboxChatMessage['sender'] {
  if (!isObject(value)) throw new Refused(badRequest(`${name} must be an object`));
  const out: SandboxChatMessage['sender'] = {
    ...value,
    id: str(value, 'id') ?? '',
    name: str(value, 'name') ?? '',
  };
  const refId = str(value, 'ref_id', false);
  if (refId !== undefined) out.ref_id = refId;
  return out;
}

function content(value: unknown): Json {
  if (!isObject(value)) throw new Refused(badRequest('message must be an object'));
  const type = str(value, 'type') ?? '';
  if (!MESSAGE_TYPES.has(type)) throw new Refused(badRequest(`unknown message type ${type}`));
  if (type === 'text') str(value, 'text');
  if (NEEDS_FILE.has(type)) {
    str(value, 'media');
    str(value, 'file_name');
    int(value, 'file_size');
  }
  if (type === 'location' && !isObject(value['location']))
    throw new Refused(badRequest('location is required'));
  if (type === 'contact' && !isObject(value['contact']))
    throw new Refused(badRequest('contact is required'));
  return { ...value };
}

function userOf(value: unknown): SandboxChat['user'] {
  if (!isObject(value)) throw new Refused(badRequest('user must be an object'));
  const profile = isObject(value['profile']) ? value['profile'] : {};
  return {
    id: amojoId(),
    client_id: str(value, 'id') ?? '',
    name: str(value, 'name') ?? '',
    avatar: typeof value['avatar'] === 'string' ? value['avatar'] : '',
    phone: typeof profile['phone'] === 'string' ? profile['phone'] : '',
    email: typeof profile['email'] === 'string' ? profile['email'] : '',
  };
}

function newChat(
  scopeId: string,
  conversationId: string | null,
  user: SandboxChat['user'],
  source: string,
  now: number,
): SandboxChat {
  return {
    id: amojoId(),
    scopeId,
    conversationId,
    user,
    sourceExternalId: source,
    contactId: null,
    leadId: null,
    unsortedUid: null,
    createdAt: now,
    messages: [],
    typing: [],
  };
}

function sourceOf(body: Json): string {
  const source = body['source'];
  if (source === undefined) return '';
  if (!isObject(source)) throw new Refused(badRequest('source must be an object'));
  const id = str(source, 'external_id') ?? '';
  if (id.length > 40 || !/^[\x20-\x7e]+$/.test(id))
    throw new Refused(badRequest('source.external_id: up to 40 printable ASCII characters'));
  return id;
}

function renderChat(chat: SandboxChat): Json {
  const { id, client_id, name, avatar, phone, email } = chat.user;
  return {
    id: chat.id,
    user: {
      id,
      client_id,
      name,
      avatar,
      ...(phone !== '' && { phone }),
      ...(email !== '' && { email }),
    },
  };
}

function renderMessage(chat: SandboxChat, m: SandboxChatMessage): Json {
  const client = {
    id: chat.user.id,
    client_id: chat.user.client_id,
    name: chat.user.name,
    avatar: chat.user.avatar,
  };
  const other = {
    id: m.direction === 'in' ? (m.receiver?.id ?? '') : (m.sender.ref_id ?? m.sender.id),
    name: m.direction === 'in' ? (m.receiver?.name ?? '') : m.sender.name,
  };
  return {
    timestamp: m.timestamp,
    msec_timestamp: m.msec_timestamp,
    sender: m.direction === 'in' ? client : other,
    receiver: m.direction === 'in' ? other : client,
    message: {
      id: m.id,
      ...(m.msgid !== null && { client_id: m.msgid }),
      ...m.content,
      ...(m.media_group_id !== undefined && { media_group_id: m.media_group_id }),
    },
  };
}

/**
 * Answers one `/v2/origin/custom/…` request.
 *
 * @param rawPath - The path as received (not percent-decoded): what the signature covers.
 */
export function handleAmojo(
  state: AmojoState,
  ctx: Ctx,
  rawPath: string,
  headers: IncomingHttpHeaders,
  raw: Buffer,
): Reply {
  const parts = rawPath
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return '\u0000';
      }
    });
  // ['v2', 'origin', 'custom', id, ...rest]
  const [, , , first = '', ...rest] = parts;
  const route = rest.join('/');
  let channel: SandboxChatChannel | undefined;
  let connection: SandboxChatConnection | undefined;
  if (route === 'connect' || route === 'disconnect') channel = state.channels.get(first);
  else {
    connection = state.connections.get(first);
    channel = connection && state.channels.get(connection.channelId);
  }
  if (!channel)
    return notFound(
      route === 'connect' || route === 'disconnect' ? 'channel not found' : 'scope not found',
    );
  const refused = checkSignature(channel, ctx.method, rawPath, headers, raw);
  if (refused) return refused;

  let body: Json = {};
  if (raw.length > 0) {
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (!isObject(parsed)) return badRequest('the body must be a JSON object');
      body = parsed;
    } catch {
      return badRequest('the body is not JSON');
    }
  }
  try {
    if (route === 'connect' && ctx.method === 'POST') return connect(state, ctx, channel, body);
    if (route === 'disconnect' && ctx.method === 'DELETE')
      return disconnect(state, ctx, channel, body);
    if (!connection) return notFound('scope not found');
    if (!connection.connected) return notFound('the channel is disconnected from this account');
    const chats = chatsOf(ctx.store);
    if (route === 'chats' && ctx.method === 'POST')
      return createChat(chats, connection, body, ctx.now);
    if (route === '' && ctx.method === 'POST')
      return message(state, ctx, channel, connection, body);
    if (rest.length === 2 && rest[1] === 'delivery_status' && ctx.method === 'POST') {
      const found = chats.message(connection.scopeId, rest[0] ?? '');
      if (!found) return notFound('message not found');
      const code = int(body, 'status_code');
      if (code !== 1 && code !== 2 && code !== -1)
        return badRequest('status_code must be 1, 2 or -1');
      found.message.delivery_status = code;
      if (code === -1) {
        const errorCode = int(body, 'error_code', false);
        const errorText = body['error'] === undefined ? undefined : str(body, 'error');
        found.message.delivery_error = {
          ...(errorCode !== undefined && { code: errorCode }),
          ...(errorText !== undefined && { text: errorText }),
        };
      }
      return { status: 200 };
    }
    if (rest.length === 3 && rest[0] === 'chats' && rest[2] === 'history' && ctx.method === 'GET') {
      const limit = ctx.query['limit'] === undefined ? 50 : Number(ctx.query['limit']);
      const offset = ctx.query['offset'] === undefined ? 0 : Number(ctx.query['offset']);
      if (!Number.isInteger(limit) || limit < 1 || limit > 50)
        return badRequest('limit must be 1..50');
      if (!Number.isInteger(offset) || offset < 0)
        return badRequest('offset must be a non-negative integer');
      const chat = chats.chats.get(rest[1] ?? '');
      if (!chat || chat.scopeId !== connection.scopeId || chat.messages.length === 0)
        return { status: 204 };
      const items = [...chat.messages].reverse().slice(offset, offset + limit);
      return {
        status: 200,
        contentType: 'application/json',
        body: { messages: items.map((m) => renderMessage(chat, m)) },
      };
    }
    if (route === 'typing' && ctx.method === 'POST') {
      const conversationId = str(body, 'conversation_id') ?? '';
      const sender = body['sender'];
      if (!isObject(sender)) return badRequest('sender must be an object');
      const chat = chats.byConversation(connection.scopeId, conversationId);
      if (!chat) return notFound('chat not found');
      chat.typing.push({
        senderId: str(sender, 'id') ?? '',
        at: ctx.now,
        durationMs: int(body, 'duration_ms', false) ?? 5000,
      });
      return { status: 204 };
    }
    if (route === 'react' && ctx.method === 'POST') {
      const type = str(body, 'type');
      if (type !== 'react' && type !== 'unreact')
        return badRequest('type must be react or unreact');
      const user = body['user'];
      if (!isObject(user)) return badRequest('user must be an object');
      const userId = str(user, 'id') ?? '';
      const id = str(body, 'id', false) ?? str(body, 'msgid', false);
      if (id === undefined) return badRequest('id or msgid is required');
      const found = chats.message(connection.scopeId, id);
      if (!found) return notFound('message not found');
      if (type === 'react') found.message.reactions.set(userId, str(body, 'emoji') ?? '');
      else found.message.reactions.delete(userId);
      return { status: 200 };
    }
    return notFound(`Cannot ${ctx.method} ${rawPath}`);
  } catch (error) {
    if (error instanceof Refused) return error.reply;
    throw error;
  }
}

function connect(state: AmojoState, ctx: Ctx, channel: SandboxChatChannel, body: Json): Reply {
  const accountId = str(body, 'account_id') ?? '';
  if (accountId !== ctx.store.account.amojo_id) return notFound('account not found');
  const version = body['hook_api_version'] ?? 'v1';
  if (version !== 'v1' && version !== 'v2') return badRequest('hook_api_version must be v1 or v2');
  const title = str(body, 'title', false) ?? channel.title;
  const disabled = body['is_time_window_disabled'] ?? false;
  if (typeof disabled !== 'boolean') return badRequest('is_time_window_disabled must be a boolean');
  const scopeId = `${channel.channelId}_${accountId}`;
  state.connections.set(scopeId, {
    scopeId,
    channelId: channel.channelId,
    accountId,
    title,
    hookApiVersion: version,
    isTimeWindowDisabled: disabled,
    connected: true,
  });
  return {
    status: 200,
    contentType: 'application/json',
    body: {
      account_id: accountId,
      scope_id: scopeId,
      title,
      hook_api_version: version,
      is_time_window_disabled: disabled,
    },
  };
}

function disconnect(state: AmojoState, ctx: Ctx, channel: SandboxChatChannel, body: Json): Reply {
  const accountId = str(body, 'account_id') ?? '';
  if (accountId !== ctx.store.account.amojo_id) return notFound('account not found');
  const connection = state.connections.get(`${channel.channelId}_${accountId}`);
  if (connection) connection.connected = false;
  return { status: 200 };
}

function createChat(
  chats: ReturnType<typeof chatsOf>,
  connection: SandboxChatConnection,
  body: Json,
  now: number,
): Reply {
  const conversationId = str(body, 'conversation_id') ?? '';
  const source = sourceOf(body);
  const user = userOf(body['user']);
  // The same conversation id returns the same chat.
  const existing = chats.byConversation(connection.scopeId, conversationId);
  if (existing) return { status: 200, contentType: 'application/json', body: renderChat(existing) };
  const chat = newChat(connection.scopeId, conversationId, user, source, now);
  chats.chats.set(chat.id, chat);
  return { status: 200, contentType: 'application/json', body: renderChat(chat) };
}

function message(
  state: AmojoState,
  ctx: Ctx,
  channel: SandboxChatChannel,
  connection: SandboxChatConnection,
  body: Json,
): Reply {
  const eventType = str(body, 'event_type');
  const payload = body['payload'];
  if (!isObject(payload)) return badRequest('payload must be an object');
  const chats = chatsOf(ctx.store);
  if (eventType === 'edit_message') {
    const id = str(payload, 'id', false) ?? str(payload, 'msgid');
    const found = chats.message(connection.scopeId, id ?? '');
    if (!found) return notFound('message not found');
    found.message.content = content(payload['message']);
    return {
      status: 200,
      contentType: 'application/json',
      body: { edit_message: { msgid: found.message.id, ref_id: found.message.msgid } },
    };
  }
  if (eventType !== 'new_message')
    return badRequest('event_type must be new_message or edit_message');
  const timestamp = int(payload, 'timestamp') ?? 0;
  const msec = int(payload, 'msec_timestamp', false) ?? timestamp * 1000;
  const msgid = str(payload, 'msgid') ?? '';
  const conversationId = str(payload, 'conversation_id') ?? '';
  const sender = participant(payload['sender'], 'sender');
  const receiver =
    payload['receiver'] === undefined ? null : participant(payload['receiver'], 'receiver');
  const messageContent = content(payload['message']);
  const silent = payload['silent'] ?? false;
  if (typeof silent !== 'boolean') return badRequest('silent must be a boolean');
  const source = sourceOf(payload);
  const incoming = receiver === null && sender.ref_id === undefined;

  let chat = chats.byConversation(connection.scopeId, conversationId);
  const refId = str(payload, 'conversation_ref_id', false);
  if (!chat && refId !== undefined) {
    // A client answering a chat opened from Kommo: bind it to the channel's conversation id.
    const opened = chats.chats.get(refId);
    if (opened && opened.scopeId === connection.scopeId && opened.conversationId === null) {
      opened.conversationId = conversationId;
      chat = opened;
    }
  }
  if (!chat) {
    const client = incoming ? sender : receiver;
    const profile = isObject(client?.['profile']) ? client['profile'] : {};
    chat = newChat(
      connection.scopeId,
      conversationId,
      {
        id: amojoId(),
        client_id: client?.id ?? conversationId,
        name: client?.name ?? '',
        avatar: typeof client?.['avatar'] === 'string' ? client['avatar'] : '',
        phone: typeof profile['phone'] === 'string' ? profile['phone'] : '',
        email: typeof profile['email'] === 'string' ? profile['email'] : '',
      },
      source,
      ctx.now,
    );
    chats.chats.set(chat.id, chat);
  }
  // A repeated msgid in the same chat is the same message (what Kommo does is not published).
  const repeated = chat.messages.find((m) => m.msgid === msgid);
  const stored: SandboxChatMessage = repeated ?? {
    id: amojoId(),
    msgid,
    direction: incoming ? 'in' : 'out',
    sender,
    receiver,
    content: messageContent,
    timestamp,
    msec_timestamp: msec,
    silent,
    delivery_status: 0,
    reactions: new Map(),
  };
  if (!repeated) {
    chat.messages.push(stored);
    if (incoming && !silent) state.dispatch(landIncoming(ctx, channel, chat, stored));
  }
  return {
    status: 200,
    contentType: 'application/json',
    body: {
      new_message: {
        conversation_id: chat.id,
        sender_id: incoming ? chat.user.id : (sender.ref_id ?? sender.id),
        receiver_id: incoming ? null : chat.user.id,
        msgid: stored.id,
        ref_id: msgid,
      },
    },
  };
}
