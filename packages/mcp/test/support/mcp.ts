/**
 * The server as MCP hosts run it: the built bin as a child process, driven by the official MCP
 * client over stdio or Streamable HTTP.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

const MCP_DIR = join(import.meta.dirname, '..', '..');
/** The committed launcher npm links as `kommo-mcp` (it runs dist/bin.js), as a user runs it. */
export const BIN = join(MCP_DIR, 'bin', 'kommo-mcp.js');

/** An environment without KOMMO_* variables and with a private config folder. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('KOMMO_')) env[k] = v;
  env['XDG_CONFIG_HOME'] = tempDir('kommo-mcp-config-');
  return { ...env, ...extra };
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'kommo-mcp-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a token file and returns its path. */
export function tokenFile(token: string, dir = tempDir()): string {
  const path = join(dir, 'token.txt');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return path;
}

/** A connected MCP client and what the server wrote to stderr. */
export interface Session {
  client: Client;
  stderr: () => string;
  /** Calls a tool and returns its result (tool errors included). */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

function session(client: Client, stderr: () => string, close: () => Promise<void>): Session {
  return {
    client,
    stderr,
    call: async (name, args = {}) =>
      (await client.callTool({ name, arguments: args })) as CallToolResult,
    close,
  };
}

/** Starts `kommo-mcp <args>` over stdio and connects the official client. */
export async function connectStdio(
  args: readonly string[],
  env: Record<string, string> = cleanEnv(),
): Promise<Session> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, ...args],
    env,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const client = new Client({ name: 'kommo-mcp-test', version: '1.0.0' });
  await client.connect(transport);
  return session(
    client,
    () => stderr,
    () => client.close(),
  );
}

/** A `kommo-mcp --http` child process, listening. */
export interface HttpChild {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stderr: () => string;
  stop(): Promise<number | null>;
}

/** Starts `kommo-mcp --http --port 0 <args>` and waits for its "listening on" line. */
export async function startHttpChild(
  args: readonly string[],
  env: Record<string, string>,
): Promise<HttpChild> {
  const child = spawn(process.execPath, [BIN, '--http', '--port', '0', ...args], { env });
  let stderr = '';
  child.stdout.resume();
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1] as string);
    });
    child.on('exit', (code) =>
      reject(new Error(`kommo-mcp exited with ${String(code)} before listening:\n${stderr}`)),
    );
  });
  return {
    child,
    url,
    stderr: () => stderr,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.on('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

/** Connects the official client to a running HTTP server with the bearer secret. */
export async function connectHttp(url: string, secret: string): Promise<Session> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${secret}` } },
  });
  const client = new Client({ name: 'kommo-mcp-test', version: '1.0.0' });
  await client.connect(transport);
  return session(
    client,
    () => '',
    () => client.close(),
  );
}

/** The structured content of a successful tool result (fails the test on a tool error). */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it expects
export function ok<T = Record<string, unknown>>(result: CallToolResult): T {
  if (result.isError) throw new Error(`tool error: ${JSON.stringify(result.structuredContent)}`);
  return result.structuredContent as T;
}

/** The `error` of a failed tool result (fails the test on success). */
export function toolError(result: CallToolResult): {
  code: string;
  message: string;
  issues?: Array<{ field: string; message: string }>;
  [key: string]: unknown;
} {
  if (!result.isError)
    throw new Error(`expected a tool error, got ${JSON.stringify(result.structuredContent)}`);
  const body = result.structuredContent as { error: ReturnType<typeof toolError> };
  // The text content carries the same JSON, for hosts that show only text.
  const text = result.content[0];
  if (
    text?.type !== 'text' ||
    (JSON.parse(text.text) as typeof body).error.code !== body.error.code
  )
    throw new Error('the text content does not carry the error');
  return body.error;
}

/** The JSON lines of the write log in a stderr capture. */
export function writeLog(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{"kommo_mcp":"write"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A sandbox in another process (see sandbox-server.ts), with the commands it answers. */
export interface SandboxProcess {
  url: string;
  accessToken: string;
  command(line: 'clear' | 'stats'): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Starts a sandbox in its own process. */
export async function sandboxProcess(options: Record<string, unknown>): Promise<SandboxProcess> {
  const tsx = join(MCP_DIR, '..', '..', 'node_modules', '.bin', 'tsx');
  const child = spawn(
    tsx,
    [join(MCP_DIR, 'test', 'support', 'sandbox-server.ts'), JSON.stringify(options)],
    {
      cwd: MCP_DIR,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const waiting: Array<(line: string) => void> = [];
  let buffer = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    buffer += d;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      waiting.shift()?.(line);
    }
  });
  const next = (): Promise<string> => new Promise((resolve) => waiting.push(resolve));
  const first = await Promise.race([
    next(),
    new Promise<never>((_, reject) =>
      child.once('exit', (code) =>
        reject(new Error(`the sandbox process exited with ${String(code)}`)),
      ),
    ),
  ]);
  const info = JSON.parse(first) as { url: string; accessToken: string };
  return {
    ...info,
    command: async (line) => {
      const answer = next();
      child.stdin.write(`${line}\n`);
      return JSON.parse(await answer) as Record<string, unknown>;
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}
