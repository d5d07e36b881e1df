/** Sandboxes for the tests: in this process, or in a child process (when the CLI is killed). */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Kommo } from 'kommo-sdk';
import type { SandboxOptions } from 'kommo-sdk/sandbox';
import { CLI_DIR } from './cli.js';

/** A client of a sandbox that does not pace itself (the sandbox has no limit in these tests). */
export function client(url: string, accessToken: string): Kommo {
  return new Kommo({ baseUrl: url, accessToken, rateLimit: false });
}

/** A sandbox in a child process (tsx + the built kommo-sdk). */
export async function sandboxProcess(
  options: SandboxOptions,
): Promise<{ url: string; accessToken: string; close: () => Promise<void> }> {
  const tsx = join(CLI_DIR, '..', '..', 'node_modules', '.bin', 'tsx');
  const child = spawn(
    tsx,
    [join(CLI_DIR, 'test', 'support', 'sandbox-server.ts'), JSON.stringify(options)],
    {
      cwd: CLI_DIR,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      text += d;
      const nl = text.indexOf('\n');
      if (nl >= 0) resolve(text.slice(0, nl));
    });
    child.on('exit', (code) =>
      reject(new Error(`the sandbox process exited with ${String(code)}`)),
    );
  });
  const info = JSON.parse(line) as { url: string; accessToken: string };
  return {
    ...info,
    close: () =>
      new Promise<void>((resolve) => {
        child.on('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

/** A free loopback port (for a redirect URI the CLI listens on). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
