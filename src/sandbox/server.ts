/**
 * The sandbox HTTP server. A request goes through a pipeline of small steps (`./pipeline/`):
 * the account block, Kommo's rate limit, odd paths, the body limit, injected faults, then the
 * answer (OAuth endpoints, or a surface's credentials check, route and handler), the changes it
 * made (audit events, webhooks after the answer) and the reply. Routes live in one file per
 * family (`./routes/`), mounted on the `/api/` surface.
 *
 * @module
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AmojoSandbox, type SandboxChats } from './amojo/index.js';
import { NOTE_TEXT_MAX_LENGTH } from '../facts.js';
import {
  OAuthServer,
  type RefreshTokenRotation,
  type SandboxOAuthCredentials,
  type SandboxTokenResponse,
} from './oauth.js';
import { readBody, refuseOddPaths } from './pipeline/body.js';
import { openExchange, type Runtime, type Step } from './pipeline/exchange.js';
import { Faults, injectFaults, type SandboxFaults } from './pipeline/faults.js';
import {
  RateLimiter,
  enforceRateLimit,
  refuseWhileBlocked,
  type SandboxRateLimitOptions,
} from './pipeline/rate-limit.js';
import {
  RequestLog,
  type SandboxRequestLogEntry,
  type SandboxStats,
} from './pipeline/request-log.js';
import { finish } from './pipeline/send.js';
import { serve } from './pipeline/serve.js';
import { unauthorized } from './problems.js';
import { Router, type RoutedSurface, type Surface } from './router.js';
import { API_V4_FAMILIES } from './routes/index.js';
import { DRIVE_PREFIX, driveRoutes } from './routes/drive.js';
import { driveOf, type SandboxDriveOptions } from './models/drive.js';
import { SalesbotModel, type SandboxSalesbot } from './models/salesbot.js';
import { salesbotRoutes } from './routes/salesbot.js';
import { Store, type SandboxSeedOptions, type SandboxState } from './state.js';
import {
  WebhookDispatcher,
  type SandboxWebhookDelivery,
  type SandboxWebhookOptions,
} from './webhooks.js';

export type { SandboxFaults, SandboxRateLimitOptions, SandboxRequestLogEntry, SandboxStats };

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
  /** The Drive's part size, file size and memory bound. */
  drive?: SandboxDriveOptions;
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
  /** The Drive (served under `/drive`, the account's `drive_url`): its files and their bytes. */
  readonly drive: SandboxDriveView;
  /** Salesbot: bots with a `widget_request` step, their runs and continues. */
  readonly salesbot: SandboxSalesbot;
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

/** What every request goes through, in order; the first step with an answer ends it. */
const PIPELINE: readonly Step[] = [
  refuseWhileBlocked,
  enforceRateLimit,
  refuseOddPaths,
  readBody,
  injectFaults,
  serve,
];

/** The bearer-token check of Kommo's API v4 and of Drive. */
function bearer(oauth: OAuthServer): RoutedSurface['authenticate'] {
  return (req) => {
    const auth = req.headers.authorization;
    const match = typeof auth === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
    return match?.[1] && oauth.isValid(match[1]) ? undefined : unauthorized();
  };
}

/** Kommo's API v4: `/api/`, a bearer token, counted by the rate limit. */
function apiV4(oauth: OAuthServer, salesbot: SalesbotModel): Surface {
  return {
    prefix: '/api/',
    rateLimited: true,
    router: Router.of([...API_V4_FAMILIES, salesbotRoutes(salesbot)]),
    authenticate: bearer(oauth),
  };
}

/**
 * The account's Drive: under `/drive/` on this server (the `drive_url` the account reports),
 * the same bearer token, bodies taken raw. Kommo documents no rate limit for Drive: not counted.
 */
function drive(oauth: OAuthServer, options: SandboxDriveOptions | undefined): Surface {
  return {
    prefix: `${DRIVE_PREFIX}/`,
    rateLimited: false,
    rawBodies: true,
    router: Router.of([driveRoutes(options)]),
    authenticate: bearer(oauth),
  };
}

/** Read access to the sandbox's Drive, for tests. */
export interface SandboxDriveView {
  /** Every file (trashed ones too), oldest first. */
  files(): Array<{ uuid: string; name: string; size: number; trashed: boolean; versions: number }>;
  /** The bytes of a file's active version (or of `versionUuid`), `undefined` when unknown. */
  content(uuid: string, versionUuid?: string): Uint8Array | undefined;
  /** Bytes held in memory by files, versions and open sessions. */
  readonly storedBytes: number;
}

/** The Chats API (amojo): `/v2/origin/custom/`, signed with the channel secret, not rate limited. */
function amojo(chats: AmojoSandbox): Surface {
  return {
    prefix: '/v2/origin/custom/',
    rateLimited: false,
    serve: (ctx, req, rawPath, body) => chats.handle(ctx, rawPath, req.headers, body),
  };
}

/** @internal */
class SandboxServer implements Sandbox {
  url = '';
  port = 0;
  readonly accessToken: string;
  readonly oauth: SandboxOAuthCredentials;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #rt: Runtime;
  readonly #amojo: AmojoSandbox;
  readonly #salesbot: SalesbotModel;

  constructor(private readonly options: SandboxOptions) {
    const store = new Store(options.seed ?? {}, options.subdomain ?? 'sandbox');
    const log = new RequestLog(options.requestLogLimit ?? 100_000);
    this.oauth = { ...DEFAULT_OAUTH, ...options.oauth };
    const oauth = new OAuthServer(this.oauth, {
      accessTokenTtlSec: options.accessTokenTtlSec ?? 86_400,
      refreshTokenTtlSec: options.refreshTokenTtlSec ?? 90 * 86_400,
      codeTtlSec: options.authorizationCodeTtlSec ?? 1200,
      rotation: options.refreshTokenRotation ?? 'strict',
      accountId: store.account.id,
      domain: store.account.domain,
      counters: () => log.stats,
    });
    // A private integration's long-lived token: 5 years.
    this.accessToken = oauth.issueAccessToken(5 * 365 * 86_400, options.accessToken);
    this.#amojo = new AmojoSandbox({
      store: () => this.#rt.store,
      dispatch: (events) => setImmediate(() => this.#rt.webhooks.dispatch(this.#rt.store, events)),
    });
    this.#salesbot = new SalesbotModel({
      secret: () => this.oauth.clientSecret,
      clientId: () => this.oauth.clientId,
      account: () => this.#rt.store.account,
      url: () => this.url,
    });
    this.#rt = {
      store,
      url: '',
      log,
      limiter: new RateLimiter(options.rateLimit),
      faults: new Faults(),
      oauth,
      surfaces: [apiV4(oauth, this.#salesbot), amojo(this.#amojo), drive(oauth, options.drive)],
      webhooks: new WebhookDispatcher(options.webhooks ?? {}, () => log.stats),
      maxBodyBytes: options.maxBodyBytes ?? 5 * 1024 * 1024,
      noteTextMaxLength: options.noteTextMaxLength ?? NOTE_TEXT_MAX_LENGTH,
    };
    this.setFaults(options.faults ?? null);
    this.#server = createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => {
      this.#handle(req, res).catch(() => {
        // The steps answer every error themselves; this only guards against a broken socket.
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
    this.#rt.url = this.url;
  }

  get state(): SandboxState {
    return this.#rt.store;
  }

  get requests(): readonly SandboxRequestLogEntry[] {
    return this.#rt.log.entries;
  }

  get stats(): SandboxStats {
    const stats = this.#rt.log.stats;
    return { ...stats, byStatus: { ...stats.byStatus } };
  }

  get webhooks(): readonly SandboxWebhookDelivery[] {
    return this.#rt.webhooks.deliveries;
  }

  get chats(): SandboxChats {
    return this.#amojo;
  }

  get salesbot(): SandboxSalesbot {
    return this.#salesbot;
  }

  get drive(): SandboxDriveView {
    const rt = this.#rt;
    return {
      files: () =>
        [...driveOf(rt.store).files.values()].map((f) => ({
          uuid: f.uuid,
          name: f.name,
          size: driveOf(rt.store).active(f).size,
          trashed: f.deleted_at !== null,
          versions: f.versions.length,
        })),
      content: (uuid, versionUuid) => {
        const file = driveOf(rt.store).files.get(uuid);
        const version = versionUuid
          ? file?.versions.find((v) => v.uuid === versionUuid)
          : file && driveOf(rt.store).active(file);
        return version?.bytes;
      },
      get storedBytes() {
        return driveOf(rt.store).storedBytes;
      },
    };
  }

  reset(): void {
    this.#rt.store = new Store(this.options.seed ?? {}, this.options.subdomain ?? 'sandbox');
    this.clearRequests();
    this.#rt.webhooks.clear();
    this.#amojo.clear();
    this.#salesbot.clear();
    this.setFaults(null);
    this.#rt.limiter.blockedUntil = 0;
  }

  clearRequests(): void {
    this.#rt.log.clear();
    this.#rt.limiter.window.clear();
    this.#rt.limiter.violations.clear();
  }

  setFaults(faults: SandboxFaults | readonly SandboxFaults[] | null): void {
    this.#rt.faults.set(faults);
  }

  setRateLimit(rateLimit: number | SandboxRateLimitOptions | false): void {
    this.#rt.limiter.configure(rateLimit);
  }

  unblock(): void {
    this.#rt.limiter.unblock();
  }

  setOAuth(settings: {
    accessTokenTtlSec?: number;
    refreshTokenRotation?: RefreshTokenRotation;
  }): void {
    if (settings.accessTokenTtlSec !== undefined)
      this.#rt.oauth.accessTokenTtlSec = settings.accessTokenTtlSec;
    if (settings.refreshTokenRotation !== undefined)
      this.#rt.oauth.rotation = settings.refreshTokenRotation;
  }

  expireAccessTokens(): void {
    this.#rt.oauth.expireAccessTokens();
  }

  revokeTokens(): void {
    this.#rt.oauth.revokeAll();
  }

  issueTokens(): SandboxTokenResponse {
    return this.#rt.oauth.issuePair();
  }

  createAuthorizationCode(): string {
    return this.#rt.oauth.createCode();
  }

  async flushWebhooks(): Promise<void> {
    await Promise.all([this.#rt.webhooks.flush(), this.#amojo.flush()]);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await this.#rt.webhooks.close();
    await this.#amojo.close();
    await this.#salesbot.flush();
    await closed;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const x = openExchange(req, res, this.#rt);
    for (const step of PIPELINE) {
      const outcome = await step(x, this.#rt);
      if (outcome !== undefined) return finish(x, outcome);
    }
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
