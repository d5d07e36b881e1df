/**
 * Bearer tokens for requests: a static token, or OAuth pairs refreshed single-flight.
 *
 * @module
 */

import {
  KommoError,
  OAuthError,
  TokenStoreError,
  isKommoError,
  toKommoError,
  type KommoApiError,
} from './errors.js';
import type { AuthProvider } from './http.js';
import { TOKEN_PATH, type KommoOAuth } from './oauth.js';
import type { Hooks, Logger, RefreshEvent } from './options.js';
import type { TokenSet, TokenStore } from './token-store.js';

/** A token that is never refreshed (long-lived tokens of private integrations). */
export class StaticAuth implements AuthProvider {
  readonly #token: string;
  constructor(token: string) {
    this.#token = token;
  }
  token(): Promise<string> {
    return Promise.resolve(this.#token);
  }
  refreshAfterUnauthorized(): Promise<boolean> {
    return Promise.resolve(false);
  }
  /** {@inheritDoc AuthProvider.secrets} */
  secrets(): readonly string[] {
    return [this.#token];
  }
}

// One refresh in flight per store and account, shared by every client of the process.
const inflight = new WeakMap<TokenStore, Map<string, Promise<TokenSet>>>();

/** A stored pair whose refresh token Kommo rejected (revoked, expired, already used). */
interface DeadPair {
  readonly access_token: string;
  readonly refresh_token: string;
  /** Whether the access token is unusable too: it got a 401, or it has expired. */
  accessDead: boolean;
  /** Kommo's hint (or the status), for the message of every fast failure. */
  readonly reason: string;
  /** The rejection itself, the `cause` of every fast failure. */
  readonly cause: unknown;
}

// Known-dead pairs per store and account, shared by every client of the process: once Kommo
// has rejected a pair's refresh token, asking again only spends requests (Kommo counts them).
// Cleared as soon as the store holds a different pair.
const deadPairs = new WeakMap<TokenStore, Map<string, DeadPair>>();

function samePair(a: Pick<TokenSet, 'access_token' | 'refresh_token'>, b: TokenSet): boolean {
  return a.access_token === b.access_token && a.refresh_token === b.refresh_token;
}

/** Settings of {@link OAuthTokenManager}. */
export interface OAuthTokenManagerConfig {
  /** Account key in the store (the host). */
  key: string;
  store: TokenStore;
  oauth: Pick<KommoOAuth, 'refresh'>;
  /** Pair to write when the store is empty. */
  initial?: TokenSet | undefined;
  /** The integration's client secret: never used here, only scrubbed from answers. */
  clientSecret?: string | undefined;
  /** Refresh when the token expires within this many seconds. */
  marginSec: number;
  hooks?: Hooks | undefined;
  logger?: Logger | undefined;
  /** Unix seconds. */
  now?: () => number;
}

function isRejected(error: unknown): error is OAuthError {
  return (
    error instanceof OAuthError &&
    (error.status === 400 || error.status === 401 || error.status === 403)
  );
}

/**
 * Keeps an account's OAuth pair fresh: loads it from the store, refreshes it before it
 * expires and after a 401, once for all concurrent callers, and saves the new pair before
 * anyone uses it.
 */
export class OAuthTokenManager implements AuthProvider {
  readonly #config: OAuthTokenManagerConfig;
  readonly #now: () => number;
  #current: TokenSet | null = null;
  #loading: Promise<TokenSet | null> | null = null;
  #unsaved: { tokens: TokenSet; previous: TokenSet | null } | null = null;
  #proactiveBackoffUntil = 0;

  constructor(config: OAuthTokenManagerConfig) {
    this.#config = config;
    this.#now = config.now ?? (() => Math.floor(Date.now() / 1000));
  }

  async #readStore(): Promise<TokenSet | null> {
    try {
      return await this.#config.store.get(this.#config.key);
    } catch (cause) {
      throw isKommoError(cause)
        ? cause
        : new TokenStoreError(`The token store failed to read the pair of ${this.#config.key}`, {
            cause,
          });
    }
  }

  async #writeStore(tokens: TokenSet, previous: TokenSet | null): Promise<void> {
    try {
      await this.#config.store.set(this.#config.key, tokens, { previous });
    } catch (cause) {
      throw isKommoError(cause)
        ? cause
        : new TokenStoreError(
            `The token store failed to save the new pair of ${this.#config.key}; the previous pair is kept`,
            { cause },
          );
    }
  }

  #expiring(tokens: TokenSet): boolean {
    return tokens.expires_at - this.#now() <= this.#config.marginSec;
  }

  #expired(tokens: TokenSet): boolean {
    return tokens.expires_at <= this.#now();
  }

  async #load(): Promise<TokenSet | null> {
    if (this.#current) return this.#current;
    this.#loading ??= (async () => {
      try {
        let tokens = await this.#readStore();
        if (!tokens && this.#config.initial) {
          tokens = this.#config.initial;
          await this.#writeStore(tokens, null);
        }
        this.#current = tokens;
        return tokens;
      } finally {
        this.#loading = null;
      }
    })();
    return this.#loading;
  }

  #dead(): DeadPair | undefined {
    return deadPairs.get(this.#config.store)?.get(this.#config.key);
  }

  #markDead(pair: TokenSet, accessDead: boolean, error: OAuthError): void {
    const { store, key } = this.#config;
    let perStore = deadPairs.get(store);
    if (!perStore) {
      perStore = new Map();
      deadPairs.set(store, perStore);
    }
    perStore.set(key, {
      access_token: pair.access_token,
      refresh_token: pair.refresh_token,
      accessDead,
      reason: error.hint ?? String(error.status),
      cause: error,
    });
  }

  #clearDead(dead: DeadPair): void {
    const perStore = deadPairs.get(this.#config.store);
    if (perStore?.get(this.#config.key) === dead) perStore.delete(this.#config.key);
  }

  #deadError(dead: DeadPair): KommoApiError {
    return this.#reauth(
      `the refresh token of the stored pair was rejected earlier (${dead.reason}) and the store holds no other pair; no request was sent`,
      dead.cause,
    );
  }

  /**
   * {@link token} while the stored pair is known dead: no network at all. The store is re-read
   * on every call (cheap), so a pair saved meanwhile by another client, another process or a
   * new authorization is picked up without a restart.
   */
  async #tokenWhileDead(dead: DeadPair): Promise<string> {
    const stored = await this.#readStore();
    if (!stored || !samePair(dead, stored)) {
      // A different pair (or none: the normal path then writes `initial` or fails fast).
      this.#clearDead(dead);
      this.#current = stored;
      this.#proactiveBackoffUntil = 0;
      return this.token();
    }
    this.#current = stored;
    // The access token may outlive its refresh token: use it until it fails or expires, but
    // never try the refresh again.
    if (!dead.accessDead && !this.#expired(stored)) return stored.access_token;
    dead.accessDead = true;
    throw this.#deadError(dead);
  }

  #reauth(message: string, cause?: unknown): KommoApiError {
    const refused = cause instanceof OAuthError ? cause : undefined;
    // The token endpoint's answer (or, with no pair to refresh, a 401 of our own) through the
    // one factory: the refusal's hint, title and body carry over.
    return toKommoError({
      status: refused?.status ?? 401,
      method: 'POST',
      url: `https://${this.#config.key}${TOKEN_PATH}`,
      path: TOKEN_PATH,
      body: refused?.body,
      cause,
      reauthorization: `Reauthorization required for ${this.#config.key}: ${message}. Run the OAuth flow again (KommoOAuth.authorizationUrl → exchangeCode) and save the new pair in the token store.`,
    });
  }

  /** {@inheritDoc AuthProvider.refreshing} */
  refreshing(): boolean {
    return inflight.get(this.#config.store)?.has(this.#config.key) === true;
  }

  /** {@inheritDoc AuthProvider.token} */
  async token(): Promise<string> {
    // A refresh in flight (started by a 401 or an expiry elsewhere in the process) is replacing
    // the pair: wait for it rather than hand out the token it replaces. Its failure is not
    // this call's: the checks below decide (a dead pair fails fast, a live token is used).
    const pending = inflight.get(this.#config.store)?.get(this.#config.key);
    if (pending) {
      const fresh = await pending.catch(() => undefined);
      if (fresh) {
        this.#current = fresh;
        this.#proactiveBackoffUntil = 0;
      }
    }
    if (this.#unsaved) await this.#retryUnsaved();
    const dead = this.#dead();
    if (dead) return this.#tokenWhileDead(dead);
    const tokens = await this.#load();
    if (!tokens) throw this.#reauth('the token store has no pair for this account');
    if (!this.#expiring(tokens) || this.#now() < this.#proactiveBackoffUntil) {
      if (!this.#expired(tokens)) return tokens.access_token;
    }
    try {
      return (await this.#refresh('expiring', tokens.access_token)).access_token;
    } catch (error) {
      // Proactive refresh failed while the token still works: keep using it, try again later.
      if (!this.#expired(tokens) && !(isKommoError(error) && error.code === 'token_store_error')) {
        this.#proactiveBackoffUntil = this.#now() + 30;
        this.#config.logger?.warn?.(
          'kommo-sdk: proactive token refresh failed; using the current token until it expires',
          { account: this.#config.key, error: isKommoError(error) ? error.code : String(error) },
        );
        return tokens.access_token;
      }
      throw error;
    }
  }

  /** {@inheritDoc AuthProvider.refreshAfterUnauthorized} */
  async refreshAfterUnauthorized(usedToken: string | undefined): Promise<boolean> {
    const current = await this.#load();
    if (current && current.access_token !== usedToken) return true; // someone refreshed meanwhile
    await this.#refresh('unauthorized', usedToken);
    return true;
  }

  /** {@inheritDoc AuthProvider.secrets} */
  secrets(): ReadonlyArray<string | undefined> {
    return [
      this.#current?.access_token,
      this.#current?.refresh_token,
      this.#unsaved?.tokens.access_token,
      this.#unsaved?.tokens.refresh_token,
      this.#config.clientSecret,
    ];
  }

  async #retryUnsaved(): Promise<void> {
    const pending = this.#unsaved;
    if (!pending) return;
    try {
      await this.#writeStore(pending.tokens, pending.previous);
    } catch (error) {
      // A store that refuses the write because another process saved a newer pair (a
      // compare-and-set guard) will refuse it forever: drop ours and use the stored one.
      const stored = await this.#readStore().catch(() => null);
      if (
        stored &&
        stored.refresh_token !== pending.previous?.refresh_token &&
        stored.refresh_token !== pending.tokens.refresh_token
      ) {
        this.#unsaved = null;
        this.#current = stored;
        return;
      }
      throw error;
    }
    this.#unsaved = null;
    this.#current = pending.tokens;
  }

  async #refresh(
    reason: RefreshEvent['reason'],
    staleAccessToken: string | undefined,
  ): Promise<TokenSet> {
    const { store, key } = this.#config;
    let perStore = inflight.get(store);
    if (!perStore) {
      perStore = new Map();
      inflight.set(store, perStore);
    }
    const started = Date.now();
    let running = perStore.get(key);
    let effectiveReason = reason;
    const leader = !running;
    if (!running) {
      const run = async (): Promise<TokenSet> => {
        // Re-read: another process (or client) may have rotated the pair already.
        const stored = await this.#readStore();
        if (stored && stored.access_token !== staleAccessToken && !this.#expiring(stored)) {
          effectiveReason = 'store';
          return stored;
        }
        let base = stored ?? this.#current;
        if (!base) throw this.#reauth('the token store has no pair for this account');
        const dead = this.#dead();
        if (dead && dead.refresh_token === base.refresh_token) throw this.#deadError(dead);
        // Rejected refresh tokens are remembered, so the next calls fail without a request.
        const accessIsDead = (pair: TokenSet): boolean =>
          reason === 'unauthorized' || this.#expired(pair);
        let fresh: TokenSet;
        try {
          fresh = await this.#config.oauth.refresh(key, base.refresh_token);
        } catch (error) {
          if (!isRejected(error)) throw error;
          // Rejected: maybe another process rotated it between our read and our call.
          const again = await this.#readStore();
          if (!again || again.refresh_token === base.refresh_token) {
            this.#markDead(base, accessIsDead(base), error);
            throw this.#reauth(
              `the refresh token was rejected (${error.hint ?? error.status})`,
              error,
            );
          }
          if (!this.#expiring(again)) {
            effectiveReason = 'store';
            return again;
          }
          base = again;
          try {
            fresh = await this.#config.oauth.refresh(key, again.refresh_token);
          } catch (second) {
            if (!isRejected(second)) throw second;
            this.#markDead(again, accessIsDead(again), second);
            throw this.#reauth(
              `the refresh token was rejected (${second.hint ?? second.status})`,
              second,
            );
          }
        }
        try {
          await this.#writeStore(fresh, base);
        } catch (error) {
          // Keep the unsaved pair so the next call can try to save it again instead of
          // spending the (already rotated) old refresh token.
          this.#unsaved = { tokens: fresh, previous: base };
          throw error;
        }
        return fresh;
      };
      running = (store.withLock ? store.withLock(key, run) : run()).finally(() => {
        if (perStore.get(key) === running) perStore.delete(key);
      });
      perStore.set(key, running);
    }
    let tokens: TokenSet;
    try {
      tokens = await running;
    } catch (error) {
      // This caller's 401 proves the access token dead too, whatever the leader's reason was.
      const dead = this.#dead();
      if (dead && reason === 'unauthorized' && dead.access_token === staleAccessToken)
        dead.accessDead = true;
      throw isKommoError(error)
        ? error
        : new KommoError('reauthorization_required', `Token refresh failed: ${String(error)}`, {
            cause: error,
          });
    }
    this.#current = tokens;
    this.#proactiveBackoffUntil = 0;
    if (!leader) return tokens;
    try {
      this.#config.hooks?.onRefresh?.({
        account: key,
        reason: effectiveReason,
        durationMs: Date.now() - started,
        expiresAt: tokens.expires_at,
      });
    } catch (error) {
      this.#config.logger?.warn?.('kommo-sdk: the onRefresh hook threw; ignored', {
        error: String(error),
      });
    }
    return tokens;
  }
}
