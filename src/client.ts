/**
 * The `Kommo` client.
 *
 * @module
 */

import { OAuthTokenManager, StaticAuth } from './core/auth.js';
import { accountBreaker, type BreakerOptions, type KommoBreaker } from './core/breaker.js';
import { normalizeDomain } from './core/domain.js';
import { kommoOptionsFromEnv, type KommoEnv, type KommoFromEnvOverrides } from './core/env.js';
import { ConfigurationError, RequestValidationError } from './core/errors.js';
import { HttpClient, type AuthProvider, type CoreRequest, type RawResponse } from './core/http.js';
import { KommoOAuth, toTokenSet, validateBaseUrl } from './core/oauth.js';
import type { KommoOptions, KommoRequest, RequestOptions } from './core/options.js';
import { sharedRateLimiter, type RateLimiter } from './core/rate-limit.js';
import { AccountParameters } from './resources/account.js';
import { Catalogs } from './resources/catalogs.js';
import { Companies } from './resources/companies.js';
import { Contacts } from './resources/contacts.js';
import { CustomFields } from './resources/custom-fields.js';
import { Events } from './resources/events.js';
import { Files } from './resources/files.js';
import { Leads } from './resources/leads.js';
import { Links } from './resources/links.js';
import { LossReasons } from './resources/loss-reasons.js';
import { Notes } from './resources/notes.js';
import { Pipelines } from './resources/pipelines.js';
import { Salesbot } from './resources/salesbot.js';
import { Sources } from './resources/sources.js';
import { Tags } from './resources/tags.js';
import { Tasks } from './resources/tasks.js';
import { UnsortedLeads } from './resources/unsorted.js';
import { Users } from './resources/users.js';
import { WebhookSubscriptions } from './resources/webhooks.js';
import { Customers } from './resources/customers.js';
import { Calls } from './resources/calls.js';
import { Talks } from './resources/talks.js';
import { ShortLinks } from './resources/short-links.js';
import { Widgets } from './resources/widgets.js';
import { ChatTemplates } from './resources/chat-templates.js';
import { WebsiteButtons } from './resources/website-buttons.js';
import { Currencies } from './resources/currencies.js';
import { EntitySubscriptions } from './resources/entity-subscriptions.js';

/** Every key of {@link KommoOptions}: the type checker refuses this list when one is missing. */
const KNOWN_OPTIONS = new Set(
  Object.keys({
    domain: true,
    baseUrl: true,
    accessToken: true,
    oauth: true,
    tokenStore: true,
    tokens: true,
    refreshMarginSec: true,
    timeoutMs: true,
    maxRetries: true,
    retry: true,
    rateLimit: true,
    breaker: true,
    fetch: true,
    headers: true,
    logger: true,
    hooks: true,
    validateResponses: true,
  } satisfies Record<keyof KommoOptions, true>),
);

const METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD']);

function nonNegativeNumber(value: unknown, name: string, allowInfinity = false): void {
  if (value === undefined) return;
  if (
    typeof value !== 'number' ||
    Number.isNaN(value) ||
    value < 0 ||
    (!allowInfinity && !Number.isFinite(value))
  ) {
    throw new ConfigurationError(
      `\`${name}\` must be a non-negative number, got ${typeof value === 'number' ? String(value) : typeof value}`,
    );
  }
}

function resolveLimiter(option: KommoOptions['rateLimit']): RateLimiter | undefined {
  if (option === false) return undefined;
  if (option === undefined) return sharedRateLimiter(7);
  if (typeof option !== 'object' || option === null) {
    throw new ConfigurationError('`rateLimit` must be false or { requestsPerSecond?, limiter? }');
  }
  if (option.limiter) {
    if (typeof option.limiter.acquire !== 'function')
      throw new ConfigurationError('`rateLimit.limiter` must have an acquire(key, signal) method');
    return option.limiter;
  }
  const rps = option.requestsPerSecond ?? 7;
  if (typeof rps !== 'number' || !Number.isFinite(rps) || rps <= 0) {
    throw new ConfigurationError(
      `\`rateLimit.requestsPerSecond\` must be a positive number, got ${String(rps)}`,
    );
  }
  return sharedRateLimiter(rps);
}

const BREAKER_KEYS = new Set(['max429', 'windowMs', 'whenOpen', 'coolDownMs', 'outboundAddress']);

function checkBreaker(option: unknown): BreakerOptions | undefined {
  if (option === undefined) return undefined;
  if (typeof option !== 'object' || option === null || Array.isArray(option))
    throw new ConfigurationError(
      '`breaker` must be { max429?, windowMs?, whenOpen?, coolDownMs?, outboundAddress? }',
    );
  const o = option as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!BREAKER_KEYS.has(key))
      throw new ConfigurationError(
        `Unknown option \`breaker.${key}\` (known: ${[...BREAKER_KEYS].join(', ')})`,
      );
  }
  if (o['max429'] !== undefined && (!Number.isInteger(o['max429']) || (o['max429'] as number) < 1))
    throw new ConfigurationError('`breaker.max429` must be a positive integer');
  nonNegativeNumber(o['windowMs'], 'breaker.windowMs');
  nonNegativeNumber(o['coolDownMs'], 'breaker.coolDownMs');
  if (o['whenOpen'] !== undefined && o['whenOpen'] !== 'fail' && o['whenOpen'] !== 'wait')
    throw new ConfigurationError("`breaker.whenOpen` must be 'fail' or 'wait'");
  if (o['outboundAddress'] !== undefined && typeof o['outboundAddress'] !== 'string')
    throw new ConfigurationError('`breaker.outboundAddress` must be a string');
  return option;
}

/**
 * The Kommo API client. Cheap to create: no timers or sockets per client; pacing is shared by
 * every client of the same account in the process.
 *
 * @example Long-lived token (private integration)
 * ```ts
 * const kommo = new Kommo({ domain: 'acme.kommo.com', accessToken: process.env.KOMMO_TOKEN });
 * ```
 * @example OAuth with refresh
 * ```ts
 * const kommo = new Kommo({
 *   domain: 'acme.kommo.com',
 *   oauth: { clientId, clientSecret, redirectUri },
 *   tokenStore: new FileTokenStore('.kommo-tokens.json'),
 * });
 * ```
 */
export class Kommo {
  /**
   * The account host (`acme.kommo.com`), or `host:port` of `baseUrl`. The account's key in the
   * token store and the rate limiter is where the requests go: `host:port` of `baseUrl` when one
   * is given, this host otherwise.
   */
  readonly domain: string;
  /** Where requests go: `https://<domain>` or the explicit `baseUrl`. */
  readonly baseUrl: string;
  /** Auth mode. */
  readonly authMode: 'token' | 'oauth';
  /**
   * The account's block breaker (shared by every client of the account in the process, and
   * with `RedisRateLimiter` by every process): its `state`, and `reset()` once Kommo's support
   * lifted a block. See the `breaker` option.
   */
  readonly breaker: KommoBreaker;
  readonly #http: HttpClient;
  /** @internal */
  readonly _validateResponses: boolean;

  // Resources are built on first use: a client that only reads leads never builds the others.
  #leads?: Leads;
  #contacts?: Contacts;
  #pipelines?: Pipelines;
  #users?: Users;
  #notes?: Notes;
  #customFields?: CustomFields;
  #account?: AccountParameters;
  #webhooks?: WebhookSubscriptions;
  #companies?: Companies;
  #tasks?: Tasks;
  #tags?: Tags;
  #links?: Links;
  #events?: Events;
  #unsorted?: UnsortedLeads;
  #lossReasons?: LossReasons;
  #sources?: Sources;
  #catalogs?: Catalogs;
  #customers?: Customers;
  #calls?: Calls;
  #talks?: Talks;
  #shortLinks?: ShortLinks;
  #widgets?: Widgets;
  #chatTemplates?: ChatTemplates;
  #websiteButtons?: WebsiteButtons;
  #currencies?: Currencies;
  #entitySubscriptions?: EntitySubscriptions;
  #files?: Files;
  #salesbot?: Salesbot;

  /** Leads: list, read, create, update, move through stages, link, add notes. */
  get leads(): Leads {
    return (this.#leads ??= new Leads(this));
  }
  /** Contacts: list, search by phone/e-mail/name, create, update, link. */
  get contacts(): Contacts {
    return (this.#contacts ??= new Contacts(this));
  }
  /** Pipelines, and their stages under `pipelines.statuses`. */
  get pipelines(): Pipelines {
    return (this.#pipelines ??= new Pipelines(this));
  }
  /** Users (managers) and `users.roles` (admin only). */
  get users(): Users {
    return (this.#users ??= new Users(this));
  }
  /** Notes of leads, contacts, companies and customers. */
  get notes(): Notes {
    return (this.#notes ??= new Notes(this));
  }
  /** Custom-field definitions and `customFields.groups`. */
  get customFields(): CustomFields {
    return (this.#customFields ??= new CustomFields(this));
  }
  /** The account: settings, task types, user groups, time zone. */
  get account(): AccountParameters {
    return (this.#account ??= new AccountParameters(this));
  }
  /** Webhook subscriptions (`/api/v4/webhooks`): list, subscribe, unsubscribe. */
  get webhooks(): WebhookSubscriptions {
    return (this.#webhooks ??= new WebhookSubscriptions(this));
  }
  /** Companies: list, search, create, update, link; notes via `notes` with `'companies'`. */
  get companies(): Companies {
    return (this.#companies ??= new Companies(this));
  }
  /** Tasks: create, update, complete with a result; task types from the account. */
  get tasks(): Tasks {
    return (this.#tasks ??= new Tasks(this));
  }
  /** Tag dictionaries per entity type, and additive add/remove on entities. */
  get tags(): Tags {
    return (this.#tags ??= new Tags(this));
  }
  /** Links between any two entities, one at a time or in batches. */
  get links(): Links {
    return (this.#links ??= new Links(this));
  }
  /** The audit log: list, types, and `follow()` with a resumable cursor. */
  get events(): Events {
    return (this.#events ??= new Events(this));
  }
  /** Incoming leads: list, create forms/calls, accept, decline, link. */
  get unsorted(): UnsortedLeads {
    return (this.#unsorted ??= new UnsortedLeads(this));
  }
  /** Why leads were lost (`/api/v4/leads/loss_reasons`). */
  get lossReasons(): LossReasons {
    return (this.#lossReasons ??= new LossReasons(this));
  }
  /** The integration's lead sources. */
  get sources(): Sources {
    return (this.#sources ??= new Sources(this));
  }
  /** Catalogs (lists) and `catalogs.elements`. */
  get catalogs(): Catalogs {
    return (this.#catalogs ??= new Catalogs(this));
  }
  /** Customers (periodic purchases), with `statuses`, `segments`, `transactions`, `bonusPoints`. */
  get customers(): Customers {
    return (this.#customers ??= new Customers(this));
  }
  /** Calls logged by phone number into the matching card. */
  get calls(): Calls {
    return (this.#calls ??= new Calls(this));
  }
  /** Talks (conversation episodes of chats): list, read, close. */
  get talks(): Talks {
    return (this.#talks ??= new Talks(this));
  }
  /** Short links bound to contacts. */
  get shortLinks(): ShortLinks {
    return (this.#shortLinks ??= new ShortLinks(this));
  }
  /** Widgets: list, read, install, uninstall. */
  get widgets(): Widgets {
    return (this.#widgets ??= new Widgets(this));
  }
  /** Chat templates and the review of WhatsApp ones. */
  get chatTemplates(): ChatTemplates {
    return (this.#chatTemplates ??= new ChatTemplates(this));
  }
  /** Website buttons (the CRM Plugin) of sources. */
  get websiteButtons(): WebsiteButtons {
    return (this.#websiteButtons ??= new WebsiteButtons(this));
  }
  /** The currencies Kommo supports. */
  get currencies(): Currencies {
    return (this.#currencies ??= new Currencies(this));
  }
  /** The followers of leads and customers (not webhook subscriptions: see `webhooks`). */
  get entitySubscriptions(): EntitySubscriptions {
    return (this.#entitySubscriptions ??= new EntitySubscriptions(this));
  }
  /** The account's Drive: uploads (resumable), versions, trash, and files attached to entities. */
  get files(): Files {
    return (this.#files ??= new Files(this));
  }
  /** Salesbot: start bots, and continue one waiting on a `widget_request` step. */
  get salesbot(): Salesbot {
    return (this.#salesbot ??= new Salesbot(this));
  }

  constructor(options: KommoOptions) {
    if (typeof options !== 'object' || options === null)
      throw new ConfigurationError('new Kommo(options) needs an options object');
    for (const key of Object.keys(options)) {
      if (!KNOWN_OPTIONS.has(key))
        throw new ConfigurationError(
          `Unknown option \`${key}\` (known: ${[...KNOWN_OPTIONS].join(', ')})`,
        );
    }
    if (options.baseUrl !== undefined) {
      this.baseUrl = validateBaseUrl(options.baseUrl);
      const url = new URL(this.baseUrl);
      this.domain = options.domain === undefined ? url.host : normalizeDomain(options.domain);
    } else {
      if (options.domain === undefined)
        throw new ConfigurationError('Give `domain` (e.g. "acme.kommo.com") or `baseUrl`');
      this.domain = normalizeDomain(options.domain);
      this.baseUrl = `https://${this.domain}`;
    }
    // The token-store and limiter key follows where the requests go.
    const accountKey = options.baseUrl !== undefined ? new URL(this.baseUrl).host : this.domain;
    nonNegativeNumber(options.timeoutMs, 'timeoutMs', true);
    nonNegativeNumber(options.maxRetries, 'maxRetries');
    nonNegativeNumber(options.refreshMarginSec, 'refreshMarginSec');
    nonNegativeNumber(options.retry?.baseDelayMs, 'retry.baseDelayMs');
    nonNegativeNumber(options.retry?.maxDelayMs, 'retry.maxDelayMs');
    if (options.fetch !== undefined && typeof options.fetch !== 'function')
      throw new ConfigurationError('`fetch` must be a function');
    if (options.headers !== undefined) {
      for (const name of Object.keys(options.headers)) {
        if (name.toLowerCase() === 'authorization')
          throw new ConfigurationError(
            'Do not pass `authorization` in `headers`; use `accessToken` or `oauth`',
          );
      }
    }

    let auth: AuthProvider;
    if (options.accessToken !== undefined && options.oauth !== undefined) {
      throw new ConfigurationError('Use either `accessToken` or `oauth`, not both');
    }
    if (options.accessToken !== undefined) {
      if (typeof options.accessToken !== 'string' || options.accessToken.trim() === '')
        throw new ConfigurationError('`accessToken` must be a non-empty string');
      auth = new StaticAuth(options.accessToken.trim());
      this.authMode = 'token';
    } else if (options.oauth !== undefined) {
      if (
        !options.tokenStore ||
        typeof options.tokenStore.get !== 'function' ||
        typeof options.tokenStore.set !== 'function'
      ) {
        throw new ConfigurationError(
          'OAuth mode needs a `tokenStore` (MemoryTokenStore for tests, FileTokenStore or your own in production): refresh tokens rotate and must be saved',
        );
      }
      const oauth = new KommoOAuth({
        ...options.oauth,
        ...(options.baseUrl !== undefined ? { baseUrl: this.baseUrl } : {}),
        ...(options.timeoutMs !== undefined
          ? { timeoutMs: Math.min(options.timeoutMs, 15_000) }
          : {}),
        // Token requests go through this client: its account, pacing, retries, hooks and logger.
        send: (request, sendOptions, policy) => this.#http.request(request, sendOptions, policy),
      });
      auth = new OAuthTokenManager({
        key: accountKey,
        store: options.tokenStore,
        oauth,
        initial: options.tokens === undefined ? undefined : toTokenSet(options.tokens),
        clientSecret: options.oauth.clientSecret,
        marginSec: options.refreshMarginSec ?? 300,
        hooks: options.hooks,
        logger: options.logger,
      });
      this.authMode = 'oauth';
    } else {
      throw new ConfigurationError(
        'Give `accessToken` (long-lived token) or `oauth` with a `tokenStore`',
      );
    }

    this._validateResponses = options.validateResponses ?? true;
    const limiter = resolveLimiter(options.rateLimit);
    const breaker = accountBreaker(accountKey);
    this.breaker = {
      get state() {
        return breaker.state;
      },
      async reset() {
        breaker.close();
        await limiter?.unblock?.(accountKey);
      },
    };
    this.#http = new HttpClient({
      baseUrl: this.baseUrl,
      accountKey,
      fetch: options.fetch,
      headers: options.headers,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      retry: options.retry,
      limiter,
      auth,
      hooks: options.hooks,
      logger: options.logger,
      breaker: checkBreaker(options.breaker),
    });
  }

  /**
   * A client from the `KOMMO_*` environment variables (`KOMMO_DOMAIN` or `KOMMO_BASE_URL`, then
   * `KOMMO_ACCESS_TOKEN`, or `KOMMO_CLIENT_ID` + `KOMMO_CLIENT_SECRET` + `KOMMO_REDIRECT_URI`
   * with tokens in `KOMMO_TOKEN_FILE`); see {@link kommoOptionsFromEnv} for the rules.
   * `overrides` win over the variables (CLI flags), and carry any other client option.
   * Nothing is sent until the first call. For a local sandbox when nothing is set, use
   * `connectOrSandbox()` from `kommo-sdk/sandbox`.
   *
   * @param env - The variables. @defaultValue `process.env`
   * @throws {@link ConfigurationError} when no account or no credentials are configured.
   * @example
   * ```ts
   * const kommo = Kommo.fromEnv(); // reads process.env
   * const cli = Kommo.fromEnv(process.env, { domain: flags.domain, hooks: metrics.hooks });
   * ```
   */
  static fromEnv(env?: KommoEnv, overrides?: KommoFromEnvOverrides): Kommo {
    return new Kommo(kommoOptionsFromEnv(env, overrides));
  }

  /**
   * Calls any endpoint on the account host with the SDK's auth, pacing, retries and errors:
   * for endpoints the SDK does not wrap yet.
   *
   * @returns The parsed JSON answer, or `null` for a 204 / empty body.
   * @example
   * ```ts
   * const calls = await kommo.request({ method: 'GET', path: '/api/v4/calls', query: { limit: 10 } });
   * ```
   */
  async request<T = unknown>(request: KommoRequest, options?: RequestOptions): Promise<T | null> {
    if (typeof request !== 'object' || request === null || !METHODS.has(request.method)) {
      throw new RequestValidationError(
        `request() needs { method: ${[...METHODS].join('|')}, path }`,
        [{ path: ['method'], message: 'Invalid method' }],
      );
    }
    const response = await this._send(
      { method: request.method, path: request.path, query: request.query, body: request.body },
      options,
    );
    return (response.body ?? null) as T | null;
  }

  /** @internal The core request used by resources: resolves with the raw 2xx answer. */
  _send(request: CoreRequest, options?: RequestOptions): Promise<RawResponse> {
    return this.#http.request(request, options);
  }

  /** @internal How many requests of this kind walks and batches keep in flight. */
  _inFlight(request: Pick<CoreRequest, 'method' | 'path'>): number {
    return this.#http.inFlight(request);
  }

  /** @internal */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Kommo { domain: '${this.domain}', baseUrl: '${this.baseUrl}', authMode: '${this.authMode}' }`;
  }

  /** @internal */
  toJSON(): Record<string, unknown> {
    return { domain: this.domain, baseUrl: this.baseUrl, authMode: this.authMode };
  }
}
