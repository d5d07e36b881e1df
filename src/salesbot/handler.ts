/**
 * `createSalesbotHandler`: the receiver of a bot's `widget_request` step. It verifies the
 * request's token, answers 200 at once (Kommo waits 2 s), and only then runs your code and
 * continues the bot with what it returned — on the account's own host, from the ids in the
 * request, never by following its `return_url`.
 *
 * @module
 */

import type { Kommo } from '../client.js';
import { isKommoError } from '../core/errors.js';
import type { SalesbotContinueParams, SalesbotContinueTarget } from '../schemas/salesbot.js';
import { WebhookVerificationError } from '../webhooks/errors.js';
import { DEFAULT_MAX_BYTES, safeJsonParse } from '../webhooks/form.js';
import { refuseBody, text } from '../webhooks/handler.js';
import { DEFAULT_READ_TIMEOUT_MS, readBody } from '../webhooks/input.js';
import {
  verifyWebhook,
  type ExpectedAccount,
  type SalesbotTokenClaims,
  type WebhookSecret,
} from '../webhooks/verify.js';

/** A verified `widget_request`: the bot to continue, your step's data, the token's claims. */
export interface SalesbotWidgetRequest {
  /** Which bot waits, as `kommo.salesbot.continue` takes it. */
  target: Required<Pick<SalesbotContinueTarget, 'bot_id' | 'continue_id' | 'bot_type'>>;
  /** The `data` of the bot's `widget_request` step, its markers (`{{lead.id}}`…) filled in. */
  data: Record<string, unknown>;
  /** The verified token's claims: `account_id`, `subdomain`, `entity_type`, `entity_id`, …. */
  claims: SalesbotTokenClaims;
  /**
   * The body's `return_url`, as sent: for logs only. It is not covered by the token's
   * signature, and the SDK never requests it.
   */
  returnUrl: string;
}

/**
 * What your code answers: the continue body (`data` for `{{json.<key>}}` markers, the
 * `execute_handlers` to run), the handlers alone, nothing (the bot goes on as it is), or
 * `false` (no continue now: you call `kommo.salesbot.continue(request.target, …)` later).
 */
export type SalesbotReply = SalesbotContinueParams | SalesbotContinueParams['execute_handlers'];

/** Where an error happened, for `onError`. */
export interface SalesbotErrorContext {
  /**
   * `verify` (answered 401), `parse` (400, or 413/408 for a body too large or too slow),
   * `config` (500), `handler` (your `onRequest` threw; no continue sent) or `continue` (the
   * continue was refused before sending — a handler over Kommo's limits — or failed).
   */
  phase: 'verify' | 'parse' | 'config' | 'handler' | 'continue';
  /** The incoming request, for the phases before the answer. */
  request?: Request;
  /** The verified request, for `handler` and `continue`. */
  widgetRequest?: SalesbotWidgetRequest;
}

/** Options of {@link createSalesbotHandler}. */
export interface SalesbotHandlerOptions {
  /** The integration's secret key (client secret), or several while you rotate it. */
  secret: WebhookSecret;
  /**
   * The client that continues the bot: the account's, or — for an integration installed in
   * several accounts — one picked by the request (`claims.account_id`, `claims.subdomain`).
   */
  kommo: Kommo | ((request: SalesbotWidgetRequest) => Kommo | Promise<Kommo>);
  /**
   * Your code: what the bot does next. Runs after the 200, so it may take its time (an AI
   * model's answer); the bot waits for the continue. Build handlers with `bot` from
   * `kommo-sdk/salesbot`.
   */
  onRequest: (
    request: SalesbotWidgetRequest,
  ) => SalesbotReply | false | undefined | Promise<SalesbotReply | false | undefined>;
  /** Called with every failure. Never receives the secret. Errors it throws are ignored. */
  onError?: (error: unknown, context: SalesbotErrorContext) => unknown;
  /** When set, the token's `aud` must be one of these (your integration's base URL). */
  audience?: string | readonly string[];
  /** The account the token must name (`account_id`, `subdomain`). */
  expectedAccount?: ExpectedAccount;
  /** Tolerated clock difference for the token's times, in seconds. @defaultValue 30 */
  clockSkewSec?: number;
  /** The clock, in ms since the epoch (tests). @defaultValue `Date.now` */
  now?: () => number;
  /** Largest body read, in bytes. @defaultValue `1_048_576` (1 MB) */
  maxBytes?: number;
  /** Longest the body may take to arrive, in ms (408 after). @defaultValue `10_000` */
  readTimeoutMs?: number;
  /**
   * Keeps the work after the answer alive on serverless runtimes (`ctx.waitUntil` in
   * Workers, `after` in Next.js): receives its promise.
   */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/** The receiver: a Fetch-API function, plus a way to wait for the work it started. */
export interface SalesbotRequestHandler {
  (request: Request): Promise<Response>;
  /** Starts the work of answers not yet sent (a test that reads no body) and waits for all. */
  drain(): Promise<void>;
}

const RETURN_PATH =
  /^\/api\/v4\/(salesbot|marketingbot)\/(\d{1,15})\/continue\/([A-Za-z0-9_-]{1,64})\/?$/;
/** Continue ids remembered, so a delivery sent twice continues the bot once. */
const SEEN_LIMIT = 10_000;

function malformed(message: string): WebhookVerificationError {
  return new WebhookVerificationError('malformed', message);
}

/** The verified request's body: `data` and the bot to continue, from `return_url`'s path only. */
function parseWidgetRequest(raw: Uint8Array, claims: SalesbotTokenClaims): SalesbotWidgetRequest {
  let body: unknown;
  try {
    body = safeJsonParse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    throw malformed('The widget_request body is not JSON');
  }
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const returnUrl = record['return_url'];
  let path: RegExpExecArray | null = null;
  try {
    path = typeof returnUrl === 'string' ? RETURN_PATH.exec(new URL(returnUrl).pathname) : null;
  } catch {
    path = null;
  }
  if (path === null || typeof returnUrl !== 'string')
    throw malformed('The widget_request names no bot to continue (return_url)');
  const botType = path[1] as 'salesbot' | 'marketingbot';
  // The token, which is signed, says which kind of bot sent it when it says anything.
  if (claims['bot_type'] !== undefined && claims['bot_type'] !== botType)
    throw malformed('The widget_request return_url is for another kind of bot than its token');
  const data = record['data'];
  return {
    target: {
      bot_type: botType,
      bot_id: Number(path[2]),
      continue_id: /^\d{1,15}$/.test(path[3] ?? '') ? Number(path[3]) : (path[3] ?? ''),
    },
    // Kommo's RU example prints an empty `data` as `[]`.
    data:
      typeof data === 'object' && data !== null && !Array.isArray(data)
        ? (data as Record<string, unknown>)
        : {},
    claims,
    returnUrl,
  };
}

/**
 * Creates the receiver of a bot's `widget_request` step: `(request: Request) => Promise<Response>`
 * for any Fetch-API framework (`toNodeHandler` adapts it to `node:http` and Express).
 *
 * It verifies the body's `token` (HS512 with your integration's secret key, its expiry and,
 * with `expectedAccount` / `audience`, its account and audience) and answers **200 before
 * anything else starts**: your `onRequest` and the continue run once the answer is on its
 * way (when the server reads the answer's body), so a slow model never makes Kommo give up
 * (it waits 2 s). Then it continues the bot with what `onRequest` returned, through
 * `kommo.salesbot.continue` — checked against Kommo's limits before sending, posted to the
 * account's own host with the ids of the request, never to its `return_url`. A delivery of a
 * continue id already seen answers 200 and does nothing.
 *
 * Answers: 200 once verified, 401 for a missing, forged or expired token, 400 for a body that
 * names no bot to continue, 413 / 408 for a body too large / too slow, 405 for other methods
 * than POST, 500 for unusable options.
 *
 * @example
 * ```ts
 * import { bot, createSalesbotHandler, toNodeHandler } from 'kommo-sdk/salesbot';
 *
 * const handler = createSalesbotHandler({
 *   kommo,
 *   secret: process.env.KOMMO_CLIENT_SECRET!,
 *   onRequest: async ({ data }) => {
 *     const answer = await agent.reply(String(data['message'] ?? ''));
 *     return [bot.show(answer.slice(0, 80)), bot.goto('answer', 3)];
 *   },
 *   onError: (error, { phase }) => console.error(phase, error),
 * });
 * createServer(toNodeHandler(handler)).listen(3000);
 * ```
 */
export function createSalesbotHandler(options: SalesbotHandlerOptions): SalesbotRequestHandler {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  const seen = new Set<string>();
  const tasks = new Set<Promise<void>>();
  /** Work waiting for its answer to be sent. */
  const waiting = new Set<() => void>();
  const report = async (error: unknown, context: SalesbotErrorContext): Promise<void> => {
    try {
      await options.onError?.(error, context);
    } catch {
      // onError must not change the answer or the work.
    }
  };

  const work = async (widgetRequest: SalesbotWidgetRequest): Promise<void> => {
    let reply: SalesbotReply | false | undefined;
    try {
      reply = await options.onRequest(widgetRequest);
    } catch (error) {
      await report(error, { phase: 'handler', widgetRequest });
      return;
    }
    if (reply === false) return;
    try {
      const kommo =
        typeof options.kommo === 'function' ? await options.kommo(widgetRequest) : options.kommo;
      const body = Array.isArray(reply) ? { execute_handlers: reply } : (reply ?? {});
      await kommo.salesbot.continue(widgetRequest.target, body);
    } catch (error) {
      await report(error, { phase: 'continue', widgetRequest });
    }
  };

  /** An answer whose work starts once a server reads its body, i.e. sends it. */
  const answerThenRun = (widgetRequest: SalesbotWidgetRequest): Response => {
    let start!: () => void;
    const task = new Promise<void>((resolve) => {
      start = () => {
        waiting.delete(start);
        // One macrotask later: `node:http` has written the answer by then.
        setTimeout(() => resolve(work(widgetRequest)), 0);
      };
    });
    waiting.add(start);
    tasks.add(task);
    void task.finally(() => tasks.delete(task));
    options.waitUntil?.(task);
    const bytes = new TextEncoder().encode('OK');
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          controller.enqueue(bytes);
          controller.close();
          if (waiting.has(start)) start();
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, {
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
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
    let claims: SalesbotTokenClaims;
    try {
      ({ claims } = await verifyWebhook(
        { url: request.url, headers: request.headers, body: raw },
        {
          scheme: 'salesbot-jwt',
          secret: options.secret,
          maxBytes,
          ...(options.audience !== undefined && { audience: options.audience }),
          ...(options.expectedAccount !== undefined && {
            expectedAccount: options.expectedAccount,
          }),
          ...(options.clockSkewSec !== undefined && { clockSkewSec: options.clockSkewSec }),
          ...(options.now !== undefined && { now: options.now }),
        },
      ));
    } catch (error) {
      if (isKommoError(error) && error.code === 'configuration_error') {
        await report(error, { phase: 'config', request });
        return text(500, 'Internal Server Error');
      }
      await report(error, { phase: 'verify', request });
      return text(401, 'Unauthorized');
    }
    let widgetRequest: SalesbotWidgetRequest;
    try {
      widgetRequest = parseWidgetRequest(raw, claims);
    } catch (error) {
      await report(error, { phase: 'parse', request });
      return text(400, 'Bad Request');
    }
    const { bot_type, bot_id, continue_id } = widgetRequest.target;
    const key = `${String(claims.account_id)}:${bot_type}:${String(bot_id)}:${String(continue_id)}`;
    if (seen.has(key)) return text(200, 'OK');
    seen.add(key);
    if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value ?? key);
    return answerThenRun(widgetRequest);
  };

  const handler = handle as SalesbotRequestHandler;
  Object.defineProperty(handler, 'drain', {
    value: async (): Promise<void> => {
      for (const start of [...waiting]) start();
      while (tasks.size > 0) await Promise.allSettled([...tasks]);
    },
  });
  return handler;
}
