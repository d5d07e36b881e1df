/**
 * What the sandbox's amojo keeps: registered channels and their connections (they survive
 * `sandbox.reset()`, like an installed integration), and the chats and messages of the current
 * account data (one set per {@link Store}, so a reset starts without chats).
 *
 * @module
 */

import { createHash, randomUUID } from 'node:crypto';
import type { Store } from '../state.js';

/** A channel, as Kommo support registers it. */
export interface SandboxChatChannel {
  /** The channel id (`{channel_id}` in the paths). */
  channelId: string;
  /** The channel secret: requests are signed and hooks are signed with it. */
  secret: string;
  /** Where hooks go; `:scope_id` in it is replaced by the connection's scope id. */
  webhookUrl: string;
  /** The channel code, e.g. `amo.ext.my_channel` (the talks' `origin`). */
  code: string;
  /** The channel name (the default title, the unsorted source name). */
  title: string;
  /** The channel bot's amojo id (`sender.ref_id` of the integration's own messages). */
  botId: string;
  /** How long a hook receiver may take before the delivery counts as failed, ms (Kommo: 5 s). */
  timeoutMs: number;
}

/** A channel connected to the account (`connect`). */
export interface SandboxChatConnection {
  scopeId: string;
  channelId: string;
  /** The account's amojo id. */
  accountId: string;
  title: string;
  hookApiVersion: 'v1' | 'v2';
  isTimeWindowDisabled: boolean;
  /** `false` after `disconnect`. */
  connected: boolean;
}

/** A message in a chat, either way. */
export interface SandboxChatMessage {
  /** The amojo message id. */
  id: string;
  /** The channel's id of it (`msgid`), for messages the channel sent. */
  msgid: string | null;
  /** `in`: from the client; `out`: from a manager, a bot or the channel's integration. */
  direction: 'in' | 'out';
  sender: { id: string; name: string; ref_id?: string; [key: string]: unknown };
  receiver: { id: string; name?: string; [key: string]: unknown } | null;
  /** The `message` object as sent (type, text, media, file_name…). */
  content: Record<string, unknown>;
  timestamp: number;
  msec_timestamp: number;
  silent: boolean;
  /** `1` delivered, `2` read, `-1` error; `0` until the channel reports. */
  delivery_status: number;
  delivery_error?: { code?: number; text?: string };
  /** Reactions: the emoji by user id (a Map, so any id is safe as a key). */
  reactions: Map<string, string>;
  media_group_id?: string;
}

/** A chat of a connection. */
export interface SandboxChat {
  /** The amojo chat id. */
  id: string;
  scopeId: string;
  /** The channel's conversation id; `null` for a chat opened from Kommo ("write first"). */
  conversationId: string | null;
  /** The client: amojo id, the channel's id of them (`client_id`), name and profile. */
  user: {
    id: string;
    client_id: string;
    name: string;
    avatar: string;
    phone: string;
    email: string;
  };
  sourceExternalId: string;
  /** The CRM side, once the first incoming message landed. */
  contactId: number | null;
  leadId: number | null;
  unsortedUid: string | null;
  createdAt: number;
  messages: SandboxChatMessage[];
  /** Typing notices the channel sent (`typing`), newest last. */
  typing: Array<{ senderId: string; at: number; durationMs: number }>;
}

/** The chats of one store. */
export class ChatData {
  readonly chats = new Map<string, SandboxChat>();

  /** The chat of a connection and conversation id. */
  byConversation(scopeId: string, conversationId: string): SandboxChat | undefined {
    for (const chat of this.chats.values())
      if (chat.scopeId === scopeId && chat.conversationId === conversationId) return chat;
    return undefined;
  }

  /** A message by amojo id or the channel's `msgid`, in a connection's chats. */
  message(
    scopeId: string,
    id: string,
  ): { chat: SandboxChat; message: SandboxChatMessage } | undefined {
    for (const chat of this.chats.values()) {
      if (chat.scopeId !== scopeId) continue;
      const message = chat.messages.find((m) => m.id === id || m.msgid === id);
      if (message) return { chat, message };
    }
    return undefined;
  }
}

const chatData = new WeakMap<Store, ChatData>();

/** The chats of a store (created on first use). */
export function chatsOf(store: Store): ChatData {
  let data = chatData.get(store);
  if (!data) {
    data = new ChatData();
    chatData.set(store, data);
  }
  return data;
}

/** A fresh amojo id. */
export function amojoId(): string {
  return randomUUID();
}

/** A stable amojo id for a user the seed gave none (uuid-shaped, from the user id). */
export function stableAmojoId(seed: string): string {
  const h = createHash('sha1').update(`kommo-sandbox:${seed}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
