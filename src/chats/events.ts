/**
 * The hooks amojo sends to a channel (format v2): a manager's message, typing, a reaction, and
 * their typed events. Lenient: every object keeps the keys the SDK does not know, optional
 * fields may be absent, and a body the SDK cannot classify becomes an `unknown` event instead
 * of being dropped.
 *
 * @module
 */

import { WebhookParseError } from '../webhooks/errors.js';
import { bytesToText } from '../webhooks/form.js';

/** The types of a message a manager (or a bot) sends through Kommo. */
export type ChatsHookMessageType =
  'text' | 'file' | 'video' | 'picture' | 'voice' | 'audio' | 'sticker' | (string & {});

/** An inline keyboard: rows of buttons, one button kind per message. */
export interface ChatsInlineMarkup {
  mode: 'inline' | (string & {});
  buttons: Array<Array<{ text: string; url?: string; [key: string]: unknown }>>;
  [key: string]: unknown;
}

/** A WhatsApp list message (Kommo only). */
export interface ChatsListMessageMarkup {
  list_message: {
    /** ≤ 60 characters. */
    header?: string;
    /** ≤ 1024 characters. */
    body?: string;
    /** ≤ 60 characters. */
    footer?: string;
    button?: string;
    /** 1–10 sections of 1–10 rows. */
    sections: Array<{
      title?: string;
      rows: Array<{ callback_data: string; title: string; description?: string }>;
    }>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Buttons a manager attached (`markup`); only outgoing hooks carry them. */
export type ChatsMarkup = ChatsInlineMarkup | ChatsListMessageMarkup;

/** A message template a manager sent (`template`). */
export interface ChatsTemplate {
  id: number;
  external_id?: string;
  content: string;
  params: Array<{ key: string; value: string }>;
  [key: string]: unknown;
}

/** The content of a hook message (`message.message`). */
export interface ChatsHookMessageContent {
  /** The amojo message id: what `updateDeliveryStatus` takes. */
  id: string;
  type: ChatsHookMessageType;
  text?: string;
  /** Not for third parties. */
  tag?: string;
  /** An amojo attachment URL (`…/attachments/…`). */
  media?: string;
  thumbnail?: string;
  file_name?: string;
  file_size?: number;
  markup?: ChatsMarkup | null;
  template?: ChatsTemplate | null;
  /** Set when the channel was granted quoting (ask Kommo support). */
  reply_to?: { message?: Record<string, unknown>; [key: string]: unknown };
  forwards?: { messages?: Array<Record<string, unknown>>; [key: string]: unknown };
  /** Shared by the hooks of one message with several attachments. */
  media_group_id?: string;
  /** A reply to a comment: the post. */
  post?: { id: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** One message of a hook (`message`): who, where, and the content. */
export interface ChatsHookMessage {
  /**
   * The client: amojo `id`, your `client_id` (absent for chats a manager opened with "write
   * first"), and the `phone`/`email` of the profile (`""` when none was sent).
   */
  receiver: {
    id: string;
    client_id?: string;
    phone?: string;
    email?: string;
    [key: string]: unknown;
  };
  /** The manager or bot (amojo id). */
  sender: { id: string; [key: string]: unknown };
  /** The amojo chat `id` and your `client_id` (conversation id; absent after "write first"). */
  conversation: { id: string; client_id?: string; [key: string]: unknown };
  source?: { external_id?: string; [key: string]: unknown };
  /** Unix seconds. */
  timestamp?: number;
  msec_timestamp?: number;
  message: ChatsHookMessageContent;
  [key: string]: unknown;
}

/** Fields every chats event has. */
export interface ChatsEventBase {
  /** The account's amojo id. */
  account_id: string;
  /** Unix seconds when amojo sent the hook. */
  time?: number;
  /**
   * The inbox key: `message:<account>:<message id>` for messages, a digest of the body
   * otherwise. A listener can use it to make its effect idempotent.
   */
  key: string;
  /** The body as received (for a media group, the first hook's). */
  body: Record<string, unknown>;
}

/**
 * A message from a manager or a bot, to deliver to the client. Several attachments sent at
 * once arrive as separate hooks sharing `media_group_id`: the handler waits for the group and
 * calls the listener once, with all of them in `messages`.
 */
export interface ChatsMessageEvent extends ChatsEventBase {
  type: 'message';
  /** The (first) message. */
  message: ChatsHookMessage;
  /** Every message of the media group in send order; `[message]` without a group. */
  messages: ChatsHookMessage[];
}

/** A manager is typing (at most one hook per 5 s; shows until `expired_at`). */
export interface ChatsTypingEvent extends ChatsEventBase {
  type: 'typing';
  typing: {
    /** The manager (amojo id). Kommo's docs place it in two spots; both are read. */
    user: { id: string; [key: string]: unknown };
    conversation: { id: string; client_id?: string; [key: string]: unknown };
    /** Unix seconds. */
    expired_at?: number;
    post_id?: string;
    [key: string]: unknown;
  };
}

/** A manager put or removed a reaction. */
export interface ChatsReactionEvent extends ChatsEventBase {
  type: 'reaction';
  reaction: {
    type: 'react' | 'unreact' | (string & {});
    emoji?: string;
    user: { id: string; [key: string]: unknown };
    conversation: { id: string; client_id?: string; [key: string]: unknown };
    /** The message reacted to (the docs' table), … */
    message?: { id: string; client_id?: string; [key: string]: unknown };
    /** … or only its id (the docs' example): either may come. */
    msgid?: string;
    [key: string]: unknown;
  };
}

/** A hook the SDK does not know (a future action, or a message it cannot read): never dropped. */
export interface ChatsUnknownEvent extends ChatsEventBase {
  type: 'unknown';
  /** The `action` key, when the body had one. */
  action?: string;
}

/** Every chats hook event, discriminated on `type`. */
export type ChatsEvent =
  ChatsMessageEvent | ChatsTypingEvent | ChatsReactionEvent | ChatsUnknownEvent;

/** The event types. */
export type ChatsEventType = ChatsEvent['type'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function idOf(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const id = value['id'];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * Parses a hook body (the raw JSON). Throws only when it is not a JSON object.
 *
 * @throws {@link WebhookParseError} `invalid_input` for a body that is not a JSON object, or
 *   `too_large`/`invalid_utf8` from decoding.
 * @internal
 */
export function parseChatsBody(body: string | Uint8Array): Record<string, unknown> {
  // The size was bounded when the request was read.
  const text = typeof body === 'string' ? body : bytesToText(body, Number.POSITIVE_INFINITY);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new WebhookParseError('invalid_input', 'The chats hook body is not JSON', { cause });
  }
  if (!isRecord(parsed))
    throw new WebhookParseError('invalid_input', 'The chats hook body is not a JSON object');
  return parsed;
}

/** Whether a body is a readable message hook, and its message. @internal */
export function hookMessage(body: Record<string, unknown>): ChatsHookMessage | undefined {
  const message = body['message'];
  if (!isRecord(message)) return undefined;
  if (idOf(message['message']) === undefined || idOf(message['conversation']) === undefined)
    return undefined;
  return message as ChatsHookMessage;
}

/**
 * The event of one hook body. Messages of a media group are merged by the handler (see
 * {@link ChatsMessageEvent}).
 *
 * @param body - The parsed body.
 * @param key - The inbox key.
 * @internal
 */
export function toChatsEvent(body: Record<string, unknown>, key: string): ChatsEvent {
  const base = {
    account_id: typeof body['account_id'] === 'string' ? body['account_id'] : '',
    ...(typeof body['time'] === 'number' && { time: body['time'] }),
    key,
    body,
  };
  const message = hookMessage(body);
  if (message) return { ...base, type: 'message', message, messages: [message] };
  const action = body['action'];
  if (isRecord(action)) {
    const typing = action['typing'];
    if (isRecord(typing) && idOf(typing['conversation']) !== undefined) {
      // The docs' table puts the user at action.user, their example inside typing.
      const user = idOf(typing['user']) !== undefined ? typing['user'] : action['user'];
      if (idOf(user) !== undefined)
        return {
          ...base,
          type: 'typing',
          typing: { ...typing, user } as ChatsTypingEvent['typing'],
        };
    }
    const reaction = action['reaction'];
    if (
      isRecord(reaction) &&
      idOf(reaction['conversation']) !== undefined &&
      idOf(reaction['user']) !== undefined
    ) {
      return { ...base, type: 'reaction', reaction: reaction as ChatsReactionEvent['reaction'] };
    }
    const name = Object.keys(action)[0];
    return { ...base, type: 'unknown', ...(name !== undefined && { action: name }) };
  }
  return { ...base, type: 'unknown' };
}
