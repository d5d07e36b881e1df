import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

const opened: Redis[] = [];

/** The URL of the redis-server started by global-setup.ts. */
export function redisUrl(): string {
  return inject('redisUrl');
}

/** A new connection to the test Redis (one per simulated process); closed by {@link closeAll}. */
export function connect(): Redis {
  const client = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  opened.push(client);
  return client;
}

/** A client pointed at a port where nothing listens: Redis "unreachable". */
export async function unreachable(): Promise<Redis> {
  const port = await new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
  const client = new Redis({
    host: '127.0.0.1',
    port,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 50,
  });
  client.on('error', () => undefined);
  opened.push(client);
  return client;
}

export async function closeAll(): Promise<void> {
  for (const client of opened.splice(0)) client.disconnect();
  await Promise.resolve();
}

/** A key prefix of its own per test, so tests never see each other's keys. */
export function prefix(): string {
  return `test:${randomUUID().slice(0, 8)}:`;
}

/** Redis' own clock in milliseconds (the limiter's clock). */
export async function redisTimeMs(client: Redis): Promise<number> {
  const [sec, micro] = await client.time();
  return Number(sec) * 1000 + Math.floor(Number(micro) / 1000);
}
