/**
 * The `kommo-mcp` command: reads the flags (the account flags are `kommo-cli/account`'s, so the
 * server points at an account exactly like every `kommo` command), connects, and serves MCP
 * over stdio or Streamable HTTP until the client goes away or a signal arrives.
 *
 * @module
 */

import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import {
  accountParseArgsOptions,
  connectAccount,
  formatAccountHelp,
  type AccountConnection,
} from 'kommo-cli/account';
import { isKommoError } from 'kommo-sdk';
import { kommoMcpHooks, type WriteLogSink } from './audit.js';
import { startHttpServer } from './http.js';
import { interimRateLimit } from './interim-pacing.js';
import { DEFAULT_CONFIRM_ABOVE, KommoMcp } from './server.js';
import { VERSION } from './version.js';

/** The variable that holds the HTTP transport's bearer secret. */
export const SECRET_ENV = 'KOMMO_MCP_SECRET';

const SERVER_OPTIONS = {
  'read-only': { type: 'boolean' },
  'confirm-above': { type: 'string' },
  'log-file': { type: 'string' },
  http: { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  'allowed-host': { type: 'string', multiple: true },
  'allowed-origin': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

const HELP = `kommo-mcp ${VERSION}: an MCP server for one Kommo (amoCRM) account

Usage: kommo-mcp [account flags] [--read-only] [--http [--port N] [--host H]]

The account (the same flags and KOMMO_* variables as the kommo command):
${formatAccountHelp()}

Safety:
  --read-only               serve the read tools only (write tools are not even listed)
  --confirm-above <n>       bulk writes touching more than n entities need the confirmation
                            token of their own dry run (default ${DEFAULT_CONFIRM_ABOVE})
  --log-file <file>         append the write log (one JSON line per write) here, not to stderr

Transport (stdio by default):
  --http                    serve Streamable HTTP at http://<host>:<port>/mcp; every request
                            needs "Authorization: Bearer $${SECRET_ENV}"
  --port <n>                default 3030; 0 picks a free port
  --host <address>          default 127.0.0.1 (loopback); anything else exposes the account
  --allowed-host <name>     also accept this Host header (repeatable)
  --allowed-origin <origin> also accept this browser Origin (repeatable)

  -h, --help                this help
  -v, --version             the version

Docs: https://github.com/kommo-sdk/kommo-sdk/blob/main/docs/mcp.md
`;

/** Whether a bound address is this machine only (127.0.0.0/8, ::1, IPv4-mapped loopback). */
function isLoopbackAddress(address: string): boolean {
  return /^(?:::ffff:)?127\./i.test(address) || address === '::1';
}

/** A bad flag or setting: exit code 2. */
class UsageError extends Error {}

function integer(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max)
    throw new UsageError(
      `${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  return Number(value);
}

function logSink(file: string | undefined): { sink: WriteLogSink; close: () => Promise<void> } {
  if (file === undefined)
    return { sink: (line) => process.stderr.write(line), close: () => Promise.resolve() };
  // 0600: the log holds what agents wrote into the CRM (names, phones).
  const stream = createWriteStream(file, { flags: 'a', mode: 0o600 });
  stream.on('error', (error) =>
    process.stderr.write(`kommo-mcp: write log ${file}: ${error.message}\n`),
  );
  return {
    sink: (line) => stream.write(line),
    close: () => new Promise<void>((resolve) => stream.end(() => resolve())),
  };
}

/**
 * Runs the command with `argv` (without `node` and the script) until the transport closes.
 *
 * @returns The exit code: 0, 1 (a failure) or 2 (bad flags or account settings).
 */
export async function main(argv: readonly string[]): Promise<number> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { ...accountParseArgsOptions(), ...SERVER_OPTIONS },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(
      `kommo-mcp: ${(error as Error).message}\nRun kommo-mcp --help for the flags.\n`,
    );
    return 2;
  }
  if (values['help'] === true) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values['version'] === true) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }

  const warn = (message: string): void => {
    process.stderr.write(`kommo-mcp: ${message}\n`);
  };
  let conn: AccountConnection | undefined;
  let log: ReturnType<typeof logSink> | undefined;
  try {
    const http = values['http'] === true;
    const confirmAbove = integer(
      values['confirm-above'] as string | undefined,
      '--confirm-above',
      0,
      1_000_000,
    );
    const port = integer(values['port'] as string | undefined, '--port', 0, 65_535);
    for (const flag of ['port', 'host', 'allowed-host', 'allowed-origin'] as const)
      if (!http && values[flag] !== undefined) throw new UsageError(`--${flag} needs --http`);
    const secret = process.env[SECRET_ENV] ?? '';
    if (http && secret.trim() === '')
      throw new UsageError(
        `--http needs the bearer secret in ${SECRET_ENV} (e.g. openssl rand -hex 32)`,
      );
    if (http && secret.trim().length < 16)
      warn(`${SECRET_ENV} is short: use 32 random bytes (openssl rand -hex 32)`);

    conn = await connectAccount(values, {
      warn,
      // The pace is interim-pacing.ts's until the SDK's limiter draws no 429 (see there).
      client: { hooks: kommoMcpHooks, rateLimit: interimRateLimit() },
    });
    if (conn.sandbox) warn(`serving a local sandbox account at ${conn.kommo.baseUrl}`);
    log = logSink(values['log-file'] as string | undefined);
    const mcp = new KommoMcp({
      kommo: conn.kommo,
      readOnly: values['read-only'] === true,
      ...(confirmAbove !== undefined ? { confirmAbove } : {}),
      writeLog: log.sink,
    });

    let stop: () => Promise<void>;
    const stopped = new Promise<void>((resolve) => {
      stop = async () => {
        resolve();
        return Promise.resolve();
      };
    });
    if (http) {
      const server = await startHttpServer({
        mcp,
        secret: secret.trim(),
        ...(values['host'] !== undefined ? { host: values['host'] as string } : {}),
        ...(port !== undefined ? { port } : {}),
        ...(values['allowed-host'] ? { allowedHosts: values['allowed-host'] as string[] } : {}),
        ...(values['allowed-origin']
          ? { allowedOrigins: values['allowed-origin'] as string[] }
          : {}),
      });
      // Told otherwise than loopback: say so, since the secret is all that guards the account.
      if (!isLoopbackAddress(server.host))
        warn(
          `${server.host} is not loopback: anyone who reaches it with ${SECRET_ENV} can act on the account`,
        );
      warn(`listening on ${server.url}${mcp.readOnly ? ' (read-only)' : ''}`);
      const shutdown = (): void => void stop();
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      await stopped;
      await server.close();
    } else {
      const server = mcp.createServer();
      const transport = new StdioServerTransport();
      transport.onclose = () => void stop();
      // The client ends the session by closing our stdin.
      process.stdin.once('end', () => void stop());
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
      await server.connect(transport);
      await stopped;
      await server.close();
    }
    return 0;
  } catch (error) {
    const configuration =
      error instanceof UsageError || (isKommoError(error) && error.code === 'configuration_error');
    warn(error instanceof Error ? error.message : String(error));
    return configuration ? 2 : 1;
  } finally {
    await log?.close();
    await conn?.close();
  }
}
