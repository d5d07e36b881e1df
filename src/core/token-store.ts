/**
 * Token pairs and where they live.
 *
 * @module
 */

import { TokenStoreError } from './errors.js';

/**
 * An OAuth token pair, with Kommo's wire names. `expires_at` is unix seconds, computed from
 * `expires_in` when the pair was received. Extra fields Kommo sends (`server_time`, …) are kept.
 */
export interface TokenSet {
  /** The bearer token (a JWT). */
  access_token: string;
  /** The single-use (rotating) refresh token. */
  refresh_token: string;
  /** Always `Bearer`. */
  token_type: string;
  /** When `access_token` expires, in unix seconds. */
  expires_at: number;
  [extra: string]: unknown;
}

/** Options of {@link TokenStore.set}. */
export interface TokenStoreSetOptions {
  /**
   * The pair this one replaces (`null` when the store was empty). A store may use it as a
   * compare-and-set guard and refuse the write (throw) when the stored pair is no longer it.
   */
  previous?: TokenSet | null;
}

/**
 * Keeps token pairs wherever you want: memory, a file, a database, Redis.
 *
 * The key is the account host (`acme.kommo.com`; with `baseUrl`, its `host:port`), so one store
 * can serve every account of a public integration. Refresh tokens rotate on every refresh: a
 * store that loses the newest pair forces a human to re-authorize, so `set` must be durable
 * before it resolves.
 *
 * @example A store on top of your own database
 * ```ts
 * const store: TokenStore = {
 *   get: async (key) => (await db.tokens.find(key))?.value ?? null,
 *   set: async (key, tokens) => db.tokens.upsert(key, tokens),
 * };
 * ```
 */
export interface TokenStore {
  /** Returns the stored pair for the account, or `null`. */
  get(key: string): Promise<TokenSet | null>;
  /** Stores the pair durably; resolves only once it is saved. */
  set(key: string, tokens: TokenSet, options?: TokenStoreSetOptions): Promise<void>;
  /** Forgets the account's pair. */
  delete?(key: string): Promise<void>;
  /**
   * Runs `fn` while holding a lock on the account, across processes. When present, the SDK
   * refreshes inside it, re-reading the store first so that a pair rotated by another process
   * is used instead of refreshing again.
   */
  withLock?<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

function copy(tokens: TokenSet): TokenSet {
  return structuredClone(tokens);
}

/**
 * Keeps tokens in process memory. Good for tests and scripts; the pair is lost when the
 * process exits, so with rotating refresh tokens use a durable store in production.
 */
export class MemoryTokenStore implements TokenStore {
  readonly #tokens = new Map<string, TokenSet>();

  /** @param initial - Pairs to start with, by account key. */
  constructor(initial?: Record<string, TokenSet>) {
    for (const [key, tokens] of Object.entries(initial ?? {})) this.#tokens.set(key, copy(tokens));
  }

  /** {@inheritDoc TokenStore.get} */
  get(key: string): Promise<TokenSet | null> {
    const tokens = this.#tokens.get(key);
    return Promise.resolve(tokens ? copy(tokens) : null);
  }

  /** {@inheritDoc TokenStore.set} */
  set(key: string, tokens: TokenSet): Promise<void> {
    this.#tokens.set(key, copy(tokens));
    return Promise.resolve();
  }

  /** {@inheritDoc TokenStore.delete} */
  delete(key: string): Promise<void> {
    this.#tokens.delete(key);
    return Promise.resolve();
  }

  /** @internal */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `MemoryTokenStore { accounts: ${this.#tokens.size} }`;
  }

  /** @internal */
  toJSON(): Record<string, unknown> {
    return { type: 'MemoryTokenStore', accounts: this.#tokens.size };
  }
}

/** Options of {@link FileTokenStore}. */
export interface FileTokenStoreOptions {
  /** How long a lock file may stand before it counts as left by a dead process. @defaultValue 30000 */
  staleLockMs?: number;
  /** @internal Test seam: runs after the temp file is written, before it is renamed. */
  beforeRename?: () => Promise<void>;
}

type FsPromises = typeof import('node:fs/promises');

/**
 * Keeps tokens in a JSON file (Node, Bun, Deno). Writes are atomic: the new content goes to a
 * temp file in the same folder, is flushed to disk and renamed over the old file, so a crash
 * leaves the old or the new pair, never a corrupt file. The file is created with mode `0600`.
 * `withLock` uses a lock file beside it, so several processes on one machine refresh once.
 *
 * @example
 * ```ts
 * const kommo = new Kommo({ domain: 'acme', oauth, tokenStore: new FileTokenStore('.kommo-tokens.json') });
 * ```
 */
export class FileTokenStore implements TokenStore {
  /** Path of the JSON file. */
  readonly path: string;
  readonly #staleLockMs: number;
  readonly #beforeRename: (() => Promise<void>) | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string, options: FileTokenStoreOptions = {}) {
    if (typeof path !== 'string' || path === '')
      throw new TokenStoreError('FileTokenStore needs a file path');
    this.path = path;
    this.#staleLockMs = options.staleLockMs ?? 30_000;
    this.#beforeRename = options.beforeRename;
  }

  async #fs(): Promise<FsPromises> {
    try {
      return await import('node:fs/promises');
    } catch (cause) {
      throw new TokenStoreError('FileTokenStore needs node:fs (Node, Bun or Deno)', { cause });
    }
  }

  async #readAll(): Promise<Record<string, TokenSet>> {
    const fs = await this.#fs();
    let text: string;
    try {
      text = await fs.readFile(this.path, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new TokenStoreError(`Cannot read the token file ${this.path}`, { cause });
    }
    if (text.trim() === '') return {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      return parsed as Record<string, TokenSet>;
    } catch (cause) {
      throw new TokenStoreError(`The token file ${this.path} is not valid JSON`, { cause });
    }
  }

  // Serializes writes within the process; across processes the rename keeps the file whole.
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #writeAll(data: Record<string, TokenSet>): Promise<void> {
    const fs = await this.#fs();
    const nodePath = await import('node:path');
    const tmp = nodePath.join(
      nodePath.dirname(this.path),
      `.${nodePath.basename(this.path)}.${process.pid}.${Date.now()}.tmp`,
    );
    try {
      const handle = await fs.open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(data, null, 2)}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (this.#beforeRename) await this.#beforeRename();
      await fs.rename(tmp, this.path);
    } catch (cause) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw new TokenStoreError(`Cannot write the token file ${this.path}`, { cause });
    }
  }

  /** {@inheritDoc TokenStore.get} */
  async get(key: string): Promise<TokenSet | null> {
    const all = await this.#readAll();
    return Object.hasOwn(all, key) ? (all[key] ?? null) : null;
  }

  /** {@inheritDoc TokenStore.set} */
  set(key: string, tokens: TokenSet): Promise<void> {
    return this.#serial(async () => {
      const all = await this.#readAll();
      all[key] = tokens;
      await this.#writeAll(all);
    });
  }

  /** {@inheritDoc TokenStore.delete} */
  delete(key: string): Promise<void> {
    return this.#serial(async () => {
      const all = await this.#readAll();
      if (!Object.hasOwn(all, key)) return;
      Reflect.deleteProperty(all, key);
      await this.#writeAll(all);
    });
  }

  /** {@inheritDoc TokenStore.withLock} */
  async withLock<T>(_key: string, fn: () => Promise<T>): Promise<T> {
    const fs = await this.#fs();
    const lock = `${this.path}.lock`;
    const deadline = Date.now() + this.#staleLockMs * 2;
    for (let wait = 10; ; wait = Math.min(wait * 2, 250)) {
      try {
        const handle = await fs.open(lock, 'wx', 0o600);
        await handle.writeFile(String(process.pid));
        await handle.close();
        break;
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new TokenStoreError(`Cannot create the lock file ${lock}`, { cause });
        }
        const stat = await fs.stat(lock).catch(() => null);
        if (stat && Date.now() - stat.mtimeMs > this.#staleLockMs) {
          await fs.rm(lock, { force: true });
          continue;
        }
        if (Date.now() > deadline)
          throw new TokenStoreError(`Timed out waiting for the lock file ${lock}`);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
    try {
      return await fn();
    } finally {
      await fs.rm(lock, { force: true }).catch(() => undefined);
    }
  }
}
