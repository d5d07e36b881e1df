/**
 * Bearer tokens for requests: a static token, or OAuth pairs refreshed single-flight.
 *
 * @module
 */

import {
  AuthenticationError,
  KommoError,
  OAuthError,
  TokenStoreError,
  isKommoError,
} from './errors.js';
import type { AuthProvider } from './http.js';
import type { KommoOAuth } from './oauth.js';
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
}

// One refresh in flight per store and account, shared by every client of the process.
const inflight = new WeakMap<TokenStore, Map<string, Promise<TokenSet>>>();

/** Settings of {@link OAuthTokenManager}. */
export interface OAuthTokenManagerConfig {
  /** Account key in the store (the host). */
  key: string;
  store: TokenStore;
  oauth: Pick<KommoOAuth, 'refresh'>;
  /** Pair to write when the store is empty. */
  initial?: TokenSet | undefined;
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

  #reauth(message: string, cause?: unknown): AuthenticationError {
    const status = cause instanceof OAuthError && cause.status !== undefined ? cause.status : 401;
    return new AuthenticationError(
      'reauthorization_required',
      {
        status,
        method: 'POST',
        url: `https://${this.#config.key}/oauth2/access_token`,
        path: '/oauth2/access_token',
        hint: cause instanceof OAuthError ? cause.hint : undefined,
        body: cause instanceof OAuthError ? cause.body : undefined,
        cause,
      },
      `Reauthorization required for ${this.#config.key}: ${message}. Run the OAuth flow again (KommoOAuth.authorizationUrl → exchangeCode) and save the new pair in the token store.`,
    );
  }

  /** {@inheritDoc AuthProvider.token} */
  async token(): Promise<string> {
    if (this.#unsaved) await this.#retryUnsaved();
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
        let fresh: TokenSet;
        try {
          fresh = await this.#config.oauth.refresh(key, base.refresh_token);
        } catch (error) {
          if (!isRejected(error)) throw error;
          // Rejected: maybe another process rotated it between our read and our call.
          const again = await this.#readStore();
          if (!again || again.refresh_token === base.refresh_token)
            throw this.#reauth(
              `the refresh token was rejected (${error.hint ?? error.status})`,
              error,
            );
          if (!this.#expiring(again)) {
            effectiveReason = 'store';
            return again;
          }
          base = again;
          try {
            fresh = await this.#config.oauth.refresh(key, again.refresh_token);
          } catch (second) {
            if (isRejected(second))
              throw this.#reauth(
                `the refresh token was rejected (${second.hint ?? second.status})`,
                second,
              );
            throw second;
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
