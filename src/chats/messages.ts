/**
 * The message content of the Chats API (amojo): the wire shape of `message` in a sent or
 * imported message, and typed builders for every type Kommo accepts.
 *
 * @module
 */

/** The message types a channel may send into Kommo. */
export type ChatMessageType =
  'text' | 'picture' | 'video' | 'file' | 'voice' | 'audio' | 'sticker' | 'location' | 'contact';

/** A link preview a message may carry (`shared_post`). */
export interface ChatSharedPost {
  url: string;
  type: 'post';
  preview_link?: string;
  /** Wins over `preview_link` when both are given. */
  preview_permalink?: string;
  site_name?: string;
}

/**
 * The `message` object of a sent or imported message, in Kommo's wire names. Build it with
 * {@link chatMessage}; `KommoChats` checks it strictly before sending (the API is strictly
 * typed: a number where a string is expected is refused).
 */
export interface ChatMessageContent {
  type: ChatMessageType;
  /** Required for `text`; a caption for media where the messenger supports one. */
  text?: string;
  /** A public URL Kommo downloads the media from (pictures, videos, files, voice, audio, stickers). */
  media?: string;
  /** Required for `file`, `video` and `picture`. */
  file_name?: string;
  /** Size in bytes; required for `file`, `video` and `picture`. */
  file_size?: number;
  /** Duration in seconds (voice, audio, video). */
  media_duration?: number;
  /** The messenger's sticker id. */
  sticker_id?: string;
  /** For `location`. */
  location?: { lon: number; lat: number };
  /** For `contact`. */
  contact?: { name: string; phone: string };
  /** The row a client chose in a WhatsApp list message (read by the Salesbot). */
  callback_data?: string;
  /** A link preview. */
  shared_post?: ChatSharedPost;
}

/** Options of media builders that need the file's name and size. */
export interface ChatFileOptions {
  /** The file name shown in Kommo. */
  fileName: string;
  /** Size in bytes. */
  fileSize: number;
  /** A caption. */
  text?: string;
}

/** Options of the voice and audio builders. */
export interface ChatAudioOptions {
  /** Duration in seconds. */
  duration?: number;
  fileName?: string;
  fileSize?: number;
}

type Loose<T> = { [K in keyof T]?: T[K] | undefined };

/** Drops the options left out, so the wire object carries only what was given. */
function defined(value: Loose<ChatMessageContent> & { type: ChatMessageType }): ChatMessageContent {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as unknown as ChatMessageContent;
}

/**
 * Builders of {@link ChatMessageContent}, one per type, with Kommo's required fields as required
 * arguments.
 *
 * @example
 * ```ts
 * chatMessage.text('Hello!');
 * chatMessage.picture('https://cdn.example.com/a.jpg', { fileName: 'a.jpg', fileSize: 48211 });
 * chatMessage.location({ lat: 40.4168, lon: -3.7038 });
 * ```
 */
export const chatMessage = {
  /** A text message. `callbackData` is the chosen row of a WhatsApp list message. */
  text(text: string, options: { callbackData?: string } = {}): ChatMessageContent {
    return defined({ type: 'text', text, callback_data: options.callbackData });
  },
  /** A picture; Kommo requires its file name and size. */
  picture(media: string, options: ChatFileOptions): ChatMessageContent {
    return defined({
      type: 'picture',
      media,
      file_name: options.fileName,
      file_size: options.fileSize,
      text: options.text,
    });
  },
  /** A video; Kommo requires its file name and size. */
  video(media: string, options: ChatFileOptions & { duration?: number }): ChatMessageContent {
    return defined({
      type: 'video',
      media,
      file_name: options.fileName,
      file_size: options.fileSize,
      media_duration: options.duration,
      text: options.text,
    });
  },
  /** A document; Kommo requires its file name and size. */
  file(media: string, options: ChatFileOptions): ChatMessageContent {
    return defined({
      type: 'file',
      media,
      file_name: options.fileName,
      file_size: options.fileSize,
      text: options.text,
    });
  },
  /** A voice note. */
  voice(media: string, options: ChatAudioOptions = {}): ChatMessageContent {
    return defined({
      type: 'voice',
      media,
      media_duration: options.duration,
      file_name: options.fileName,
      file_size: options.fileSize,
    });
  },
  /** An audio file. */
  audio(media: string, options: ChatAudioOptions = {}): ChatMessageContent {
    return defined({
      type: 'audio',
      media,
      media_duration: options.duration,
      file_name: options.fileName,
      file_size: options.fileSize,
    });
  },
  /** A sticker (its image URL, and the messenger's sticker id when there is one). */
  sticker(media: string, options: { stickerId?: string } = {}): ChatMessageContent {
    return defined({ type: 'sticker', media, sticker_id: options.stickerId });
  },
  /** A point on the map. */
  location(
    point: { lat: number; lon: number },
    options: { text?: string } = {},
  ): ChatMessageContent {
    return defined({
      type: 'location',
      location: { lon: point.lon, lat: point.lat },
      text: options.text,
    });
  },
  /** A contact card. */
  contact(contact: { name: string; phone: string }): ChatMessageContent {
    return { type: 'contact', contact: { name: contact.name, phone: contact.phone } };
  },
};
