import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';

/**
 * One sandbox for the test file: started before the first test (rate limit off unless
 * `options` say otherwise), reset before each test, closed after the last.
 *
 * @param use - Receives the sandbox once it runs (`useSandbox((s) => (sandbox = s))`).
 */
export function useSandbox(
  use: (sandbox: Sandbox) => void,
  options: SandboxOptions = { rateLimit: false },
): void {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox(options);
    use(sandbox);
  });
  beforeEach(() => sandbox?.reset());
  afterAll(() => sandbox?.close());
}

/** The answer of {@link call}: status, headers and the parsed body (`undefined` when empty). */
export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** Calls the sandbox with its long-lived token through plain `fetch`. */
export async function call(
  sandbox: Sandbox,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<CallResult> {
  const init: RequestInit = {
    method,
    headers: {
      authorization: `Bearer ${sandbox.accessToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
  };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${sandbox.url}${path}`, init);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** Sends raw bytes on a fresh socket and resolves with what came back. */
export function rawExchange(sandbox: Sandbox, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(sandbox.port, '127.0.0.1', () => socket.end(bytes));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

/** A GET whose path is sent exactly as given (fetch would normalise `..`). */
export function rawGet(sandbox: Sandbox, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: sandbox.port,
        path,
        method: 'GET',
        headers: { authorization: `Bearer ${sandbox.accessToken}` },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
