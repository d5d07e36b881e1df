/**
 * The Chats API's shapes: strict schemas of what a channel sends (checked before anything goes
 * out, with Kommo's bounds) and lenient schemas of what amojo answers.
 *
 * @module
 */

import { z } from 'zod';
import type { ChatMessageContent, ChatMessageType } from './messages.js';

/** Kommo's documented bounds of the Chats API. */
export const CHATS_LIMITS = {
  /** Most messages `getHistory` returns per call. */
  historyLimit: 50,
  /** Most messages in `forwards`. */
  forwardedMessages: 1,
  /** Longest `source.external_id`. */
  sourceExternalIdLength: 40,
  /** How long a request signature (`Date`) stays valid, in ms. */
  signatureValidityMs: 15 * 60_000,
} as const;

const MESSAGE_TYPES = [
  'text',
  'picture',
  'video',
  'file',
  'voice',
  'audio',
  'sticker',
  'location',
  'contact',
] as const satisfies readonly ChatMessageType[];

const Text = z.string().min(1);
const HttpUrl = z.url({ protocol: /^https?$/, error: 'Expected an http(s) URL' });
/** Unix ms or a `Date`; a number that looks like seconds is refused (a common mix-up). */
const TimeInputSchema = z.union([
  z.date().refine((d) => !Number.isNaN(d.getTime()), 'Invalid date'),
  z
    .number()
    .int()
    .min(1e11, 'Expected milliseconds since the epoch (this looks like seconds)')
    .max(8.64e15),
]);

const ProfileSchema = z.strictObject({
  phone: Text.optional(),
  email: Text.optional(),
});

/** A chat participant as the caller gives it. */
export const ParticipantInputSchema = z.strictObject({
  id: Text,
  name: Text,
  refId: Text.optional(),
  avatar: HttpUrl.optional(),
  profile: ProfileSchema.optional(),
  profileLink: HttpUrl.optional(),
});

/** The `source` of a chat: one of the integration's sources (§ sources). */
const SourceInputSchema = z.strictObject({
  externalId: z
    .string()
    .min(1)
    .max(CHATS_LIMITS.sourceExternalIdLength)
    .regex(/^[\x20-\x7e]+$/, 'Only printable ASCII characters'),
});

const REQUIRED: Readonly<Record<ChatMessageType, ReadonlyArray<keyof ChatMessageContent>>> = {
  text: ['text'],
  picture: ['media', 'file_name', 'file_size'],
  video: ['media', 'file_name', 'file_size'],
  file: ['media', 'file_name', 'file_size'],
  voice: ['media'],
  audio: ['media'],
  sticker: ['media'],
  location: ['location'],
  contact: ['contact'],
};

/** A message's content, checked per type. */
const MessageContentSchema = z
  .strictObject({
    type: z.enum(MESSAGE_TYPES),
    text: z.string().optional(),
    media: HttpUrl.optional(),
    file_name: Text.optional(),
    file_size: z.number().int().nonnegative().optional(),
    media_duration: z.number().nonnegative().optional(),
    sticker_id: Text.optional(),
    location: z
      .strictObject({ lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) })
      .optional(),
    contact: z.strictObject({ name: Text, phone: Text }).optional(),
    callback_data: Text.optional(),
    shared_post: z
      .strictObject({
        url: HttpUrl,
        type: z.literal('post'),
        preview_link: HttpUrl.optional(),
        preview_permalink: HttpUrl.optional(),
        site_name: z.string().optional(),
      })
      .optional(),
  })
  .superRefine((message, ctx) => {
    for (const key of REQUIRED[message.type]) {
      const value = message[key];
      if (value === undefined || value === '') {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `Required for a ${message.type} message`,
        });
      }
    }
  });

/** A quoted (replied or forwarded) message: by id, or by content. */
export const QuotedMessageInputSchema = z
  .strictObject({
    id: Text.optional(),
    msgid: Text.optional(),
    message: MessageContentSchema.optional(),
    timestamp: TimeInputSchema.optional(),
    sender: z
      .strictObject({ id: Text.optional(), refId: Text.optional(), name: Text.optional() })
      .optional(),
  })
  .refine((q) => q.id !== undefined || q.msgid !== undefined || q.message !== undefined, {
    message: 'Give the quoted message `id` (amojo), `msgid` (yours) or its `message`',
  });

/** The parameters shared by `sendMessage` and `importMessage`. */
export const MessageParamsSchema = z.strictObject({
  conversationId: Text,
  conversationRefId: Text.optional(),
  msgid: Text.optional(),
  timestamp: TimeInputSchema.optional(),
  sender: ParticipantInputSchema,
  receiver: ParticipantInputSchema.optional(),
  message: MessageContentSchema,
  source: SourceInputSchema.optional(),
  silent: z.boolean().optional(),
  replyTo: QuotedMessageInputSchema.optional(),
  forwards: z
    .strictObject({
      messages: z.array(QuotedMessageInputSchema).min(1).max(CHATS_LIMITS.forwardedMessages),
      conversationId: Text.optional(),
      conversationRefId: Text.optional(),
    })
    .optional(),
});

/** The parameters of `editMessage`. */
export const EditMessageParamsSchema = z
  .strictObject({
    conversationId: Text,
    id: Text.optional(),
    msgid: Text.optional(),
    timestamp: TimeInputSchema.optional(),
    message: MessageContentSchema,
  })
  .refine((p) => p.id !== undefined || p.msgid !== undefined, {
    message: 'Give the message `id` (amojo) or `msgid` (yours)',
  });

/** The parameters of `createChat`. */
export const CreateChatParamsSchema = z.strictObject({
  conversationId: Text,
  source: SourceInputSchema.optional(),
  user: z.strictObject({
    id: Text,
    name: Text,
    avatar: HttpUrl.optional(),
    profile: ProfileSchema.optional(),
    profileLink: HttpUrl.optional(),
  }),
});

/** The options of `connect`. */
export const ConnectParamsSchema = z.strictObject({
  title: Text.optional(),
  hookApiVersion: z.literal('v2').optional(),
  isTimeWindowDisabled: z.boolean().optional(),
});

/** Delivery status codes by name. */
export const DELIVERY_STATUS_CODES = { delivered: 1, read: 2, error: -1 } as const;

/** The parameters of `updateDeliveryStatus`. */
export const DeliveryStatusParamsSchema = z
  .strictObject({
    status: z.enum(['delivered', 'read', 'error']),
    errorCode: z
      .union([z.literal(901), z.literal(902), z.literal(903), z.literal(904), z.literal(905)])
      .optional(),
    error: Text.optional(),
  })
  .refine((p) => p.status === 'error' || (p.errorCode === undefined && p.error === undefined), {
    message: '`errorCode` and `error` go with `status: "error"` only',
  });

/** The parameters of `typing`. */
export const TypingParamsSchema = z.strictObject({
  conversationId: Text,
  senderId: Text,
  durationMs: z.number().int().positive().max(60_000).optional(),
});

const ReactionTargetSchema = z.strictObject({
  conversationId: Text.optional(),
  conversationRefId: Text.optional(),
  id: Text.optional(),
  msgid: Text.optional(),
  user: z.strictObject({ id: Text, refId: Text.optional() }),
  emoji: Text.optional(),
});

/** The parameters of `react` / `unreact`. */
export const ReactionParamsSchema = ReactionTargetSchema.refine(
  (p) => p.conversationId !== undefined || p.conversationRefId !== undefined,
  { message: 'Give `conversationId` (yours) or `conversationRefId` (amojo chat id)' },
).refine((p) => p.id !== undefined || p.msgid !== undefined, {
  message: 'Give the message `id` (amojo) or `msgid` (yours)',
});

/** The parameters of `getHistory`. */
export const HistoryParamsSchema = z.strictObject({
  offset: z.number().int().nonnegative().optional(),
  limit: z.number().int().min(1).max(CHATS_LIMITS.historyLimit).optional(),
});

// ------------------------------------------------------------------------------ answers

const Str = z.string().nullish();

/** The answer of `connect`. */
export const ConnectAnswerSchema = z.looseObject({
  scope_id: z.string().min(1),
  account_id: Str,
  title: Str,
  hook_api_version: Str,
  is_time_window_disabled: z.boolean().nullish(),
});

/** A chat user as amojo answers it. */
const ChatUserSchema = z.looseObject({
  id: z.string(),
  client_id: Str,
  name: Str,
  avatar: Str,
  phone: Str,
  email: Str,
});

/** The answer of `createChat`. */
export const ChatSchema = z.looseObject({
  id: z.string().min(1),
  user: ChatUserSchema.nullish(),
});
/** A chat amojo created (or found) for a conversation. */
export type Chat = z.infer<typeof ChatSchema>;

/** The answer of `sendMessage` / `importMessage` / `editMessage`. */
export const MessageAnswerSchema = z.looseObject({
  new_message: z
    .looseObject({
      conversation_id: Str,
      sender_id: Str,
      receiver_id: Str,
      /** The amojo message id. */
      msgid: Str,
      /** Your `msgid`. */
      ref_id: Str,
    })
    .nullish(),
});
/** What amojo answers to a message: accepted, shown after asynchronous processing. */
export type ChatMessageAnswer = z.infer<typeof MessageAnswerSchema>;

const HistoryParticipantSchema = z.looseObject({
  id: Str,
  name: Str,
  client_id: Str,
  avatar: Str,
  phone: Str,
  email: Str,
});

/** One message of `getHistory`. */
const HistoryMessageSchema = z.looseObject({
  timestamp: z.number().nullish(),
  msec_timestamp: z.number().nullish(),
  sender: HistoryParticipantSchema.nullish(),
  receiver: HistoryParticipantSchema.nullish(),
  message: z.looseObject({
    id: z.string(),
    client_id: Str,
    type: z.string().nullish(),
    text: Str,
    media: Str,
    thumbnail: Str,
    file_name: Str,
    file_size: z.number().nullish(),
    media_group_id: Str,
    location: z.looseObject({ lon: z.number().nullish(), lat: z.number().nullish() }).nullish(),
    contact: z.looseObject({ name: Str, phone: Str }).nullish(),
  }),
});
/** One message of a chat's history, as amojo answers it (empty values may be left out). */
export type ChatHistoryMessage = z.infer<typeof HistoryMessageSchema>;

/** The answer of `getHistory`. */
export const HistoryAnswerSchema = z.looseObject({
  messages: z.array(HistoryMessageSchema).nullish(),
});
