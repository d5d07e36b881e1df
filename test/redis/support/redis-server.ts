import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** What `npm run test:redis` and `bench/redis.ts` print when redis-server is missing. */
export const INSTALL_HINT =
  'redis-server is not installed. The Redis tests and benchmark run against a real Redis: install it with `apt-get install -y redis-server` (Debian/Ubuntu; run `apt-get update` first on a fresh machine) or `brew install redis` (macOS), then run the command again.';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start within 10 s:\n${output}`)),
      10_000,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new Error(INSTALL_HINT) : error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(`redis-server exited with code ${String(code)} before it was ready:\n${output}`),
      );
    });
  });
}

/** A throw-away redis-server on a free loopback port, persistence off. */
export async function startRedisServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await waitForReady(child);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The Redis of a run: `$REDIS_URL` when set (left running), else a throw-away redis-server
 * stopped by `stop()`. `bench/redis.ts` uses it; `npm run test:redis` always starts its own.
 */
export async function redisForRun(): Promise<{ url: string; stop: () => Promise<void> }> {
  const url = process.env['REDIS_URL'];
  if (url !== undefined && url !== '') return { url, stop: () => Promise.resolve() };
  return startRedisServer();
}
