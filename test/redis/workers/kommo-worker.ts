// One "process" of an integration: its own Redis connection, RedisTokenStore,
// RedisRateLimiter and Kommo client on the shared account.
//
// mode `run`: on "go", sends `requests` GET /api/v4/account with `concurrency` in flight and
// reports starts, successes and error codes.
// mode `die-before-token` / `die-after-token`: sends one request whose token is expired, so it
// takes the refresh lock and calls the token endpoint; it tells the test just before sending
// that call (or just after its answer arrived, before the store write) and then hangs there
// until the test kills it.
import { Redis } from 'ioredis';
import { Kommo, isKommoError } from '../../../src/index.js';
import { RedisRateLimiter, RedisTokenStore } from '../../../src/redis/index.js';

const config = JSON.parse(process.argv[2]!) as {
  redisUrl: string;
  keyPrefix: string;
  baseUrl: string;
  mode: 'run' | 'die-before-token' | 'die-after-token';
  requests?: number;
  concurrency?: number;
  refreshMarginSec?: number;
  lockTtlMs?: number;
};

const redis = new Redis(config.redisUrl);
const hang = () => new Promise<never>(() => undefined);

const kommoFetch: typeof fetch = async (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  if (!url.endsWith('/oauth2/access_token') || config.mode === 'run')
    return globalThis.fetch(input, init);
  if (config.mode === 'die-before-token') {
    process.send!({ type: 'token-request' });
    return hang();
  }
  const response = await globalThis.fetch(input, init);
  await response.text(); // the new pair has arrived…
  process.send!({ type: 'token-answered' });
  return hang(); // …and is never stored
};

const starts: number[] = [];
const refreshes: string[] = [];
const kommo = new Kommo({
  baseUrl: config.baseUrl,
  oauth: {
    clientId: 'client-uuid',
    clientSecret: 'client-secret',
    redirectUri: 'https://app.example.com/cb',
  },
  tokenStore: new RedisTokenStore(redis, {
    keyPrefix: config.keyPrefix,
    ...(config.lockTtlMs ? { lockTtlMs: config.lockTtlMs } : {}),
  }),
  rateLimit: { limiter: new RedisRateLimiter(redis, { keyPrefix: config.keyPrefix }) },
  refreshMarginSec: config.refreshMarginSec ?? 0,
  retry: { baseDelayMs: 100, maxDelayMs: 1000 },
  fetch: kommoFetch,
  hooks: {
    onRequest: () => starts.push(performance.timeOrigin + performance.now()),
    onRefresh: (event) => refreshes.push(event.reason),
  },
});

async function run(): Promise<void> {
  let left = config.requests ?? 0;
  let ok = 0;
  const errors: Array<{ code: string; message: string }> = [];
  await Promise.all(
    Array.from({ length: config.concurrency ?? 1 }, async () => {
      while (left > 0) {
        left--;
        try {
          await kommo.request({ method: 'GET', path: '/api/v4/account' });
          ok++;
        } catch (error) {
          errors.push({
            code: isKommoError(error) ? error.code : 'unknown',
            message: (error as Error).message,
          });
        }
      }
    }),
  );
  process.send!({ type: 'done', ok, errors, starts, refreshes }, () => {
    redis.disconnect();
    process.exit(0);
  });
}

if (config.mode === 'run') {
  // A process's very first request loads undici and the SDK's code and opens the connection,
  // which can take ~100 ms on a busy machine: a freshly started process sends its first
  // requests late and bunched. Long-running processes are warm; warm this one up before the
  // measured run (the fake does not count `/__warmup`).
  await kommo.request({ method: 'GET', path: '/__warmup' });
  process.send!({ type: 'ready' });
  process.once('message', () => {
    // Warm again: the connection may have closed while the other processes were starting.
    void kommo.request({ method: 'GET', path: '/__warmup' }).then(run);
  });
} else {
  void kommo.request({ method: 'GET', path: '/api/v4/account' });
}
