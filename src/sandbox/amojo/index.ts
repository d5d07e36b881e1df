/**
 * The sandbox's amojo: the Chats API a custom channel talks to, and the Kommo side of it — a
 * channel registered as Kommo support would, client messages landing in the CRM, a manager's
 * replies sent to the channel as signed v2 hooks.
 *
 * @module
 */

import type { IncomingHttpHeaders } from 'node:http';
import type { ChangeEvent, Ctx } from '../context.js';
import type { Reply } from '../problems.js';
import type { Store } from '../state.js';
import { talksOf, type SandboxTalk } from '../models/talks.js';
import { outgoingEvents } from './crm.js';
import { HookSender, type SandboxChatHookDelivery } from './delivery.js';
import {
  amojoId,
  chatsOf,
  stableAmojoId,
  type SandboxChat,
  type SandboxChatChannel,
  type SandboxChatConnection,
  type SandboxChatMessage,
} from './model.js';
import { handleAmojo, type AmojoState } from './routes.js';

export type {
  SandboxChat,
  SandboxChatChannel,
  SandboxChatConnection,
  SandboxChatMessage,
} from './model.js';
export type { SandboxChatHookDelivery } from './delivery.js';
export type { SandboxTalk } from '../models/talks.js';

/** What `registerChannel` takes: what Kommo support sets up for a real channel. */
export interface SandboxChannelRegistration {
  /** The channel id you will use in `KommoChats`. */
  channelId: string;
  /** The channel secret. */
  secret: string;
  /** Where hooks go; `:scope_id` is replaced per connected account, as in Kommo. */
  webhookUrl: string;
  /** @defaultValue `amo.ext.<first 8 characters of channelId>` */
  code?: string;
  /** @defaultValue `'Custom channel'` */
  title?: string;
  /** The channel bot's amojo id. @defaultValue derived from the channel id */
  botId?: string;
  /** How long a receiver may take, ms. @defaultValue 5000 (Kommo's) */
  timeoutMs?: number;
}

/** An attachment of a manager's reply; several share one `media_group_id`, as in Kommo. */
export interface SandboxReplyAttachment {
  type: 'picture' | 'file' | 'video' | 'voice' | 'audio' | 'sticker';
  media: string;
  fileName?: string;
  fileSize?: number;
}

/** What `reply` takes: a manager answering in the CRM. */
export interface SandboxReplyParams {
  /** The channel's conversation id (the one given to `createChat` / `sendMessage`). */
  conversationId: string;
  text?: string;
  /** Attachments: one hook each, sharing a `media_group_id` (the text goes with the first). */
  attachments?: readonly SandboxReplyAttachment[];
  /** Buttons (`markup`), as Kommo sends them. */
  markup?: Record<string, unknown>;
  /** The connection, when the conversation id exists on several. @defaultValue the only match */
  scopeId?: string;
  /** The user who answers. @defaultValue the account's current user */
  userId?: number;
}

/** `sandbox.chats`: the Chats API side of the sandbox. */
export interface SandboxChats {
  /**
   * Registers a channel, as Kommo support does for a real one (issuing its id and secret):
   * afterwards `KommoChats` with the same id and secret can connect it.
   */
  registerChannel(channel: SandboxChannelRegistration): SandboxChatChannel;
  /**
   * A manager answers a chat in the CRM: the message is stored, the CRM's `message[add]`
   * webhook fires, and a signed v2 hook goes to the channel's webhook URL (once, 5 s timeout,
   * never retried). Resolves with the deliveries once the receiver answered.
   *
   * @throws Error when no chat has this conversation id or its channel is not connected.
   */
  reply(params: SandboxReplyParams): Promise<SandboxChatHookDelivery[]>;
  /** A manager types in a chat: a signed typing hook goes to the channel. */
  typing(params: {
    conversationId: string;
    scopeId?: string;
    userId?: number;
  }): Promise<SandboxChatHookDelivery>;
  /** Registered channels. */
  readonly channels: readonly SandboxChatChannel[];
  /** Connections (`connect`), disconnected ones included. */
  readonly connections: readonly SandboxChatConnection[];
  /** The chats of the current data, with their messages. */
  readonly chats: readonly SandboxChat[];
  /** The talks of the current data. */
  readonly talks: readonly SandboxTalk[];
  /** Hooks sent to channels. */
  readonly deliveries: readonly SandboxChatHookDelivery[];
  /** Resolves when every hook sent so far has its answer. */
  flush(): Promise<void>;
}

/** What the sandbox server gives its amojo. */
export interface AmojoHost {
  store(): Store;
  /** Sends CRM webhooks (after the current answer). */
  dispatch(events: ChangeEvent[]): void;
}

/** @internal The amojo of one sandbox. */
export class AmojoSandbox implements SandboxChats {
  readonly #state: AmojoState;
  readonly #hooks = new HookSender();

  constructor(private readonly host: AmojoHost) {
    this.#state = {
      channels: new Map(),
      connections: new Map(),
      dispatch: (events) => host.dispatch(events),
    };
  }

  /** Answers a `/v2/origin/custom/…` request. */
  handle(ctx: Ctx, rawPath: string, headers: IncomingHttpHeaders, raw: Buffer): Reply {
    return handleAmojo(this.#state, ctx, rawPath, headers, raw);
  }

  registerChannel(channel: SandboxChannelRegistration): SandboxChatChannel {
    if (typeof channel.channelId !== 'string' || !/^[\w.-]{1,128}$/.test(channel.channelId))
      throw new TypeError('registerChannel: `channelId` must be an id (letters, digits, _ . -)');
    if (typeof channel.secret !== 'string' || channel.secret === '')
      throw new TypeError('registerChannel: `secret` must be a non-empty string');
    const url = new URL(channel.webhookUrl.replace(':scope_id', 'scope'));
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TypeError('registerChannel: `webhookUrl` must be an http(s) URL');
    const registered: SandboxChatChannel = {
      channelId: channel.channelId,
      secret: channel.secret,
      webhookUrl: channel.webhookUrl,
      code: channel.code ?? `amo.ext.${channel.channelId.slice(0, 8)}`,
      title: channel.title ?? 'Custom channel',
      botId: channel.botId ?? stableAmojoId(`bot:${channel.channelId}`),
      timeoutMs: channel.timeoutMs ?? 5000,
    };
    this.#state.channels.set(registered.channelId, registered);
    return { ...registered };
  }

  get channels(): readonly SandboxChatChannel[] {
    return [...this.#state.channels.values()].map((c) => ({ ...c }));
  }

  get connections(): readonly SandboxChatConnection[] {
    return [...this.#state.connections.values()].map((c) => ({ ...c }));
  }

  get chats(): readonly SandboxChat[] {
    return [...chatsOf(this.host.store()).chats.values()];
  }

  get talks(): readonly SandboxTalk[] {
    return talksOf(this.host.store()).filter(() => true);
  }

  get deliveries(): readonly SandboxChatHookDelivery[] {
    return this.#hooks.deliveries;
  }

  #target(
    conversationId: string,
    scopeId: string | undefined,
  ): {
    chat: SandboxChat;
    connection: SandboxChatConnection;
    channel: SandboxChatChannel;
  } {
    const matches = this.chats.filter(
      (c) =>
        c.conversationId === conversationId && (scopeId === undefined || c.scopeId === scopeId),
    );
    if (matches.length !== 1) {
      throw new Error(
        matches.length === 0
          ? `sandbox.chats: no chat has the conversation id ${JSON.stringify(conversationId)}`
          : `sandbox.chats: several connections have the conversation id ${JSON.stringify(conversationId)}; pass scopeId`,
      );
    }
    const chat = matches[0] as SandboxChat;
    const connection = this.#state.connections.get(chat.scopeId);
    const channel = connection && this.#state.channels.get(connection.channelId);
    if (!connection?.connected || !channel)
      throw new Error(`sandbox.chats: the channel of ${chat.scopeId} is not connected`);
    return { chat, connection, channel };
  }

  #manager(userId: number | undefined): { id: number; name: string; amojoId: string } {
    const store = this.host.store();
    const user = store.users.get(userId ?? store.account.current_user_id);
    if (!user) throw new Error(`sandbox.chats: no user ${String(userId)}`);
    return {
      id: user.id,
      name: user.name,
      amojoId: user.amojo_id ?? stableAmojoId(`user:${String(user.id)}`),
    };
  }

  async reply(params: SandboxReplyParams): Promise<SandboxChatHookDelivery[]> {
    const { chat, connection, channel } = this.#target(params.conversationId, params.scopeId);
    const manager = this.#manager(params.userId);
    const attachments = params.attachments ?? [];
    if (attachments.length === 0 && (params.text === undefined || params.text === ''))
      throw new Error('sandbox.chats.reply needs `text` or `attachments`');
    const groupId = attachments.length > 1 ? amojoId() : undefined;
    const contents: Array<Record<string, unknown>> =
      attachments.length === 0
        ? [{ type: 'text', text: params.text }]
        : attachments.map((a, i) => ({
            type: a.type,
            text: i === 0 ? (params.text ?? '') : '',
            media: a.media,
            file_name: a.fileName ?? '',
            file_size: a.fileSize ?? 0,
          }));
    const store = this.host.store();
    const deliveries: Array<Promise<SandboxChatHookDelivery>> = [];
    for (const content of contents) {
      const ms = Date.now();
      const message: SandboxChatMessage = {
        id: amojoId(),
        msgid: null,
        direction: 'out',
        sender: { id: String(manager.id), name: manager.name, ref_id: manager.amojoId },
        receiver: { id: chat.user.id, name: chat.user.name },
        content,
        timestamp: Math.floor(ms / 1000),
        msec_timestamp: ms,
        silent: false,
        delivery_status: 0,
        reactions: new Map(),
        ...(groupId !== undefined && { media_group_id: groupId }),
      };
      chat.messages.push(message);
      this.host.dispatch(outgoingEvents(store, channel, chat, message, message.timestamp));
      if (connection.hookApiVersion !== 'v2') continue;
      deliveries.push(
        this.#hooks.send(channel, connection.scopeId, 'message', {
          account_id: connection.accountId,
          time: message.timestamp,
          message: {
            receiver: {
              id: chat.user.id,
              phone: chat.user.phone,
              email: chat.user.email,
              ...(chat.conversationId !== null && { client_id: chat.user.client_id }),
            },
            sender: { id: manager.amojoId },
            conversation: {
              id: chat.id,
              ...(chat.conversationId !== null && { client_id: chat.conversationId }),
            },
            source: { external_id: chat.sourceExternalId },
            timestamp: message.timestamp,
            msec_timestamp: message.msec_timestamp,
            message: {
              id: message.id,
              type: content['type'],
              text: content['text'] ?? '',
              markup: params.markup ?? null,
              tag: '',
              media: content['media'] ?? '',
              thumbnail: '',
              file_name: content['file_name'] ?? '',
              file_size: content['file_size'] ?? 0,
              template: null,
              ...(groupId !== undefined && { media_group_id: groupId }),
            },
          },
        }),
      );
    }
    return Promise.all(deliveries);
  }

  typing(params: {
    conversationId: string;
    scopeId?: string;
    userId?: number;
  }): Promise<SandboxChatHookDelivery> {
    const { chat, connection, channel } = this.#target(params.conversationId, params.scopeId);
    const manager = this.#manager(params.userId);
    const now = Math.floor(Date.now() / 1000);
    return this.#hooks.send(channel, connection.scopeId, 'typing', {
      account_id: connection.accountId,
      time: now,
      action: {
        typing: {
          user: { id: manager.amojoId },
          conversation: {
            id: chat.id,
            ...(chat.conversationId !== null && { client_id: chat.conversationId }),
          },
          expired_at: now + 5,
        },
      },
    });
  }

  flush(): Promise<void> {
    return this.#hooks.flush();
  }

  /** Forgets the hook log (`sandbox.reset()`); channels and connections stay. */
  clear(): void {
    this.#hooks.clear();
  }

  close(): Promise<void> {
    return this.#hooks.close();
  }
}
