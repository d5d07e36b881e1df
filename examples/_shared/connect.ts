/**
 * How every example connects: to a local sandbox by default, to a real account when the
 * `KOMMO_*` variables are set (see `.env.example`).
 *
 * - nothing set: a sandbox is started in this process and stopped by `close()`;
 * - `KOMMO_BASE_URL` + `KOMMO_ACCESS_TOKEN`: a sandbox you started (`npx kommo-sandbox`);
 * - `KOMMO_DOMAIN` + `KOMMO_ACCESS_TOKEN`: a real account with a long-lived token;
 * - `KOMMO_DOMAIN` + `KOMMO_CLIENT_ID` + `KOMMO_CLIENT_SECRET` + `KOMMO_REDIRECT_URI`: a real
 *   account over OAuth, tokens in `KOMMO_TOKEN_FILE` (run `examples/oauth-flow.ts` once first).
 *
 * Tokens are read from the environment only and never printed.
 */
import { pathToFileURL } from 'node:url';
import { FileTokenStore, Kommo, type Hooks } from '../../src/index.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';

/** A connected client and what to stop afterwards. */
export interface Connection {
  kommo: Kommo;
  /** The in-process sandbox, when no account was configured. */
  sandbox: Sandbox | undefined;
  /** `sandbox` or `account`: whether the examples may rely on the sandbox's seed data. */
  mode: 'sandbox' | 'account';
  /** What we talk to, for the first line of output (never a token). */
  target: string;
  /** Stops the sandbox we started (no-op for an account). */
  close(): Promise<void>;
}

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** Client hooks (metrics, logging). */
  hooks?: Hooks;
  /** Options of the sandbox started when no account is configured. */
  sandbox?: SandboxOptions;
}

function env(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value === '' ? undefined : value;
}

/** Connects as described in the module comment. */
export async function connect(options: ConnectOptions = {}): Promise<Connection> {
  const hooks = options.hooks ? { hooks: options.hooks } : {};
  const token = env('KOMMO_ACCESS_TOKEN');
  const baseUrl = env('KOMMO_BASE_URL');
  const domain = env('KOMMO_DOMAIN');
  const noop = async (): Promise<void> => {};

  if (baseUrl && token) {
    const kommo = new Kommo({ baseUrl, accessToken: token, ...hooks });
    return { kommo, sandbox: undefined, mode: 'sandbox', target: baseUrl, close: noop };
  }
  if (domain && token) {
    const kommo = new Kommo({ domain, accessToken: token, ...hooks });
    return { kommo, sandbox: undefined, mode: 'account', target: kommo.baseUrl, close: noop };
  }
  const clientId = env('KOMMO_CLIENT_ID');
  const clientSecret = env('KOMMO_CLIENT_SECRET');
  const redirectUri = env('KOMMO_REDIRECT_URI');
  if (domain && clientId && clientSecret && redirectUri) {
    const kommo = new Kommo({
      domain,
      oauth: { clientId, clientSecret, redirectUri },
      tokenStore: new FileTokenStore(env('KOMMO_TOKEN_FILE') ?? '.kommo-tokens.json'),
      ...hooks,
    });
    return { kommo, sandbox: undefined, mode: 'account', target: kommo.baseUrl, close: noop };
  }
  if (domain) {
    throw new Error(
      'KOMMO_DOMAIN is set but no credentials: set KOMMO_ACCESS_TOKEN, or the OAuth variables (see .env.example)',
    );
  }
  const sandbox = await startSandbox(options.sandbox ?? {});
  const kommo = new Kommo({ baseUrl: sandbox.url, accessToken: sandbox.accessToken, ...hooks });
  return {
    kommo,
    sandbox,
    mode: 'sandbox',
    target: `local sandbox at ${sandbox.url}`,
    close: () => sandbox.close(),
  };
}

/** True when `moduleUrl` (pass `import.meta.url`) is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && moduleUrl === pathToFileURL(entry).href;
}

/**
 * Runs an example's `main`, prints a failure as one line (SDK errors never carry a token) and
 * sets the exit code, so CI sees it.
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(
      `✗ ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    process.exitCode = 1;
  });
}

/** The value of `--name <value>` or `--name=<value>` on the command line. */
export function argValue(
  name: string,
  argv: readonly string[] = process.argv.slice(2),
): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === `--${name}`) return argv[i + 1];
    if (arg?.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}
