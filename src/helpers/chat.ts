/**
 * A conversation becomes a deal: contact found or created, lead created and linked, the chat
 * history attached as notes.
 *
 * @module
 */

import type { Kommo } from '../client.js';
import { KommoError, isKommoError } from '../core/errors.js';
import { NOTE_TEXT_MAX_LENGTH } from '../facts.js';
import type { TagInput } from '../schemas/common.js';
import type { CustomFieldValueInput } from '../schemas/custom-field-values.js';
import type { Pipeline } from '../schemas/pipeline.js';
import { cacheFor, type KommoCache } from './cache.js';
import {
  findOrCreateContact,
  type FindOrCreateContactInput,
  type FindOrCreateContactOptions,
} from './contacts.js';
import { metricsOf } from './metrics.js';
import { requestOptionsOf } from './request-options.js';
import { statusByName } from './stages.js';

export { NOTE_TEXT_MAX_LENGTH };

/** One message of a conversation. */
export interface ChatMessage {
  /** Who wrote it: `'Customer'`, the customer's name, `'Bot'`, a manager… */
  from: string;
  text: string;
  /** When: a `Date`, unix seconds, or an ISO string. */
  at?: Date | number | string;
}

/** Options of {@link chatHistoryNotes}. */
export interface ChatHistoryNoteOptions {
  /**
   * The longest note text. Kommo publishes no limit; the default is the conservative cap the
   * sandbox enforces too.
   *
   * @defaultValue {@link NOTE_TEXT_MAX_LENGTH} (20000)
   */
  noteMaxLength?: number;
  /**
   * The first line of every note; `(part i/n)` is added when the history needs several notes.
   *
   * @defaultValue `'Chat history'`
   */
  title?: string;
}

function timestamp(at: ChatMessage['at']): string {
  if (at === undefined) return '';
  const date =
    at instanceof Date ? at : typeof at === 'number' ? new Date(at * 1000) : new Date(at);
  if (Number.isNaN(date.getTime())) return '';
  // UTC with the zone spelled out: the reader's and the server's time zones may differ.
  return `[${date.toISOString().slice(0, 16).replace('T', ' ')} UTC] `;
}

/** Cuts `line` into pieces of at most `size` UTF-16 units, at a space when one is near. */
function cut(line: string, size: number): string[] {
  const pieces: string[] = [];
  let rest = line;
  while (rest.length > size) {
    let at = rest.lastIndexOf(' ', size);
    if (at < size * 0.6) at = size;
    // Never split a surrogate pair (an emoji) in two.
    const code = rest.charCodeAt(at - 1);
    if (at === size && code >= 0xd800 && code <= 0xdbff) at--;
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^ /, '');
  }
  pieces.push(rest);
  return pieces;
}

/**
 * The note texts for a chat history: one line per message (`[time UTC] From: text`), packed
 * into as few notes as fit `noteMaxLength`, split between messages when possible and inside a
 * message only when it alone is too long. Every text, title included, fits the limit.
 *
 * @throws {@link KommoError} with code `invalid_request` when `noteMaxLength` is below 100.
 * @example
 * ```ts
 * const texts = chatHistoryNotes([{ from: 'Ann', text: 'Hi! Do you ship to Lisbon?' }]);
 * // ['Chat history\nAnn: Hi! Do you ship to Lisbon?']
 * ```
 */
export function chatHistoryNotes(
  messages: readonly ChatMessage[] | string,
  options: ChatHistoryNoteOptions = {},
): string[] {
  const max = options.noteMaxLength ?? NOTE_TEXT_MAX_LENGTH;
  if (!Number.isInteger(max) || max < 100) {
    throw new KommoError('invalid_request', `noteMaxLength must be an integer ≥ 100, got ${max}`);
  }
  const title = options.title ?? 'Chat history';
  const lines =
    typeof messages === 'string'
      ? messages.split('\n')
      : messages.map((m) => `${timestamp(m.at)}${m.from}: ${m.text}`);
  if (lines.every((l) => l.trim() === '')) return [];
  // Room for the title and " (part 9999/9999)" on every note, so the count never overflows.
  const room = max - title.length - ' (part 9999/9999)\n'.length;
  const bodies: string[] = [];
  let current = '';
  for (const line of lines.flatMap((l) => cut(l, room))) {
    const joined = current === '' ? line : `${current}\n${line}`;
    if (joined.length <= room) current = joined;
    else {
      bodies.push(current);
      current = line;
    }
  }
  if (current !== '') bodies.push(current);
  if (bodies.length === 1) return [`${title}\n${bodies[0] ?? ''}`];
  return bodies.map((body, i) => `${title} (part ${i + 1}/${bodies.length})\n${body}`);
}

/** What {@link createLeadFromChat} creates. */
export interface CreateLeadFromChatInput {
  /** The customer: found by phone/e-mail or created ({@link findOrCreateContact}), or an existing contact id. */
  contact: FindOrCreateContactInput | { id: number };
  /** @defaultValue `'Chat with <contact name>'` */
  name?: string;
  price?: number;
  /** The conversation, attached as one or more notes. */
  messages?: readonly ChatMessage[] | string;
  /** Pipeline id or name. @defaultValue the stage's pipeline, else the main pipeline */
  pipeline?: number | string;
  /** Stage id or name (in `pipeline`). @defaultValue Kommo's first stage */
  status?: number | string;
  /** Tags to add: names or `{ id }` / `{ name }`. */
  tags?: ReadonlyArray<TagInput | string>;
  responsible_user_id?: number;
  custom_fields_values?: CustomFieldValueInput[];
}

/** Options of {@link createLeadFromChat}. */
export interface CreateLeadFromChatOptions
  extends FindOrCreateContactOptions, ChatHistoryNoteOptions {
  /** Where pipelines come from. @defaultValue {@link cacheFor}(kommo) */
  cache?: KommoCache;
}

/** What {@link createLeadFromChat} did. */
export interface CreateLeadFromChatResult {
  leadId: number;
  contactId: number;
  /** `true` when the contact was created for this lead. */
  contactCreated: boolean;
  /** The notes holding the chat history, in order. */
  noteIds: number[];
  /** The pipeline and stage asked for (absent when Kommo chose them). */
  pipelineId?: number;
  statusId?: number;
}

function byName(pipelines: readonly Pipeline[], name: string): Pipeline | undefined {
  const wanted = name.trim().toLocaleLowerCase();
  return pipelines.find((p) => (p.name ?? '').trim().toLocaleLowerCase() === wanted);
}

async function resolvePlacement(
  input: CreateLeadFromChatInput,
  cache: KommoCache,
): Promise<{ pipeline_id?: number; status_id?: number }> {
  const { pipeline, status } = input;
  if (pipeline === undefined && status === undefined) return {};
  if (typeof pipeline === 'number' && (status === undefined || typeof status === 'number')) {
    return { pipeline_id: pipeline, ...(status === undefined ? {} : { status_id: status }) };
  }
  let target: Pipeline | undefined;
  if (typeof pipeline === 'string') {
    target = byName(await cache.pipelines(), pipeline);
    if (!target)
      throw new KommoError('invalid_request', `No pipeline named ${JSON.stringify(pipeline)}`);
  } else {
    target = await cache.pipeline(pipeline);
  }
  if (status === undefined) return { pipeline_id: target.id };
  const stage =
    typeof status === 'number'
      ? target._embedded?.statuses?.find((s) => s.id === status)
      : statusByName(target, status);
  if (!stage) {
    throw new KommoError(
      'invalid_request',
      `Pipeline ${target.id} (${target.name ?? ''}) has no stage ${JSON.stringify(status)}`,
    );
  }
  return { pipeline_id: target.id, status_id: stage.id };
}

/**
 * Turns a conversation into a deal: finds or creates the contact (by phone/e-mail, see
 * {@link findOrCreateContact}), creates the lead linked to it as main contact, and attaches
 * the chat history as notes ({@link chatHistoryNotes}: one note, or several above
 * `noteMaxLength`). Pipeline and stage may be given by name. When metrics are attached to the
 * client ({@link createMetrics}), the conversation and its lead are counted.
 *
 * Not atomic: when the notes fail after the lead was created, the error is thrown and the lead
 * stays: the thrown {@link KommoError} names its id (and keeps the original as `cause`).
 *
 * @example
 * ```ts
 * const { leadId, contactCreated } = await createLeadFromChat(kommo, {
 *   contact: { name: 'Ann Lee', phone: '+1 555 010 0100' },
 *   messages: [
 *     { from: 'Ann Lee', text: 'Hi, I need 40 chairs for an event', at: new Date() },
 *     { from: 'Bot', text: 'Thanks! A manager will call you shortly.' },
 *   ],
 *   pipeline: 'Sales',
 *   status: 'Initial contact',
 *   tags: ['whatsapp'],
 * });
 * ```
 */
export async function createLeadFromChat(
  kommo: Kommo,
  input: CreateLeadFromChatInput,
  options: CreateLeadFromChatOptions = {},
): Promise<CreateLeadFromChatResult> {
  const { cache: givenCache, noteMaxLength, title, ...contactOptions } = options;
  const request = requestOptionsOf(options);
  const metrics = metricsOf(kommo);
  let leadId: number | undefined;
  try {
    // Check the history and the placement before writing anything.
    const texts =
      input.messages === undefined
        ? []
        : chatHistoryNotes(input.messages, {
            ...(noteMaxLength !== undefined ? { noteMaxLength } : {}),
            ...(title !== undefined ? { title } : {}),
          });
    const placement = await resolvePlacement(input, givenCache ?? cacheFor(kommo));
    const found =
      'id' in input.contact
        ? { id: input.contact.id, created: false, name: undefined }
        : {
            ...(await findOrCreateContact(kommo, input.contact, contactOptions)),
            name: input.contact.name,
          };
    const lead = await kommo.leads.create(
      {
        name: input.name ?? (found.name ? `Chat with ${found.name}` : 'Chat lead'),
        ...(input.price !== undefined ? { price: input.price } : {}),
        ...placement,
        ...(input.responsible_user_id !== undefined
          ? { responsible_user_id: input.responsible_user_id }
          : {}),
        ...(input.custom_fields_values !== undefined
          ? { custom_fields_values: input.custom_fields_values }
          : {}),
        ...(input.tags !== undefined
          ? { tags_to_add: input.tags.map((t) => (typeof t === 'string' ? { name: t } : t)) }
          : {}),
        _embedded: { contacts: [{ id: found.id, is_main: true }] },
      },
      request,
    );
    leadId = lead.id;
    metrics?.recordConversation({ leadCreated: true });
    const notes =
      texts.length === 0
        ? []
        : await kommo.notes.createMany(
            'leads',
            texts.map((text) => ({ entity_id: lead.id, note_type: 'common', params: { text } })),
            request,
          );
    return {
      leadId: lead.id,
      contactId: found.id,
      contactCreated: found.created,
      noteIds: notes.map((n) => n.id),
      ...(placement.pipeline_id !== undefined ? { pipelineId: placement.pipeline_id } : {}),
      ...(placement.status_id !== undefined ? { statusId: placement.status_id } : {}),
    };
  } catch (error) {
    if (leadId === undefined) {
      metrics?.recordConversation({ leadCreated: false });
      throw error;
    }
    // The lead exists: say so, or a retry by the caller would create a second one.
    throw new KommoError(
      isKommoError(error) ? error.code : 'invalid_response',
      `Lead ${leadId} was created but its chat history was not attached: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
