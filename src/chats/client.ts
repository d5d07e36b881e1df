/**
 * `KommoChats`: the Chats API (amojo) client of a custom chat channel. Web APIs only.
 *
 * @module
 */

import type { z } from 'zod';
import {
  ConfigurationError,
  RequestValidationError,
  ResponseValidationError,
  type HttpMethod,
} from '../core/errors.js';
import { HttpClient, type CoreRequest, type RawResponse } from '../core/http.js';
import { validateBaseUrl } from '../core/oauth.js';
import type { KommoOptions, RequestOptions } from '../core/options.js';
import { sharedRateLimiter, type RateLimitOption, type RateLimiter } from '../core/rate-limit.js';
import { toBytes } from '../core/crypto.js';
import { parseInput, parseResponse } from '../core/schema.js';
import type { ChatMessageContent } from './messages.js';
import {
  ChatSchema,
  ConnectAnswerSchema,
  ConnectParamsSchema,
  CreateChatParamsSchema,
  DELIVERY_STATUS_CODES,
  DeliveryStatusParamsSchema,
  EditMessageParamsSchema,
  HistoryAnswerSchema,
  HistoryParamsSchema,
  MessageAnswerSchema,
  MessageParamsSchema,
  ParticipantInputSchema,
  QuotedMessageInputSchema,
  ReactionParamsSchema,
  TypingParamsSchema,
  type Chat,
  type ChatHistoryMessage,
  type ChatMessageAnswer,
} from './schemas.js';
import { formatChatsDate, signChatsApiRequest } from '../webhooks/chats-sign.js';

/** Where a channel's amojo lives. */
export type ChatsPlatform = 'kommo' | 'amocrm';

/** The amojo host of each platform. */
export const AMOJO_HOSTS: Readonly<Record<ChatsPlatform, string>> = {
  kommo: 'https://amojo.kommo.com',
  amocrm: 'https://amojo.amocrm.ru',
};

/**
 * Options of {@link KommoChats}: the channel, and the CRM client's transport options (timeouts,
 * retries, `fetch`, headers, logging, hooks, answer validation).
 */
export interface KommoChatsOptions extends Pick<
  KommoOptions,
  | 'timeoutMs'
  | 'maxRetries'
  | 'retry'
  | 'fetch'
  | 'headers'
  | 'logger'
  | 'hooks'
  | 'validateResponses'
> {
  /** The channel id Kommo support issued (a uuid). */
  channelId: string;
  /** The channel secret Kommo support issued: the signing key. Never ship it to a browser. */
  channelSecret: string;
  /**
   * Which amojo: `kommo` (`amojo.kommo.com`) or `amocrm` (`amojo.amocrm.ru`).
   *
   * @defaultValue `'kommo'`
   */
  platform?: ChatsPlatform;
  /**
   * Another amojo host (the sandbox, `https://amojo.amocrm.com` of legacy accounts, a proxy).
   * Must be an origin: the signature covers the path amojo sees. Plain `http` only on loopback.
   */
  baseUrl?: string;
  /**
   * Client-side pacing per channel. amojo's limits are not published: the default is the
   * CRM's 7 requests per second. `false` turns pacing off.
   *
   * @defaultValue `{ requestsPerSecond: 7 }`, shared by every client of the channel in the process
   */
  rateLimit?: RateLimitOption;
  /**
   * The clock the `Date` header is taken from, in ms since the epoch (inject it in tests).
   *
   * @defaultValue `Date.now`
   */
  now?: () => number;
}

/** Options of {@link KommoChats.connect}. */
export interface ChatsConnectOptions {
  /** The channel's title in this account. @defaultValue the channel's name */
  title?: string;
  /** The hook format. Only `v2` is supported (v1 is deprecated). @defaultValue `'v2'` */
  hookApiVersion?: 'v2';
  /** Turn the reply time window off for this account. @defaultValue false */
  isTimeWindowDisabled?: boolean;
}

/** A contact's profile, copied into the contact Kommo creates. */
export interface ChatProfileInput {
  phone?: string;
  email?: string;
}

/**
 * A participant of a message. `id` is **your** id of the person; `refId` is their amojo id
 * (a manager's `amojo_id`, or the channel bot's id).
 */
export interface ChatParticipantInput {
  id: string;
  name: string;
  /** The amojo id: for a manager, the user's `amojo_id` (`kommo.users.list({ with: ['amojo_id'] })`). */
  refId?: string;
  /** An avatar URL. */
  avatar?: string;
  profile?: ChatProfileInput;
  /** A link to the person's profile in your messenger. */
  profileLink?: string;
}

/** The user of a new chat. */
export interface ChatUserInput {
  /** Your id of the client. */
  id: string;
  name: string;
  avatar?: string;
  profile?: ChatProfileInput;
  profileLink?: string;
}

/** Parameters of {@link KommoChats.createChat}. */
export interface CreateChatParams {
  /** Your id of the conversation; creating it again returns the same chat. */
  conversationId: string;
  /** One of the integration's sources (`external_id` ≤ 40 printable ASCII characters). */
  source?: { externalId: string };
  user: ChatUserInput;
}

/**
 * A quoted message (`replyTo`, `forwards`): by id — `id` (amojo) or `msgid` (yours), and Kommo
 * looks the rest up — or by content.
 */
export interface ChatQuotedMessageInput {
  id?: string;
  msgid?: string;
  message?: ChatMessageContent;
  /** When it was sent: a `Date` or ms since the epoch. */
  timestamp?: Date | number;
  sender?: { id?: string; refId?: string; name?: string };
}

/** Parameters of {@link KommoChats.sendMessage} and {@link KommoChats.importMessage}. */
export interface ChatMessageParams {
  /** Your id of the conversation; amojo creates the chat on first use. */
  conversationId: string;
  /**
   * The amojo chat id, when a client answers a chat a manager opened ("write first"): binds it
   * to your `conversationId`.
   */
  conversationRefId?: string;
  /** Your id of the message. @defaultValue a random uuid */
  msgid?: string;
  /** When it was sent: a `Date` or ms since the epoch. @defaultValue now */
  timestamp?: Date | number;
  /**
   * Who wrote it. A client: your client id and name (no `receiver`). A manager: `refId` = the
   * user's `amojo_id`, and the client as `receiver`. The integration's bot: `refId` = the
   * channel bot id, and the client as `receiver`.
   */
  sender: ChatParticipantInput;
  receiver?: ChatParticipantInput;
  /** The content: see {@link chatMessage}. */
  message: ChatMessageContent;
  source?: { externalId: string };
  /**
   * `true`: no incoming lead, no notification (history import).
   *
   * @defaultValue `false` for `sendMessage`, `true` for `importMessage`
   */
  silent?: boolean;
  /** The quoted message (same chat only). */
  replyTo?: ChatQuotedMessageInput;
  /** A forwarded message (at most one), from any chat of this integration. */
  forwards?: {
    messages: [ChatQuotedMessageInput];
    conversationId?: string;
    conversationRefId?: string;
  };
}

/** Parameters of {@link KommoChats.editMessage}. */
export interface ChatEditMessageParams {
  conversationId: string;
  /** The amojo message id. */
  id?: string;
  /** Your message id (with `id`, it (re)sets yours). */
  msgid?: string;
  timestamp?: Date | number;
  message: ChatMessageContent;
}

/** Kommo's delivery error codes (`errorCode` with `status: 'error'`). */
export type ChatDeliveryErrorCode =
  /** The user deleted the conversation. */
  | 901
  /** The integration is disabled on the channel's side. */
  | 902
  /** Internal error. */
  | 903
  /** Cannot create the conversation (e.g. the number is not on WhatsApp). */
  | 904
  /** Other: send `error`, shown to the manager. */
  | 905;

/** Parameters of {@link KommoChats.updateDeliveryStatus}. */
export interface ChatDeliveryStatusParams {
  /** `delivered` (1), `read` (2) or `error` (-1). "Sent" is set by Kommo itself. */
  status: 'delivered' | 'read' | 'error';
  errorCode?: ChatDeliveryErrorCode;
  /** The text shown to the manager (with `errorCode: 905`). */
  error?: string;
}

/** Parameters of {@link KommoChats.typing}. */
export interface ChatTypingParams {
  /** Your conversation id. */
  conversationId: string;
  /** Your id of the client who types. */
  senderId: string;
  /** How long the indicator shows, in ms. @defaultValue 5000 (Kommo's default) */
  durationMs?: number;
}

/** Parameters of {@link KommoChats.react} and {@link KommoChats.unreact}. */
export interface ChatReactionParams {
  /** Your conversation id (or `conversationRefId`, the amojo chat id). */
  conversationId?: string;
  conversationRefId?: string;
  /** The amojo message id (or `msgid`, yours). */
  id?: string;
  msgid?: string;
  /** Who reacts: your id of the client (and their amojo id when known). */
  user: { id: string; refId?: string };
  /** The emoji; required to react, optional to unreact. */
  emoji?: string;
}

/** Parameters of {@link KommoChats.getHistory}. */
export interface ChatHistoryParams {
  /** Messages to skip. @defaultValue 0 */
  offset?: number;
  /** Messages to return, 1–50. @defaultValue amojo's default */
  limit?: number;
}

const KNOWN_OPTIONS = new Set<string>([
  'channelId',
  'channelSecret',
  'platform',
  'baseUrl',
  'timeoutMs',
  'maxRetries',
  'retry',
  'rateLimit',
  'fetch',
  'headers',
  'logger',
  'hooks',
  'validateResponses',
  'now',
]);

/** A path segment from an opaque id: refused when empty or odd, percent-encoded otherwise. */
function segment(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '' || value.length > 255 || /[\s/\\]/.test(value)) {
    throw new RequestValidationError(
      `\`${name}\` must be a non-empty id without spaces or slashes, got ${JSON.stringify(value) ?? String(value)}`,
      [{ path: [name], message: 'Invalid id' }],
    );
  }
  return encodeURIComponent(value);
}

function resolveLimiter(option: RateLimitOption | undefined): RateLimiter | undefined {
  if (option === false) return undefined;
  if (option?.limiter) return option.limiter;
  return sharedRateLimiter(option?.requestsPerSecond ?? 7);
}

type Time = Date | number;

function times(time: Time | undefined, now: number): { timestamp: number; msec_timestamp: number } {
  const ms = time === undefined ? now : time instanceof Date ? time.getTime() : time;
  return { timestamp: Math.floor(ms / 1000), msec_timestamp: ms };
}

type ParticipantOut = z.output<typeof ParticipantInputSchema>;
type QuotedOut = z.output<typeof QuotedMessageInputSchema>;

function participant(p: ParticipantOut): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    ...(p.refId !== undefined && { ref_id: p.refId }),
    ...(p.avatar !== undefined && { avatar: p.avatar }),
    ...(p.profile !== undefined && { profile: { ...p.profile } }),
    ...(p.profileLink !== undefined && { profile_link: p.profileLink }),
  };
}

function quoted(q: QuotedOut, now: number): Record<string, unknown> {
  const sender = q.sender && {
    ...(q.sender.id !== undefined && { id: q.sender.id }),
    ...(q.sender.refId !== undefined && { ref_id: q.sender.refId }),
    ...(q.sender.name !== undefined && { name: q.sender.name }),
  };
  return {
    ...(q.id !== undefined && { id: q.id }),
    ...(q.msgid !== undefined && { msgid: q.msgid }),
    ...q.message,
    // With only an id Kommo looks the message up; its time is then irrelevant.
    ...(q.message !== undefined || q.timestamp !== undefined ? times(q.timestamp, now) : {}),
    ...(sender !== undefined && { sender }),
  };
}

function randomId(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * The client of a custom chat channel on Kommo's Chats API (amojo): connect the channel to an
 * account, create chats, send and import messages, report delivery, typing and reactions, read
 * history. Every request is signed with the channel secret (the body is serialized once, and
 * those bytes are both signed and sent), paced per channel and retried like the CRM client;
 * failures are the SDK's typed errors (`error.type` holds amojo's `error_type`, e.g.
 * `ORIGIN_INVALID_SIGNATURE`). Web APIs only: runs on Node, Deno, Bun and edge runtimes.
 *
 * @example
 * ```ts
 * import { KommoChats, chatMessage, getAccountAmojoId } from 'kommo-sdk/chats';
 *
 * const chats = new KommoChats({ channelId, channelSecret, platform: 'kommo' });
 * const scopeId = await chats.connect(await getAccountAmojoId(kommo));
 * await chats.sendMessage(scopeId, {
 *   conversationId: 'conv-42',
 *   sender: { id: 'client-42', name: 'Ann', profile: { phone: '+15550100' } },
 *   message: chatMessage.text('Hi! Is the 14" model in stock?'),
 * });
 * ```
 */
export class KommoChats {
  /** The channel id. */
  readonly channelId: string;
  /** Where requests go. */
  readonly baseUrl: string;
  readonly #secret: string;
  readonly #http: HttpClient;
  readonly #validate: boolean;
  readonly #now: () => number;

  /**
   * @param options - The channel's id and secret, and the transport options.
   * @throws {@link ConfigurationError} for a missing id or secret, an unknown platform or
   *   option, or an unusable `baseUrl`.
   */
  constructor(options: KommoChatsOptions) {
    if (typeof options !== 'object' || options === null)
      throw new ConfigurationError('new KommoChats(options) needs an options object');
    for (const key of Object.keys(options)) {
      if (!KNOWN_OPTIONS.has(key))
        throw new ConfigurationError(
          `Unknown option \`${key}\` (known: ${[...KNOWN_OPTIONS].join(', ')})`,
        );
    }
    if (typeof options.channelId !== 'string' || !/^[\w.-]{1,128}$/.test(options.channelId))
      throw new ConfigurationError('`channelId` must be the channel id Kommo issued (a uuid)');
    if (typeof options.channelSecret !== 'string' || options.channelSecret === '')
      throw new ConfigurationError('`channelSecret` must be a non-empty string');
    const platform = options.platform ?? 'kommo';
    if (!Object.hasOwn(AMOJO_HOSTS, platform))
      throw new ConfigurationError('`platform` must be "kommo" or "amocrm"');
    if (options.baseUrl !== undefined) {
      const base = validateBaseUrl(options.baseUrl);
      if (new URL(base).pathname !== '/')
        throw new ConfigurationError(
          '`baseUrl` must be an origin (https://host[:port]): the signature covers the path',
        );
      this.baseUrl = base;
    } else {
      this.baseUrl = AMOJO_HOSTS[platform];
    }
    if (options.now !== undefined && typeof options.now !== 'function')
      throw new ConfigurationError('`now` must be a function returning ms since the epoch');
    this.channelId = options.channelId;
    this.#secret = options.channelSecret;
    this.#validate = options.validateResponses ?? true;
    this.#now = options.now ?? Date.now;
    this.#http = new HttpClient({
      baseUrl: this.baseUrl,
      accountKey: `amojo:${new URL(this.baseUrl).host}:${this.channelId}`,
      fetch: options.fetch,
      headers: options.headers,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      retry: options.retry,
      limiter: resolveLimiter(options.rateLimit),
      hooks: options.hooks,
      logger: options.logger,
      sign: (request) =>
        signChatsApiRequest({
          secret: this.#secret,
          method: request.method,
          path: request.path,
          body: request.body ?? '',
          date: formatChatsDate(new Date(this.#now())),
        }),
    });
  }

  async #call(
    method: HttpMethod,
    path: string,
    body: unknown,
    options: RequestOptions | undefined,
    query?: CoreRequest['query'],
  ): Promise<RawResponse> {
    // Serialized once: these exact bytes are signed (Content-MD5) and sent, on every attempt.
    const request: CoreRequest = { method, path, query };
    if (body !== undefined) request.rawBody = toBytes(JSON.stringify(body));
    return this.#http.request(request, options);
  }

  #parse<S extends z.ZodType>(schema: S, response: RawResponse, what: string): z.infer<S> {
    return parseResponse(schema, response.body, {
      what,
      validate: this.#validate,
      requestId: response.requestId,
    });
  }

  /**
   * Connects the channel to an account (repeat it after every install: uninstalling the
   * integration disconnects the channel).
   *
   * @param accountAmojoId - The account's amojo id: {@link getAccountAmojoId}.
   * @param options - Title, hook version (`v2`), time window.
   * @returns The `scope_id` the other methods take (`{channel_id}_{account amojo id}`; treat it as opaque).
   * @throws {@link NotFoundError} for an unknown channel, {@link PermissionDeniedError} for a bad
   *   signature, {@link BadRequestError} for refused data.
   */
  async connect(
    accountAmojoId: string,
    options: ChatsConnectOptions = {},
    requestOptions?: RequestOptions,
  ): Promise<string> {
    segment(accountAmojoId, 'accountAmojoId');
    const o = parseInput(ConnectParamsSchema, options, 'connect options');
    const response = await this.#call(
      'POST',
      `/v2/origin/custom/${segment(this.channelId, 'channelId')}/connect`,
      {
        account_id: accountAmojoId,
        hook_api_version: o.hookApiVersion ?? 'v2',
        ...(o.title !== undefined && { title: o.title }),
        ...(o.isTimeWindowDisabled !== undefined && {
          is_time_window_disabled: o.isTimeWindowDisabled,
        }),
      },
      requestOptions,
    );
    return this.#parse(ConnectAnswerSchema, response, 'connect').scope_id;
  }

  /** Disconnects the channel from an account: hooks and "write first" stop. */
  async disconnect(accountAmojoId: string, requestOptions?: RequestOptions): Promise<void> {
    segment(accountAmojoId, 'accountAmojoId');
    await this.#call(
      'DELETE',
      `/v2/origin/custom/${segment(this.channelId, 'channelId')}/disconnect`,
      { account_id: accountAmojoId },
      requestOptions,
    );
  }

  /**
   * Creates the chat of a conversation, or returns the existing one for the same
   * `conversationId`.
   *
   * @returns The amojo chat (`id` is the amojo chat id the history, hooks and
   *   `kommo.contacts.chats` use).
   */
  async createChat(
    scopeId: string,
    params: CreateChatParams,
    requestOptions?: RequestOptions,
  ): Promise<Chat> {
    const p = parseInput(CreateChatParamsSchema, params, 'chat');
    const { id, name, avatar, profile, profileLink } = p.user;
    const response = await this.#call(
      'POST',
      `/v2/origin/custom/${segment(scopeId, 'scopeId')}/chats`,
      {
        conversation_id: p.conversationId,
        ...(p.source && { source: { external_id: p.source.externalId } }),
        user: {
          id,
          name,
          ...(avatar !== undefined && { avatar }),
          ...(profile !== undefined && { profile: { ...profile } }),
          ...(profileLink !== undefined && { profile_link: profileLink }),
        },
      },
      requestOptions,
    );
    return this.#parse(ChatSchema, response, 'chat');
  }

  /**
   * Sends a message into Kommo as it happens: from a client (creates the chat, and an incoming
   * lead unless `silent`), or from a manager or the bot written in your messenger.
   *
   * @throws {@link RequestValidationError} before sending, for content that misses what its
   *   type requires (a picture without `file_name`, …).
   */
  sendMessage(
    scopeId: string,
    params: ChatMessageParams,
    requestOptions?: RequestOptions,
  ): Promise<ChatMessageAnswer> {
    return this.#newMessage(scopeId, params, false, requestOptions);
  }

  /**
   * Imports an earlier message (history): `silent` by default, so no lead or notification is
   * created. Import the newest one with `silent: false` to get one incoming lead for the lot.
   */
  importMessage(
    scopeId: string,
    params: ChatMessageParams,
    requestOptions?: RequestOptions,
  ): Promise<ChatMessageAnswer> {
    return this.#newMessage(scopeId, params, true, requestOptions);
  }

  async #newMessage(
    scopeId: string,
    params: ChatMessageParams,
    silentByDefault: boolean,
    requestOptions: RequestOptions | undefined,
  ): Promise<ChatMessageAnswer> {
    const p = parseInput(MessageParamsSchema, params, 'message');
    const now = this.#now();
    const payload: Record<string, unknown> = {
      ...times(p.timestamp, now),
      msgid: p.msgid ?? randomId(),
      conversation_id: p.conversationId,
      ...(p.conversationRefId !== undefined && { conversation_ref_id: p.conversationRefId }),
      silent: p.silent ?? silentByDefault,
      ...(p.source && { source: { external_id: p.source.externalId } }),
      sender: participant(p.sender),
      ...(p.receiver && { receiver: participant(p.receiver) }),
      message: { ...p.message },
      ...(p.replyTo && { reply_to: { message: quoted(p.replyTo, now) } }),
      ...(p.forwards && {
        forwards: {
          messages: p.forwards.messages.map((m) => quoted(m, now)),
          ...(p.forwards.conversationId !== undefined && {
            conversation_id: p.forwards.conversationId,
          }),
          ...(p.forwards.conversationRefId !== undefined && {
            conversation_ref_id: p.forwards.conversationRefId,
          }),
        },
      }),
    };
    const response = await this.#call(
      'POST',
      `/v2/origin/custom/${segment(scopeId, 'scopeId')}`,
      { event_type: 'new_message', payload },
      requestOptions,
    );
    return this.#parse(MessageAnswerSchema, response, 'message');
  }

  /** Edits a message sent earlier (its content; sender, source and quotes are ignored by Kommo). */
  async editMessage(
    scopeId: string,
    params: ChatEditMessageParams,
    requestOptions?: RequestOptions,
  ): Promise<ChatMessageAnswer> {
    const p = parseInput(EditMessageParamsSchema, params, 'message edit');
    const payload = {
      ...times(p.timestamp, this.#now()),
      ...(p.id !== undefined && { id: p.id }),
      ...(p.msgid !== undefined && { msgid: p.msgid }),
      conversation_id: p.conversationId,
      message: { ...p.message },
    };
    const response = await this.#call(
      'POST',
      `/v2/origin/custom/${segment(scopeId, 'scopeId')}`,
      { event_type: 'edit_message', payload },
      requestOptions,
    );
    return this.#parse(MessageAnswerSchema, response, 'message edit');
  }

  /**
   * Reports what happened to a message a manager sent (from a hook): delivered, read, or an
   * error shown in Kommo.
   *
   * @param messageId - The **amojo** message id (`event.message.message.id` of the hook).
   */
  async updateDeliveryStatus(
    scopeId: string,
    messageId: string,
    params: ChatDeliveryStatusParams,
    requestOptions?: RequestOptions,
  ): Promise<void> {
    const p = parseInput(DeliveryStatusParamsSchema, params, 'delivery status');
    await this.#call(
      'POST',
      `/v2/origin/custom/${segment(scopeId, 'scopeId')}/${segment(messageId, 'messageId')}/delivery_status`,
      {
        status_code: DELIVERY_STATUS_CODES[p.status],
        ...(p.errorCode !== undefined && { error_code: p.errorCode }),
        ...(p.error !== undefined && { error: p.error }),
      },
      requestOptions,
    );
  }

  /** Shows "typing…" to the manager for `durationMs` (Kommo's default 5 s). */
  async typing(
    scopeId: string,
    params: ChatTypingParams,
    requestOptions?: RequestOptions,
  ): Promise<void> {
    const p = parseInput(TypingParamsSchema, params, 'typing');
    await this.#call(
      'POST',
      `/v2/origin/custom/${segment(scopeId, 'scopeId')}/typing`,
      {
        conversation_id: p.conversationId,
        sender: { id: p.senderId },
        ...(p.durationMs !== undefined && { duration_ms: p.durationMs }),
      },
      requestOptions,
    );
  }

  /** Puts a client's reaction (an emoji) on a message. */
  async react(
    scopeId: string,
    params: ChatReactionParams,
    requestOptions?: RequestOptions,
  ): Promise<void> {
    if (typeof params === 'object' && params !== null && params.emoji === undefined) {
      throw new RequestValidationError('react needs an `emoji`', [
        { path: ['emoji'], message: 'Required' },
      ]);
    }
    await this.#reaction(scopeId, params, 'react', requestOptions);
  }

  /** Removes a client's reaction from a message. */
  unreact(
    scopeId: string,
    params: ChatReactionParams,
    requestOptions?: RequestOptions,
  ): Promise<void> {
    return this.#reaction(scopeId, params, 'unreact', requestOptions);
  }

  async #reaction(
    scopeId: string,
    params: ChatReactionParams,
    type: 'react' | 'unreact',
    requestOptions: RequestOptions | undefined,
  ): Promise<void> {
    const p = parseInput(ReactionParamsSchema, params, 'reaction');
    await this.#call(
      'POST',
      `/v2/origin/custom/${segment(scopeId, 'scopeId')}/react`,
      {
        ...(p.conversationId !== undefined && { conversation_id: p.conversationId }),
        ...(p.conversationRefId !== undefined && { conversation_ref_id: p.conversationRefId }),
        ...(p.id !== undefined && { id: p.id }),
        ...(p.msgid !== undefined && { msgid: p.msgid }),
        user: { id: p.user.id, ...(p.user.refId !== undefined && { ref_id: p.user.refId }) },
        type,
        ...(p.emoji !== undefined && { emoji: p.emoji }),
      },
      requestOptions,
    );
  }

  /**
   * Reads a chat's messages, newest first as amojo returns them (only chats this integration
   * created). An unknown or empty chat gives `[]`.
   *
   * @param chatId - The **amojo** chat id (`createChat(...).id`, `conversation.id` in hooks),
   *   despite the endpoint's name for it.
   */
  async getHistory(
    scopeId: string,
    chatId: string,
    params: ChatHistoryParams = {},
    requestOptions?: RequestOptions,
  ): Promise<ChatHistoryMessage[]> {
    const p = parseInput(HistoryParamsSchema, params, 'history params');
    const response = await this.#call(
      'GET',
      `/v2/origin/custom/${segment(scopeId, 'scopeId')}/chats/${segment(chatId, 'chatId')}/history`,
      undefined,
      requestOptions,
      { offset: p.offset, limit: p.limit },
    );
    if (response.body === undefined) return [];
    return this.#parse(HistoryAnswerSchema, response, 'chat history').messages ?? [];
  }

  /** @internal */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `KommoChats { channelId: '${this.channelId}', baseUrl: '${this.baseUrl}' }`;
  }

  /** @internal */
  toJSON(): Record<string, unknown> {
    return { channelId: this.channelId, baseUrl: this.baseUrl };
  }
}

/** What {@link getAccountAmojoId} needs: a `Kommo` client (only its `account.get`). */
export interface AmojoIdSource {
  account: {
    /** `kommo.account.get`: reads the account with `with` extras. */
    get(
      params: { with: Array<'amojo_id'> },
      options?: RequestOptions,
    ): Promise<{ amojo_id?: string | null | undefined }>;
  };
}

/**
 * Reads the account's amojo id (`GET /api/v4/account?with=amojo_id`) through the CRM client:
 * what {@link KommoChats.connect} takes.
 *
 * @param kommo - A `Kommo` client of the account.
 * @returns The amojo account id (a uuid).
 * @throws {@link ResponseValidationError} when the account has no amojo id.
 * @example
 * ```ts
 * const scopeId = await chats.connect(await getAccountAmojoId(kommo));
 * ```
 */
export async function getAccountAmojoId(
  kommo: AmojoIdSource,
  options?: RequestOptions,
): Promise<string> {
  const account = await kommo.account.get({ with: ['amojo_id'] }, options);
  const id = account.amojo_id;
  if (typeof id !== 'string' || id === '') {
    throw new ResponseValidationError('The account answered without an amojo_id', {
      body: account,
    });
  }
  return id;
}
