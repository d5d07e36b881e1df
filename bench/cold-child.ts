/**
 * One fresh process of the cold-start group (`bench/cold-start.ts`): loads the built package
 * (`dist/`, what npm ships), runs one workload against the sandbox it is given, and reports
 * what it did. It never made a request before: its connection pool and its limiter are new.
 *
 * Not run by hand: `bench/cold-start.ts` forks it.
 */
import { pathToFileURL } from 'node:url';
import { root } from './lib.js';

/** What the parent sends. */
export interface ColdChildConfig {
  url: string;
  accessToken: string;
  workload: 'import' | 'parallel' | 'walk' | 'gets' | 'expired';
  /** The expired-token workload: a pair whose access token has expired, and the integration. */
  tokens?: unknown;
  oauth?: unknown;
  /** Share pacing through Redis with the other processes of the run. */
  redis?: { url: string; keyPrefix: string };
  /** A prefix of the lead names this process creates. */
  prefix: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ColdChildConfig;
const dist = (file: string): string => pathToFileURL(`${root}dist/${file}`).href;
const sdk = (await import(dist('index.js'))) as typeof import('../src/index.js');

let limiter: import('../src/index.js').RateLimiter | undefined;
let closeRedis = (): void => {};
if (config.redis) {
  const { Redis } = await import('ioredis');
  const redisEntry = (await import(dist('redis.js'))) as typeof import('../src/redis/index.js');
  const redis = new Redis(config.redis.url);
  closeRedis = () => redis.disconnect();
  limiter = new redisEntry.RedisRateLimiter(redis, { keyPrefix: config.redis.keyPrefix });
}

const kommo = new sdk.Kommo({
  baseUrl: config.url,
  ...(config.workload === 'expired'
    ? {
        oauth: config.oauth as never,
        tokens: config.tokens as never,
        tokenStore: new sdk.MemoryTokenStore(),
      }
    : { accessToken: config.accessToken }),
  ...(limiter ? { rateLimit: { limiter } } : {}),
});

let items = 0;
if (config.workload === 'import') {
  const rows = Array.from({ length: 2000 }, (_, i) => ({ name: `${config.prefix}${i}` }));
  items = (await kommo.leads.createMany(rows, { chunkSize: 250 })).length;
} else if (config.workload === 'parallel') {
  // The same 2,000 leads as eight createMany calls of 250 fired at once.
  const calls = Array.from({ length: 8 }, (_, c) =>
    kommo.leads.createMany(
      Array.from({ length: 250 }, (_, i) => ({ name: `${config.prefix}${c * 250 + i}` })),
      { chunkSize: 250 },
    ),
  );
  items = (await Promise.all(calls)).reduce((sum, refs) => sum + refs.length, 0);
} else if (config.workload === 'gets') {
  const pages = await Promise.all(
    Array.from({ length: 100 }, () => kommo.leads.list({ limit: 1 }).then((p) => p.items.length)),
  );
  items = pages.length;
} else if (config.workload === 'walk') {
  for await (const lead of kommo.leads.list({ limit: 250 })) if (lead.id > 0) items++;
} else {
  const pages = await Promise.all(
    Array.from({ length: 40 }, () => kommo.leads.list({ limit: 1 }).then((p) => p.items.length)),
  );
  items = pages.length;
}
closeRedis();
process.send!({ items }, () => process.exit(0));
