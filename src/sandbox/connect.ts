/**
 * `connectOrSandbox()`: a real account when the `KOMMO_*` variables say so, else a local
 * sandbox started in this process. What scripts, examples and demo apps want on their first
 * line, so that a copied example runs as it is.
 *
 * @module
 */

import { Kommo } from '../client.js';
import {
  readKommoEnv,
  splitOverrides,
  withoutOAuth,
  type KommoEnv,
  type KommoFromEnvOverrides,
} from '../core/env.js';
import { startSandbox, type Sandbox, type SandboxOptions } from './server.js';

/** A connected client and what to stop afterwards. */
export interface KommoConnection {
  /** The client. */
  readonly kommo: Kommo;
  /** The sandbox started in this process, when no account was configured. */
  readonly sandbox: Sandbox | undefined;
  /**
   * `sandbox`: the in-process sandbox, or a `KOMMO_BASE_URL` on a loopback host (a sandbox you
   * started); its seed data may be relied on and writes harm nobody. `account`: anything else,
   * which may be a real account: ask before writing to it.
   */
  readonly mode: 'sandbox' | 'account';
  /** What the client talks to, for a first line of output. Never holds a token. */
  readonly target: string;
  /** Stops the sandbox this call started; does nothing for an account. */
  close(): Promise<void>;
}

/** Options of {@link connectOrSandbox}. */
export interface ConnectOrSandboxOptions {
  /** The variables. @defaultValue `process.env` */
  env?: KommoEnv;
  /**
   * What wins over the variables (CLI flags) and the other client options (`hooks`,
   * `rateLimit`…), applied to the sandbox's client too.
   */
  overrides?: KommoFromEnvOverrides;
  /** Options of the sandbox started when nothing is configured. */
  sandbox?: SandboxOptions;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Connects to the account of the `KOMMO_*` variables (see `Kommo.fromEnv`), or, when none of
 * them is set, starts a local sandbox and connects to it. A half-configured environment
 * (`KOMMO_DOMAIN` without credentials, a token without an account) is an error, never a silent
 * fallback to the sandbox.
 *
 * @throws `ConfigurationError` when the variables are set but incomplete or invalid.
 * @example
 * ```ts
 * import { connectOrSandbox } from 'kommo-sdk/sandbox';
 *
 * const conn = await connectOrSandbox();
 * console.log(`→ ${conn.target}`);
 * try {
 *   await conn.kommo.leads.create({ name: 'Hello' });
 * } finally {
 *   await conn.close();
 * }
 * ```
 */
export async function connectOrSandbox(
  options: ConnectOrSandboxOptions = {},
): Promise<KommoConnection> {
  const { settings, client } = splitOverrides(options.overrides);
  const configured = readKommoEnv(options.env, settings);
  if (Object.keys(configured).length > 0) {
    const kommo = Kommo.fromEnv(options.env, options.overrides);
    const loopback =
      configured.baseUrl !== undefined && LOOPBACK.has(new URL(kommo.baseUrl).hostname);
    return {
      kommo,
      sandbox: undefined,
      mode: loopback ? 'sandbox' : 'account',
      target: kommo.baseUrl,
      close: () => Promise.resolve(),
    };
  }
  const sandbox = await startSandbox(options.sandbox ?? {});
  const kommo = new Kommo({
    ...withoutOAuth(client),
    baseUrl: sandbox.url,
    accessToken: sandbox.accessToken,
  });
  return {
    kommo,
    sandbox,
    mode: 'sandbox',
    target: `local sandbox at ${sandbox.url}`,
    close: () => sandbox.close(),
  };
}
