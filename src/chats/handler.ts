/**
 * `createChatsHandler`: receive the hooks amojo sends to a channel. Verify `X-Signature`, store
 * the hook in the inbox, answer 200, then process it: dispatch by type, retry with backoff,
 * dedupe by message id, and deliver a media group's attachments as one event.
 *
 * @module
 */

import { isKommoError } from '../core/errors.js';
import { retryDelayMs, sleep } from '../core/retry.js';
import { hmac, toHex } from '../core/crypto.js';
import { DEFAULT_MAX_BYTES } from '../webhooks/form.js';
import { refuseBody } from '../webhooks/handler.js';
import { DEFAULT_READ_TIMEOUT_MS, readBody } from '../webhooks/input.js';
import { verifyWebhook, type WebhookSecret } from '../webhooks/verify.js';
import {
  hookMessage,
  parseChatsBody,
  toChatsEvent,
  type ChatsEvent,
  type ChatsEventType,
  type ChatsHookMessage,
  type ChatsMessageEvent,
} from './events.js';
import { MemoryChatInbox, type ChatInbox, type ChatInboxEntry } from './inbox.js';

/** What a listener receives besides the event. */
export interface ChatsListenerContext {
  /** 1 for the first try, 2 for the first retry, … */
  attempt: number;
  /** The inbox keys of the hooks in this event (several for a media group). */
  keys: string[];
}

/** A function run for an event. Throw to have it retried. Make it idempotent (see `event.key`). */
export type ChatsListener<E extends ChatsEvent = ChatsEvent> = (
  event: E,
  context: ChatsListenerContext,
) => unknown;

/** Listeners by event type, plus `'*'` for every event (run after the specific ones). */
export type ChatsRoutes = {
  [T in ChatsEventType]?:
    | ChatsListener<Extract<ChatsEvent, { type: T }>>
    | ReadonlyArray<ChatsListener<Extract<ChatsEvent, { type: T }>>>;
} & { '*'?: ChatsListener | readonly ChatsListener[] };

/** Where an error happened, for `onError`. */
export interface ChatsErrorContext {
  /**
   * `verify` (answered 401), `parse` (400: unreadable body; 413/408: too large/too slow), `persist` (the inbox failed: 500
   * when storing, or a completion not recorded), `handler` (a listener threw) or `config` (500).
   */
  phase: 'verify' | 'parse' | 'persist' | 'handler' | 'config';
  /** The incoming request, for the phases before the answer. */
  request?: Request;
  /** The event, for `handler`. */
  event?: ChatsEvent;
  /** For `handler`: the attempt that failed. */
  attempt?: number;
  /** For `handler`: whether another attempt is scheduled (`false`: given up, marked failed). */
  willRetry?: boolean;
}

/** Retry of failed processing. */
export interface ChatsRetryOptions {
  /**
   * Attempts in all, the first included.
   *
   * @defaultValue 5
   */
  maxAttempts?: number;
  /**
   * First backoff step; attempt n waits a random time below `min(maxDelayMs, baseDelayMs * 2^n)`.
   *
   * @defaultValue 1000
   */
  baseDelayMs?: number;
  /** @defaultValue 60000 */
  maxDelayMs?: number;
}

/** Options of {@link createChatsHandler}. */
export interface ChatsHandlerOptions {
  /** The channel secret (or several while you rotate): `X-Signature` is checked with it. */
  secret: WebhookSecret;
  /** Listeners by event type. */
  on?: ChatsRoutes;
  /**
   * Where hooks are stored before the 200. Pass a durable one (`FileChatInbox`,
   * `RedisChatInbox`) so a crash after the answer loses nothing: pending hooks are processed
   * again when a handler is created on the same inbox.
   *
   * @defaultValue a {@link MemoryChatInbox} (retries and dedupe, not crash-safe)
   */
  inbox?: ChatInbox;
  /** Called with every failure. Never receives the secret. Errors it throws are ignored. */
  onError?: (error: unknown, context: ChatsErrorContext) => unknown;
  /**
   * Largest body read, in bytes.
   *
   * @defaultValue `1_048_576` (1 MB)
   */
  maxBytes?: number;
  /**
   * Longest the whole body may take to arrive, in ms: a slower body is answered 408 with
   * `Connection: close` (`WebhookParseError` reason `read_timeout` to `onError`), so a sender
   * trickling bytes cannot hold the request. `Infinity` waits for ever.
   *
   * @defaultValue `10_000` (10 s; Kommo itself gives up on a chat hook after 5 s)
   */
  readTimeoutMs?: number;
  /** Retry of failed processing. */
  retry?: ChatsRetryOptions;
  /**
   * How long to wait for more attachments of a media group after the last one, in ms.
   *
   * @defaultValue 1000
   */
  mediaGroupWaitMs?: number;
  /**
   * How long a claim on an entry lasts, for inboxes shared by several processes (`claim`).
   *
   * @defaultValue 300000 (5 minutes)
   */
  claimTtlMs?: number;
  /**
   * Keeps background processing alive on serverless runtimes (`ctx.waitUntil` in Workers,
   * `after` in Next.js): receives the promise of the processing each hook starts.
   */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/** The handler: a Fetch-API function plus control of the background processing. */
export interface ChatsHandler {
  (request: Request): Promise<Response>;
  /** Resolves when the inbox's pending hooks found at creation are scheduled. */
  readonly ready: Promise<void>;
  /** Schedules every pending hook of the inbox (done at creation; call it to sweep again). */
  recover(): Promise<void>;
  /** Resolves when nothing is being processed or waiting for a retry or a media group. */
  drain(): Promise<void>;
  /** Stops scheduled retries and waits (pending hooks stay in the inbox for the next start). */
  close(): Promise<void>;
}

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  });
}

function listOf<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

/** The inbox key and media group of a verified body. */
async function keyOf(
  body: Record<string, unknown>,
  raw: Uint8Array,
): Promise<{ key: string; groupId?: string }> {
  const message = hookMessage(body);
  const account = typeof body['account_id'] === 'string' ? body['account_id'] : '';
  if (message) {
    const group = message.message.media_group_id;
    return {
      key: `message:${account}:${message.message.id}`,
      ...(typeof group === 'string' &&
        group !== '' && { groupId: `${account}:${message.conversation.id}:${group}` }),
    };
  }
  // Typing and reactions have no id: the body's digest tells a repeat from a new hook.
  return { key: `hook:${account}:${toHex(await hmac('sha256', 'kommo-sdk/chats', raw))}` };
}

function order(message: ChatsHookMessage): number {
  return message.msec_timestamp ?? (message.timestamp ?? 0) * 1000;
}

/** Schedules, runs and retries the processing of inbox entries. */
class Processor {
  readonly #scheduled = new Set<string>();
  /** Keys this process completed lately: a recovery snapshot taken before must not rerun them. */
  readonly #done = new Set<string>();
  readonly #tasks = new Set<Promise<void>>();
  readonly #groups = new Map<
    string,
    {
      entries: ChatInboxEntry[];
      timer: ReturnType<typeof setTimeout>;
      fire: () => void;
      done: Promise<void>;
    }
  >();
  readonly #chains = new Map<string, Promise<void>>();
  readonly #abort = new AbortController();

  constructor(
    private readonly inbox: ChatInbox,
    private readonly routes: ChatsRoutes,
    private readonly report: (error: unknown, context: ChatsErrorContext) => Promise<void>,
    private readonly settings: {
      maxAttempts: number;
      baseDelayMs: number;
      maxDelayMs: number;
      groupWaitMs: number;
      claimTtlMs: number;
    },
  ) {}

  /** Schedules an entry (once per process); returns the promise of its processing. */
  accept(entry: ChatInboxEntry): Promise<void> {
    if (this.#scheduled.has(entry.key) || this.#done.has(entry.key) || this.#abort.signal.aborted)
      return Promise.resolve();
    this.#scheduled.add(entry.key);
    const groupId = entry.groupId;
    if (groupId === undefined) return this.#track(this.#runWhenDue([entry]));
    const group = this.#groups.get(groupId);
    if (group) {
      // A sibling: wait `groupWaitMs` from this one, then run the whole group once.
      group.entries.push(entry);
      clearTimeout(group.timer);
      group.timer = setTimeout(group.fire, this.settings.groupWaitMs);
      return group.done;
    }
    let fire = (): void => undefined;
    const entries = [entry];
    const done = this.#track(
      new Promise<void>((resolve) => {
        const onAbort = (): void => resolve();
        fire = () => {
          this.#abort.signal.removeEventListener('abort', onAbort);
          this.#groups.delete(groupId);
          resolve(this.#runWhenDue(entries));
        };
        this.#abort.signal.addEventListener('abort', onAbort, { once: true });
      }),
    );
    this.#groups.set(groupId, {
      entries,
      fire,
      done,
      timer: setTimeout(fire, this.settings.groupWaitMs),
    });
    return done;
  }

  #track(task: Promise<void>): Promise<void> {
    const tracked = task.catch(() => undefined);
    this.#tasks.add(tracked);
    void tracked.finally(() => this.#tasks.delete(tracked));
    return tracked;
  }

  async #runWhenDue(entries: ChatInboxEntry[]): Promise<void> {
    const due = Math.max(...entries.map((e) => e.nextAttemptAt ?? 0));
    if (due > Date.now()) await this.#sleep(due - Date.now());
    if (this.#abort.signal.aborted) return;
    // One conversation at a time, in arrival order: a reply must not overtake its question.
    const chain = this.#chainKey(entries[0]);
    const previous = this.#chains.get(chain) ?? Promise.resolve();
    const run = previous.then(() => this.#attempt(entries));
    this.#chains.set(chain, run);
    await run;
    if (this.#chains.get(chain) === run) this.#chains.delete(chain);
  }

  #chainKey(entry: ChatInboxEntry | undefined): string {
    try {
      const body = parseChatsBody(entry?.body ?? '');
      const message = hookMessage(body);
      return message ? message.conversation.id : 'other';
    } catch {
      return 'other';
    }
  }

  async #sleep(ms: number): Promise<void> {
    await sleep(ms, this.#abort.signal).catch(() => undefined);
  }

  async #attempt(entries: ChatInboxEntry[]): Promise<void> {
    if (this.#abort.signal.aborted) return;
    const keys = entries.map((e) => e.key);
    if (this.inbox.claim) {
      for (const key of keys) {
        if (!(await this.inbox.claim(key, this.settings.claimTtlMs))) {
          // Another process holds it; it will complete it or its claim will lapse.
          keys.forEach((k) => this.#scheduled.delete(k));
          return;
        }
      }
    }
    const attempt = Math.max(...entries.map((e) => e.attempts)) + 1;
    let event: ChatsEvent;
    try {
      event = this.#event(entries);
    } catch (error) {
      // A stored body that no longer parses cannot succeed later: give it up.
      await this.report(error, { phase: 'parse' });
      await this.#complete(keys, 'failed');
      return;
    }
    try {
      await this.#dispatch(event, { attempt, keys });
    } catch (error) {
      const willRetry = attempt < this.settings.maxAttempts && !this.#abort.signal.aborted;
      await this.report(error, { phase: 'handler', event, attempt, willRetry });
      if (!willRetry) {
        if (!this.#abort.signal.aborted) await this.#complete(keys, 'failed');
        return;
      }
      const delayMs = retryDelayMs(attempt - 1, undefined, {
        baseDelayMs: this.settings.baseDelayMs,
        maxDelayMs: this.settings.maxDelayMs,
      });
      const message = error instanceof Error ? error.message : String(error);
      for (const entry of entries) {
        entry.attempts = attempt;
        entry.nextAttemptAt = Date.now() + delayMs;
        entry.lastError = message.slice(0, 500);
        try {
          await this.inbox.update(entry);
        } catch (persistError) {
          await this.report(persistError, { phase: 'persist', event });
        }
      }
      await this.#sleep(delayMs);
      await this.#attempt(entries);
      return;
    }
    await this.#complete(keys, 'done');
  }

  async #complete(keys: string[], outcome: 'done' | 'failed'): Promise<void> {
    for (const key of keys) {
      try {
        await this.inbox.complete(key, outcome);
      } catch (error) {
        // The entry stays pending and is processed again after a restart (at least once).
        await this.report(error, { phase: 'persist' });
      }
      this.#scheduled.delete(key);
      this.#done.add(key);
      if (this.#done.size > 10_000) this.#done.delete(this.#done.values().next().value ?? key);
    }
  }

  #event(entries: ChatInboxEntry[]): ChatsEvent {
    const bodies = entries.map((e) => parseChatsBody(e.body));
    const first = toChatsEvent(bodies[0] ?? {}, entries[0]?.key ?? '');
    if (entries.length === 1 || first.type !== 'message') return first;
    const messages = bodies
      .map((b) => hookMessage(b))
      .filter((m): m is ChatsHookMessage => m !== undefined)
      .sort((a, b) => order(a) - order(b));
    const event: ChatsMessageEvent = { ...first, message: messages[0] ?? first.message, messages };
    return event;
  }

  async #dispatch(event: ChatsEvent, context: ChatsListenerContext): Promise<void> {
    const listeners = [
      ...listOf(
        (this.routes as Record<string, ChatsListener | readonly ChatsListener[] | undefined>)[
          event.type
        ],
      ),
      ...listOf(this.routes['*']),
    ];
    for (const listener of listeners) await listener(event, context);
  }

  async drain(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks]);
  }

  async close(): Promise<void> {
    this.#abort.abort();
    for (const group of this.#groups.values()) clearTimeout(group.timer);
    this.#groups.clear();
    await this.drain();
  }
}

/**
 * Creates the receiver of a channel's hooks: `(request: Request) => Promise<Response>`, for
 * any framework that speaks the Fetch API (`toNodeHandler` from `kommo-sdk/webhooks` adapts it
 * to `node:http` and Express).
 *
 * amojo sends each hook **once**, never retries, and waits 5 s. So the handler verifies the
 * `X-Signature` (HMAC-SHA1 of the raw body with the channel secret), stores the hook in the
 * `inbox`, answers 200, and only then runs the listeners — in the background, one conversation
 * at a time, retrying a throwing listener with backoff. A hook already in the inbox (same
 * message id) answers 200 without running anything. Attachments sharing a `media_group_id`
 * reach the listener together, as one event. Processing is at least once: make listeners
 * idempotent (`event.key`).
 *
 * Answers: 200 once stored (or a duplicate), 401 for a missing or wrong signature (nothing is
 * stored or run), 400 for an unreadable body, 413 for one over `maxBytes`, 408 for one slower than
 * `readTimeoutMs`, 405 for other methods than POST,
 * 500 when the inbox cannot store the hook or the options are unusable.
 *
 * @param options - The secret, the listeners and the inbox.
 * @returns The handler, with `drain()`, `recover()` and `close()`.
 * @example
 * ```ts
 * import { createChatsHandler } from 'kommo-sdk/chats';
 * import { FileChatInbox } from 'kommo-sdk/chats/file-inbox';
 *
 * export const POST = createChatsHandler({
 *   secret: process.env.KOMMO_CHANNEL_SECRET!,
 *   inbox: new FileChatInbox('.kommo-chats-inbox.jsonl'),
 *   on: {
 *     message: async (event) => {
 *       for (const m of event.messages) await deliverToClient(m.conversation.client_id, m.message);
 *     },
 *   },
 *   onError: (error, { phase }) => console.error(phase, error),
 * });
 * ```
 */
export function createChatsHandler(options: ChatsHandlerOptions): ChatsHandler {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  const inbox = options.inbox ?? new MemoryChatInbox();
  const report = async (error: unknown, context: ChatsErrorContext): Promise<void> => {
    try {
      await options.onError?.(error, context);
    } catch {
      // onError must not change the answer or the processing.
    }
  };
  const processor = new Processor(inbox, options.on ?? {}, report, {
    maxAttempts: Math.max(1, options.retry?.maxAttempts ?? 5),
    baseDelayMs: options.retry?.baseDelayMs ?? 1000,
    maxDelayMs: options.retry?.maxDelayMs ?? 60_000,
    groupWaitMs: options.mediaGroupWaitMs ?? 1000,
    claimTtlMs: options.claimTtlMs ?? 300_000,
  });
  const keep = (task: Promise<void>): void => {
    options.waitUntil?.(task);
  };

  const recover = async (): Promise<void> => {
    let entries: ChatInboxEntry[];
    try {
      entries = await inbox.pending();
    } catch (error) {
      await report(error, { phase: 'persist' });
      return;
    }
    for (const entry of entries) keep(processor.accept(entry));
  };

  const handle = async (request: Request): Promise<Response> => {
    if (request.method !== 'POST') return text(405, 'Method Not Allowed', { allow: 'POST' });
    let raw: Uint8Array;
    try {
      raw = await readBody(request, { maxBytes, timeoutMs });
    } catch (error) {
      await report(error, { phase: 'parse', request });
      return refuseBody(error);
    }
    try {
      await verifyWebhook(
        { url: request.url, headers: request.headers, body: raw },
        { scheme: 'chats', secret: options.secret, maxBytes },
      );
    } catch (error) {
      if (isKommoError(error) && error.code === 'configuration_error') {
        await report(error, { phase: 'config', request });
        return text(500, 'Internal Server Error');
      }
      await report(error, { phase: 'verify', request });
      return text(401, 'Unauthorized');
    }
    let body: Record<string, unknown>;
    try {
      body = parseChatsBody(raw);
    } catch (error) {
      await report(error, { phase: 'parse', request });
      return text(400, 'Bad Request');
    }
    const { key, groupId } = await keyOf(body, raw);
    const entry: ChatInboxEntry = {
      key,
      body: new TextDecoder().decode(raw),
      receivedAt: Date.now(),
      attempts: 0,
      ...(groupId !== undefined && { groupId }),
    };
    let added: boolean;
    try {
      added = await inbox.add(entry);
    } catch (error) {
      await report(error, { phase: 'persist', request });
      return text(500, 'Internal Server Error');
    }
    if (added) keep(processor.accept(entry));
    return text(200, 'OK');
  };

  const handler = handle as ChatsHandler;
  Object.defineProperties(handler, {
    ready: { value: recover(), enumerable: true },
    recover: { value: recover },
    drain: { value: () => processor.drain() },
    close: { value: () => processor.close() },
  });
  return handler;
}
