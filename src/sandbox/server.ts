/**
 * The sandbox HTTP server: request parsing with limits, the request log and stats, rate
 * limiting, fault injection, authentication, routing and webhook dispatch.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { registerContactChatRoutes } from './amojo/contact-chats.js';
import { AmojoSandbox, type SandboxChats } from './amojo/index.js';
import type { ChangeEvent, Ctx } from './context.js';
import { NOTE_TEXT_MAX_LENGTH } from './limits.js';
import {
  OAuthServer,
  type RefreshTokenRotation,
  type SandboxOAuthCredentials,
  type SandboxTokenResponse,
} from './oauth.js';
import {
  HttpProblem,
  internalError,
  nginxPage,
  problem,
  tooManyRequests,
  unauthorized,
  type Reply,
} from './problems.js';
import { mulberry32 } from './prng.js';
import { parseQuery } from './query.js';
import { SlidingWindow } from './rate-limit.js';
import { Router } from './router.js';
import { registerAccountRoutes } from './routes/account.js';
import { registerEntityRoutes } from './routes/entities.js';
import { recordChangeEvents, registerEventRoutes } from './routes/events.js';
import { registerListRoutes } from './routes/lists.js';
import { registerNoteRoutes } from './routes/notes.js';
import { registerPipelineRoutes } from './routes/pipelines.js';
import { registerTaskRoutes } from './routes/tasks.js';
import { Store, type SandboxSeedOptions, type SandboxState } from './state.js';
import {
  WebhookDispatcher,
  type SandboxWebhookDelivery,
  type SandboxWebhookOptions,
} from './webhooks.js';

/** Rate limiting like Kommo's: arrivals per sliding second, then 429, optionally a block. */
export interface SandboxRateLimitOptions {
  /**
   * Requests allowed per sliding second (counted at arrival, rejected ones included), for
   * `/api/` routes.
   *
   * @defaultValue 7
   */
  requestsPerSecond?: number;
  /**
   * The `retry_after` (seconds) in the 429 body. Kommo documents 300.
   *
   * @defaultValue 300
   */
  retryAfterSec?: number;
  /**
   * Also send a `Retry-After` header with the 429 (Kommo does not document one).
   *
   * @defaultValue false
   */
  retryAfterHeader?: boolean;
  /**
   * Block the account after this many 429s within `blockWindowMs`: every request then gets
   * a 403 with nginx's HTML page until `blockDurationMs` passes (or `sandbox.unblock()`), as
   * Kommo blocks abusers. `undefined` never blocks.
   *
   * @defaultValue undefined
   */
  blockAfter429s?: number;
  /** @defaultValue 60000 */
  blockWindowMs?: number;
  /** @defaultValue 60000 */
  blockDurationMs?: number;
}

/**
 * Faults to inject, for reliability tests. A rule applies to the requests its `routes` and
 * `methods` match; with several rules, the first matching rule applies. Shares (`errorRate`,
 * `resetBeforeWrite`, `resetAfterWrite`) are drawn from a seeded PRNG, so a run is
 * repeatable; `1` means every matching request.
 */
export interface SandboxFaults {
  /** Path prefixes (`/api/v4/leads`) or patterns the rule applies to. @defaultValue every `/api/` route */
  routes?: ReadonlyArray<string | RegExp>;
  /** Methods the rule applies to. @defaultValue all */
  methods?: readonly string[];
  /** Added to every answer (ms), like Kommo's 100–500 ms round trips. @defaultValue 0 */
  latencyMs?: number;
  /** Share (0–1) of requests answered with `errorStatus` instead of being processed. @defaultValue 0 */
  errorRate?: number;
  /** The error status: 500 answers Kommo's JSON, 502/503/504 nginx's HTML. @defaultValue 500 */
  errorStatus?: 500 | 502 | 503 | 504;
  /** The next N matching requests get a 429 (a burst), then the rule stops sending them. @defaultValue 0 */
  burst429?: number;
  /** Share (0–1) of writes (POST/PATCH/DELETE) whose connection is reset before they are applied. @defaultValue 0 */
  resetBeforeWrite?: number;
  /** Share (0–1) of writes whose connection is reset after they are applied (the client cannot know). @defaultValue 0 */
  resetAfterWrite?: number;
  /** Trickle the answer body over this many ms. @defaultValue 0 */
  slowBodyMs?: number;
  /** Seed of the PRNG that draws the shares. @defaultValue 1 */
  seed?: number;
}

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /** @defaultValue 0 (a free port) */
  port?: number;
  /**
   * The interface to bind. Loopback by default; name another host only on purpose (the
   * sandbox has no real security).
   *
   * @defaultValue '127.0.0.1'
   */
  host?: string;
  /** What the account holds at start; `false` for users, pipelines and fields only. @defaultValue `{ leads: 20, contacts: 12, companies: 4, random: 1 }` */
  seed?: SandboxSeedOptions | false;
  /** The account subdomain; the account host is `<subdomain>.kommo.com`. @defaultValue 'sandbox' */
  subdomain?: string;
  /** The long-lived token the sandbox accepts (also `sandbox.accessToken`). @defaultValue a random JWT-shaped token */
  accessToken?: string;
  /** The integration the OAuth endpoints accept. @defaultValue a fixed test client id, secret and `http://127.0.0.1/oauth/callback` */
  oauth?: Partial<SandboxOAuthCredentials>;
  /** Lifetime of access tokens issued by the token endpoint (seconds); 1 lets tests expire them fast. @defaultValue 86400 */
  accessTokenTtlSec?: number;
  /** @defaultValue 7776000 (90 days) */
  refreshTokenTtlSec?: number;
  /** @defaultValue 1200 (20 minutes) */
  authorizationCodeTtlSec?: number;
  /** See {@link RefreshTokenRotation}. @defaultValue 'strict' */
  refreshTokenRotation?: RefreshTokenRotation;
  /** Requests per second, full settings, or `false` for no limit. @defaultValue 7 */
  rateLimit?: number | SandboxRateLimitOptions | false;
  /** Faults active from the start (see {@link Sandbox.setFaults}). @defaultValue none */
  faults?: SandboxFaults | readonly SandboxFaults[];
  /** Webhook delivery settings. */
  webhooks?: SandboxWebhookOptions;
  /** The longest note text accepted (`params.text`). @defaultValue {@link NOTE_TEXT_MAX_LENGTH} */
  noteTextMaxLength?: number;
  /** The largest request body; larger ones get nginx's 413. @defaultValue 5242880 (5 MiB) */
  maxBodyBytes?: number;
  /** How many entries `sandbox.requests` keeps (oldest dropped first). @defaultValue 100000 */
  requestLogLimit?: number;
}

/** One request the sandbox received. */
export interface SandboxRequestLogEntry {
  method: string;
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  /** The answer's status; `0` when the connection was reset by a fault. */
  status: number;
  /** Arrival time, epoch ms with sub-ms precision (`performance.timeOrigin + performance.now()`). */
  arrivedAt: number;
  /** Time from arrival to the end of the answer, ms. */
  durationMs: number;
  /** Items in the body of a write (array length, or 1 for an object). */
  bodyItems?: number;
}

/** Counters since start (or the last `reset()`/`clearRequests()`). */
export interface SandboxStats {
  requests: number;
  /** Answers by status (`{ '200': 40, '429': 2 }`). */
  byStatus: Record<string, number>;
  status401: number;
  status429: number;
  status403: number;
  /** Refresh-token grant requests received (whatever the outcome). */
  refreshes: number;
  /** Refresh attempts answered 401 `Token has been revoked`. */
  revokedRefreshAttempts: number;
  /** Authorization-code grant requests received. */
  tokenExchanges: number;
  webhooksDelivered: number;
  webhooksFailed: number;
  /** Faults injected (errors, 429 bursts, resets). */
  faultsInjected: number;
}

/** A running sandbox. */
export interface Sandbox {
  /** `http://127.0.0.1:<port>`: pass it as `baseUrl`. */
  readonly url: string;
  readonly port: number;
  /** A long-lived token the API accepts (a private integration's token). */
  readonly accessToken: string;
  /** The integration the OAuth endpoints accept. */
  readonly oauth: Readonly<SandboxOAuthCredentials>;
  /** Read access to the data. */
  readonly state: SandboxState;
  /** The request log (arrival times, statuses, durations). */
  readonly requests: readonly SandboxRequestLogEntry[];
  /** A snapshot of the counters. */
  readonly stats: SandboxStats;
  /** Webhook deliveries and their attempts. */
  readonly webhooks: readonly SandboxWebhookDelivery[];
  /** The Chats API (amojo): register a channel, answer its chats as a manager. */
  readonly chats: SandboxChats;
  /** Restores the seeded data and clears the log, stats, webhook log and faults. Tokens stay valid. */
  reset(): void;
  /** Clears the request log and the counters only. */
  clearRequests(): void;
  /** Replaces the active faults; `null` or `[]` removes them. */
  setFaults(faults: SandboxFaults | readonly SandboxFaults[] | null): void;
  /** Changes the rate limit at run time (`false` turns it off). */
  setRateLimit(rateLimit: number | SandboxRateLimitOptions | false): void;
  /** Lifts a rate-limit block. */
  unblock(): void;
  /** Changes token lifetime or rotation mode for tokens issued from now on. */
  setOAuth(settings: {
    accessTokenTtlSec?: number;
    refreshTokenRotation?: RefreshTokenRotation;
  }): void;
  /** Makes every access token issued so far expired (401), the long-lived one included. */
  expireAccessTokens(): void;
  /** Revokes every access and refresh token, as disabling the integration does. */
  revokeTokens(): void;
  /** A fresh token pair, as if the integration had just been installed. */
  issueTokens(): SandboxTokenResponse;
  /** A one-time authorization code, as an admin copies from the integration's modal. */
  createAuthorizationCode(): string;
  /** Resolves when every webhook delivery (retries included) has finished. */
  flushWebhooks(): Promise<void>;
  /** Stops the server: pending retries are dropped, open connections closed. */
  close(): Promise<void>;
}

const DEFAULT_OAUTH: SandboxOAuthCredentials = {
  clientId: 'f1f2f3f4-1111-2222-3333-444455556666',
  clientSecret: 'sandbox-client-secret-0123456789abcdef',
  redirectUri: 'http://127.0.0.1/oauth/callback',
};

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

interface ResolvedRateLimit {
  requestsPerSecond: number;
  retryAfterSec: number;
  retryAfterHeader: boolean;
  blockAfter429s: number | undefined;
  blockWindowMs: number;
  blockDurationMs: number;
}

function resolveRateLimit(
  option: number | SandboxRateLimitOptions | false | undefined,
): ResolvedRateLimit | undefined {
  if (option === false) return undefined;
  const o: SandboxRateLimitOptions =
    typeof option === 'number' ? { requestsPerSecond: option } : (option ?? {});
  const rps = o.requestsPerSecond ?? 7;
  if (!Number.isFinite(rps) || rps <= 0)
    throw new RangeError('rateLimit.requestsPerSecond must be a positive number');
  return {
    requestsPerSecond: rps,
    retryAfterSec: o.retryAfterSec ?? 300,
    retryAfterHeader: o.retryAfterHeader ?? false,
    blockAfter429s: o.blockAfter429s,
    blockWindowMs: o.blockWindowMs ?? 60_000,
    blockDurationMs: o.blockDurationMs ?? 60_000,
  };
}

interface FaultRule {
  rule: SandboxFaults;
  random: () => number;
  burstLeft: number;
}

function emptyStats(): SandboxStats {
  return {
    requests: 0,
    byStatus: {},
    status401: 0,
    status429: 0,
    status403: 0,
    refreshes: 0,
    revokedRefreshAttempts: 0,
    tokenExchanges: 0,
    webhooksDelivered: 0,
    webhooksFailed: 0,
    faultsInjected: 0,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

class BodyTooLarge extends Error {}

/** @internal */
class SandboxServer implements Sandbox {
  url = '';
  port = 0;
  readonly accessToken: string;
  readonly oauth: SandboxOAuthCredentials;
  #store: Store;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #router = new Router();
  readonly #oauth: OAuthServer;
  readonly #log: SandboxRequestLogEntry[] = [];
  #stats = emptyStats();
  readonly #webhooks: WebhookDispatcher;
  readonly #amojo: AmojoSandbox;
  #rateLimit: ResolvedRateLimit | undefined;
  readonly #window = new SlidingWindow(1000);
  readonly #violations = new SlidingWindow(60_000);
  #blockedUntil = 0;
  #faults: FaultRule[] = [];
  readonly #noteMax: number;
  readonly #maxBody: number;
  readonly #logLimit: number;

  constructor(private readonly options: SandboxOptions) {
    this.#store = new Store(options.seed ?? {}, options.subdomain ?? 'sandbox');
    this.oauth = { ...DEFAULT_OAUTH, ...options.oauth };
    this.#oauth = new OAuthServer(this.oauth, {
      accessTokenTtlSec: options.accessTokenTtlSec ?? 86_400,
      refreshTokenTtlSec: options.refreshTokenTtlSec ?? 90 * 86_400,
      codeTtlSec: options.authorizationCodeTtlSec ?? 1200,
      rotation: options.refreshTokenRotation ?? 'strict',
      accountId: this.#store.account.id,
      domain: this.#store.account.domain,
      counters: () => this.#stats,
    });
    // A private integration's long-lived token: 5 years.
    this.accessToken = this.#oauth.issueAccessToken(5 * 365 * 86_400, options.accessToken);
    this.#webhooks = new WebhookDispatcher(options.webhooks ?? {}, () => this.#stats);
    this.#amojo = new AmojoSandbox({
      store: () => this.#store,
      dispatch: (events) => setImmediate(() => this.#webhooks.dispatch(this.#store, events)),
    });
    this.#rateLimit = resolveRateLimit(options.rateLimit);
    this.setFaults(options.faults ?? null);
    this.#noteMax = options.noteTextMaxLength ?? NOTE_TEXT_MAX_LENGTH;
    this.#maxBody = options.maxBodyBytes ?? 5 * 1024 * 1024;
    this.#logLimit = options.requestLogLimit ?? 100_000;
    registerEntityRoutes(this.#router);
    registerNoteRoutes(this.#router);
    registerPipelineRoutes(this.#router);
    registerAccountRoutes(this.#router);
    registerTaskRoutes(this.#router);
    registerEventRoutes(this.#router);
    registerListRoutes(this.#router);
    registerContactChatRoutes(this.#router);
    this.#server = createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => {
      this.#handle(req, res).catch(() => {
        // #handle answers every error itself; this only guards against a broken socket.
        if (!res.headersSent) res.destroy();
      });
    });
    this.#server.keepAliveTimeout = 5000;
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    this.#server.on('clientError', (_error, socket: Socket) => {
      // Malformed request lines or headers: answer like nginx and drop the connection.
      if (socket.writable)
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
  }

  async listen(): Promise<void> {
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.options.port ?? 0, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address() as AddressInfo;
    this.port = address.port;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.url = `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost === '[::]' ? '[::1]' : shownHost}:${String(address.port)}`;
  }

  get state(): SandboxState {
    return this.#store;
  }

  get requests(): readonly SandboxRequestLogEntry[] {
    return this.#log;
  }

  get stats(): SandboxStats {
    return { ...this.#stats, byStatus: { ...this.#stats.byStatus } };
  }

  get webhooks(): readonly SandboxWebhookDelivery[] {
    return this.#webhooks.deliveries;
  }

  get chats(): SandboxChats {
    return this.#amojo;
  }

  reset(): void {
    this.#store = new Store(this.options.seed ?? {}, this.options.subdomain ?? 'sandbox');
    this.clearRequests();
    this.#webhooks.clear();
    this.#amojo.clear();
    this.setFaults(null);
    this.#blockedUntil = 0;
  }

  clearRequests(): void {
    this.#log.length = 0;
    this.#stats = emptyStats();
    this.#window.clear();
    this.#violations.clear();
  }

  setFaults(faults: SandboxFaults | readonly SandboxFaults[] | null): void {
    const list: readonly SandboxFaults[] =
      faults === null
        ? []
        : Array.isArray(faults)
          ? (faults as readonly SandboxFaults[])
          : [faults as SandboxFaults];
    this.#faults = list.map((rule) => ({
      rule,
      random: mulberry32(rule.seed ?? 1),
      burstLeft: rule.burst429 ?? 0,
    }));
  }

  setRateLimit(rateLimit: number | SandboxRateLimitOptions | false): void {
    this.#rateLimit = resolveRateLimit(rateLimit);
    this.#window.clear();
  }

  unblock(): void {
    this.#blockedUntil = 0;
    this.#violations.clear();
  }

  setOAuth(settings: {
    accessTokenTtlSec?: number;
    refreshTokenRotation?: RefreshTokenRotation;
  }): void {
    if (settings.accessTokenTtlSec !== undefined)
      this.#oauth.accessTokenTtlSec = settings.accessTokenTtlSec;
    if (settings.refreshTokenRotation !== undefined)
      this.#oauth.rotation = settings.refreshTokenRotation;
  }

  expireAccessTokens(): void {
    this.#oauth.expireAccessTokens();
  }

  revokeTokens(): void {
    this.#oauth.revokeAll();
  }

  issueTokens(): SandboxTokenResponse {
    return this.#oauth.issuePair();
  }

  createAuthorizationCode(): string {
    return this.#oauth.createCode();
  }

  async flushWebhooks(): Promise<void> {
    await Promise.all([this.#webhooks.flush(), this.#amojo.flush()]);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await this.#webhooks.close();
    await this.#amojo.close();
    await closed;
  }

  // ------------------------------------------------------------------ request handling

  #faultFor(method: string, path: string): FaultRule | undefined {
    for (const f of this.#faults) {
      const { routes, methods } = f.rule;
      if (methods && !methods.some((m) => m.toUpperCase() === method)) continue;
      if (routes) {
        if (
          !routes.some((r) =>
            typeof r === 'string'
              ? path === r ||
                path.startsWith(r.endsWith('/') ? r : `${r}/`) ||
                path.startsWith(`${r}?`)
              : r.test(path),
          )
        )
          continue;
      } else if (!path.startsWith('/api/')) continue;
      return f;
    }
    return undefined;
  }

  async #readBody(req: IncomingMessage): Promise<Buffer> {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.#maxBody) throw new BodyTooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > this.#maxBody) throw new BodyTooLarge();
      chunks.push(buf);
    }
    return Buffer.concat(chunks);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q === -1 ? '' : rawUrl.slice(q + 1);
    const entry: SandboxRequestLogEntry = {
      method,
      path: rawPath,
      query: rawQuery,
      status: 0,
      arrivedAt: performance.timeOrigin + started,
      durationMs: 0,
    };
    this.#log.push(entry);
    if (this.#log.length > this.#logLimit) this.#log.splice(0, this.#log.length - this.#logLimit);
    this.#stats.requests++;
    res.on('close', () => {
      entry.durationMs = performance.now() - started;
      entry.status = res.headersSent ? res.statusCode : 0;
      if (entry.status !== 0)
        this.#stats.byStatus[String(entry.status)] =
          (this.#stats.byStatus[String(entry.status)] ?? 0) + 1;
    });

    let path = rawPath;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      path = '\u0000';
    }
    const api = path.startsWith('/api/');
    const fault = api || path.startsWith('/oauth') ? this.#faultFor(method, path) : undefined;
    const latency = fault?.rule.latencyMs ?? 0;
    const send = async (reply: Reply): Promise<void> => {
      if (latency > 0) await sleep(latency);
      await this.#write(res, reply, fault?.rule.slowBodyMs ?? 0);
    };

    // Kommo blocks the whole account (API and OAuth) after repeated abuse.
    if (this.#blockedUntil > Date.now()) {
      this.#stats.status403++;
      req.resume();
      return send(nginxPage(403));
    }
    if (api && this.#rateLimit) {
      const now = performance.now();
      if (this.#window.hit(now) > this.#rateLimit.requestsPerSecond) {
        this.#stats.status429++;
        const limit = this.#rateLimit;
        if (limit.blockAfter429s !== undefined) {
          this.#violations.hit(now);
          if (this.#violations.count(now) >= limit.blockAfter429s)
            this.#blockedUntil = Date.now() + limit.blockDurationMs;
        }
        req.resume();
        const reply = tooManyRequests(limit.retryAfterSec);
        if (limit.retryAfterHeader) reply.headers = { 'retry-after': String(limit.retryAfterSec) };
        return send(reply);
      }
    }

    // Path traversal and odd paths never reach the router.
    if (
      path.includes('\u0000') ||
      path.includes('\\') ||
      /(^|\/)\.\.?(\/|$)/.test(path) ||
      path.includes('//')
    ) {
      req.resume();
      return send(
        problem(404, `Cannot ${method} ${this.url}${encodeURI(path.split('\u0000').join(''))}`),
      );
    }

    let raw: Buffer;
    try {
      raw = await this.#readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        res.setHeader('connection', 'close');
        await this.#write(res, nginxPage(413), 0);
        req.destroy();
        return;
      }
      res.destroy();
      return;
    }

    if (fault) {
      if (fault.burstLeft > 0) {
        fault.burstLeft--;
        this.#stats.faultsInjected++;
        this.#stats.status429++;
        return send(tooManyRequests(this.#rateLimit?.retryAfterSec ?? 300));
      }
      if ((fault.rule.errorRate ?? 0) > 0 && fault.random() < (fault.rule.errorRate ?? 0)) {
        this.#stats.faultsInjected++;
        const status = fault.rule.errorStatus ?? 500;
        return send(
          status === 500 ? internalError(randomBytes(16).toString('hex')) : nginxPage(status),
        );
      }
      if (
        WRITE_METHODS.has(method) &&
        (fault.rule.resetBeforeWrite ?? 0) > 0 &&
        fault.random() < (fault.rule.resetBeforeWrite ?? 0)
      ) {
        this.#stats.faultsInjected++;
        if (latency > 0) await sleep(latency);
        res.destroy();
        return;
      }
    }

    const events: ChangeEvent[] = [];
    const ctx: Ctx = {
      method,
      path,
      params: {},
      query: parseQuery(new URLSearchParams(rawQuery)),
      body: undefined,
      store: this.#store,
      baseUrl: this.url,
      now: Math.floor(Date.now() / 1000),
      userId: this.#store.account.current_user_id,
      events,
      noteTextMaxLength: this.#noteMax,
    };
    const reply = this.#process(req, ctx, raw, rawQuery);
    if (ctx.bodyItems !== undefined) entry.bodyItems = ctx.bodyItems;
    if (reply.status === 401) this.#stats.status401++;
    if (events.length > 0 && reply.status < 300)
      recordChangeEvents(this.#store, events, ctx.now, ctx.userId);
    if (events.length > 0) {
      // Webhooks go out after the answer, never delaying it.
      setImmediate(() => this.#webhooks.dispatch(this.#store, events));
    }
    if (
      fault &&
      WRITE_METHODS.has(method) &&
      reply.status < 300 &&
      (fault.rule.resetAfterWrite ?? 0) > 0 &&
      fault.random() < (fault.rule.resetAfterWrite ?? 0)
    ) {
      this.#stats.faultsInjected++;
      if (latency > 0) await sleep(latency);
      res.destroy();
      return;
    }
    return send(reply);
  }

  #process(req: IncomingMessage, ctx: Ctx, raw: Buffer, rawQuery: string): Reply {
    try {
      const contentType = (req.headers['content-type'] ?? '').toLowerCase();
      const isForm = contentType.startsWith('application/x-www-form-urlencoded');
      if (ctx.path === '/oauth' && ctx.method === 'GET')
        return this.#oauth.authorize(new URLSearchParams(rawQuery));
      if (ctx.path === '/oauth2/access_token') {
        if (ctx.method !== 'POST') return problem(405, 'Method Not Allowed');
        let body: unknown;
        try {
          // The docs show JSON; league/oauth2-client posts a form: both are accepted.
          body = isForm
            ? Object.fromEntries(new URLSearchParams(raw.toString('utf8')))
            : JSON.parse(raw.toString('utf8') || 'null');
        } catch {
          body = undefined;
        }
        return this.#oauth.token(body);
      }
      if (ctx.path === '/oauth2/account/current/subdomain' && ctx.method === 'GET') {
        const header = req.headers['x-refresh-token'];
        return this.#oauth.subdomain(
          typeof header === 'string' ? header : undefined,
          this.#store.account.subdomain,
        );
      }
      if (ctx.path.startsWith('/v2/origin/custom/'))
        return this.#amojo.handle(ctx, (req.url ?? '').split('?')[0] ?? '', req.headers, raw);
      if (!ctx.path.startsWith('/api/'))
        return problem(404, `Cannot ${ctx.method} ${this.url}${encodeURI(ctx.path)}`);

      const auth = req.headers.authorization;
      const match = typeof auth === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
      if (!match?.[1] || !this.#oauth.isValid(match[1])) return unauthorized();

      const route = this.#router.match(ctx.method, ctx.path);
      if (route.kind === 'not-found')
        return problem(404, `Cannot ${ctx.method} ${this.url}${encodeURI(ctx.path)}`);
      if (route.kind === 'method-not-allowed') return problem(405, 'Method Not Allowed');
      ctx.params = route.params;
      if (raw.length > 0) {
        if (
          contentType !== '' &&
          !contentType.startsWith('application/json') &&
          !/^application\/[\w.+-]*\+json/.test(contentType)
        ) {
          return problem(400, 'Request body must be JSON (Content-Type: application/json)');
        }
        try {
          ctx.body = JSON.parse(raw.toString('utf8'));
        } catch {
          return problem(400, 'Syntax error');
        }
      }
      return route.handler(ctx);
    } catch (error) {
      if (error instanceof HttpProblem) return error.reply;
      // A bug in a handler must not take the server down: answer like Kommo's 500.
      return internalError(randomBytes(16).toString('hex'));
    }
  }

  async #write(res: ServerResponse, reply: Reply, slowBodyMs: number): Promise<void> {
    if (res.destroyed) return;
    const headers: Record<string, string> = {
      'x-request-id': randomBytes(16).toString('hex'),
      ...reply.headers,
    };
    let payload: string | undefined;
    if (reply.body !== undefined && reply.status !== 204 && reply.status !== 304) {
      if (typeof reply.body === 'string') {
        payload = reply.body;
        headers['content-type'] = `${reply.contentType ?? 'text/html'}; charset=utf-8`;
      } else {
        payload = JSON.stringify(reply.body);
        headers['content-type'] =
          reply.contentType ??
          (reply.status >= 400 ? 'application/problem+json' : 'application/hal+json');
      }
    }
    if (payload === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    const bytes = Buffer.from(payload, 'utf8');
    headers['content-length'] = String(bytes.length);
    res.writeHead(reply.status, headers);
    if (slowBodyMs <= 0 || bytes.length < 2) {
      res.end(bytes);
      return;
    }
    // Trickle the body in a few pieces over `slowBodyMs`.
    const pieces = Math.min(10, bytes.length);
    const step = Math.ceil(bytes.length / pieces);
    for (let i = 0; i < bytes.length; i += step) {
      if (res.destroyed) return;
      res.write(bytes.subarray(i, i + step));
      await sleep(slowBodyMs / pieces);
    }
    res.end();
  }
}

/**
 * Starts a local fake Kommo account on loopback: the API v4 routes the SDK covers, OAuth,
 * Kommo's rate limit, webhooks and fault injection, with in-memory seeded data.
 *
 * @param options - Port, seed, OAuth, rate limit, faults and webhook settings.
 * @returns The running sandbox; `await sandbox.close()` when done.
 * @example
 * ```ts
 * import { Kommo } from 'kommo-sdk';
 * import { startSandbox } from 'kommo-sdk/sandbox';
 *
 * const sandbox = await startSandbox();
 * const kommo = new Kommo({ baseUrl: sandbox.url, accessToken: sandbox.accessToken });
 * const page = await kommo.request({ method: 'GET', path: '/api/v4/leads', query: { limit: 5 } });
 * console.log(sandbox.stats.requests, sandbox.state.leads.size);
 * await sandbox.close();
 * ```
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = new SandboxServer(options);
  await sandbox.listen();
  return sandbox;
}
