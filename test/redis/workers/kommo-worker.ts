// One "process" of an integration against the sandbox: its own Redis connection,
// RedisTokenStore, RedisRateLimiter and Kommo client on the shared account.
//
// mode `run`: warms up (a connection and the SDK's code, outside the shared budget), says
// "ready", and on "go" sends `requests` GET /api/v4/account with `concurrency` in flight; then
// reports successes, error codes and refresh reasons.
// mode `die-in-lock`: sends one request with an expired pair, so it takes the refresh lock; it
// says "locked" and hangs inside the lock, before its token request, until the test kills it.
// mode `die-before-store`: the same, but the token request goes out and its answer arrives;
// the store write then says "token-answered" and hangs, so the new pair is never stored.
import { Redis } from 'ioredis';
import { Kommo, isKommoError, type TokenStore } from '../../../src/index.js';
import { RedisRateLimiter, RedisTokenStore } from '../../../src/redis/index.js';

/** What the test passes as the worker's argument. */
export interface KommoWorkerConfig {
  name: string;
  redisUrl: string;
  keyPrefix: string;
  baseUrl: string;
  oauth: { clientId: string; clientSecret: string; redirectUri: string };
  mode: 'run' | 'die-in-lock' | 'die-before-store';
  requests?: number;
  concurrency?: number;
  lockTtlMs?: number;
  /** The client's `breaker` option (the default when absent). */
  breaker?: { coolDownMs?: number; whenOpen?: 'fail' | 'wait' };
}

const config = JSON.parse(process.argv[2]!) as KommoWorkerConfig;
const redis = new Redis(config.redisUrl);
const hang = () => new Promise<never>(() => undefined);
const send = (message: Record<string, unknown>) =>
  new Promise<void>((resolve) => process.send!(message, () => resolve()));

const redisStore = new RedisTokenStore(redis, {
  keyPrefix: config.keyPrefix,
  ...(config.lockTtlMs ? { lockTtlMs: config.lockTtlMs } : {}),
});
// The kill windows are simulated around the store, not inside the sandbox: `withLock` runs its
// caller's function only after the lock is taken, and the SDK calls `set` only after Kommo's
// answer arrived.
const tokenStore: TokenStore =
  config.mode === 'die-in-lock'
    ? {
        get: (key) => redisStore.get(key),
        set: (key, tokens, options) => redisStore.set(key, tokens, options),
        withLock: (key) =>
          redisStore.withLock(key, async () => {
            await send({ type: 'locked' });
            return hang();
          }),
      }
    : config.mode === 'die-before-store'
      ? {
          get: (key) => redisStore.get(key),
          set: async () => {
            await send({ type: 'token-answered' });
            return hang();
          },
          withLock: (key, fn) => redisStore.withLock(key, fn),
        }
      : redisStore;

const refreshes: string[] = [];
/** `onBlocked` reasons, one per opening this process saw. */
const blocked: string[] = [];
/** When each request was handed to fetch (after its slot), by its `from` tag, for diagnosis. */
const sent: Array<[tag: string, at: number]> = [];
const timedFetch: typeof fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  const tag = new URL(url).searchParams.get('from');
  if (tag !== null) sent.push([tag, performance.timeOrigin + performance.now()]);
  return globalThis.fetch(input, init);
};
const kommo = new Kommo({
  baseUrl: config.baseUrl,
  oauth: config.oauth,
  tokenStore,
  rateLimit: { limiter: new RedisRateLimiter(redis, { keyPrefix: config.keyPrefix }) },
  // Tokens expire when the test says so (sandbox.expireAccessTokens): a 401 mid-run.
  refreshMarginSec: 0,
  retry: { baseDelayMs: 100, maxDelayMs: 1000 },
  hooks: {
    onRefresh: (event) => refreshes.push(event.reason),
    onBlocked: (event) => blocked.push(event.reason),
  },
  ...(config.breaker ? { breaker: config.breaker } : {}),
  fetch: timedFetch,
});

/**
 * A freshly started process sends its first requests late: the first call loads and compiles
 * the SDK's code paths and opens connections, which takes tens of ms on a busy machine, after
 * the rate-limit slot was granted. Long-running processes are warm, so warm this one up first,
 * outside the shared budget: a client without a limiter asks for a path the sandbox does not
 * count (404), once per connection the run will use.
 */
async function warmUp(): Promise<void> {
  const warm = new Kommo({
    baseUrl: config.baseUrl,
    accessToken: 'warm-up',
    rateLimit: false,
    maxRetries: 0,
  });
  await Promise.all(
    Array.from({ length: config.concurrency ?? 1 }, () =>
      warm.request({ method: 'GET', path: '/__warmup' }).catch(() => undefined),
    ),
  );
  await redisStore.get(new URL(config.baseUrl).host);
}

async function run(): Promise<void> {
  let left = config.requests ?? 0;
  let seq = 0;
  let ok = 0;
  const errors: Array<{ code: string; message: string }> = [];
  await Promise.all(
    Array.from({ length: config.concurrency ?? 1 }, async () => {
      while (left > 0) {
        left--;
        try {
          // `from` lets a failing test tell the processes apart in the sandbox's request log.
          await kommo.request({
            method: 'GET',
            path: '/api/v4/account',
            query: { from: `${config.name}-${++seq}` },
          });
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
  // `onBlocked` fires once the shared breaker's Redis write answers: let it land first.
  await new Promise((resolve) => setTimeout(resolve, 200));
  await send({ type: 'done', ok, errors, refreshes, blocked, sent });
  redis.disconnect();
  process.exit(0);
}

if (config.mode === 'run') {
  // Keep the connections open and the code hot while the other processes start (which can take
  // seconds on a busy machine), and do not warm up again on "go": warming up four processes at
  // once is a burst of work that delays the first counted requests, while the next second's
  // requests arrive on time, and the sandbox then sees them bunched.
  let warming = warmUp();
  await warming;
  const keepWarm = setInterval(() => {
    warming = warmUp();
  }, 1000);
  await send({ type: 'ready' });
  // "hold": stop warming up and say "held" once the last warm-up is over (the test changes the
  // account before "go"); "go": run.
  process.on('message', (message: { type?: string }) => {
    clearInterval(keepWarm);
    if (message.type === 'hold') void warming.then(() => send({ type: 'held' }));
    else void warming.then(run);
  });
} else {
  await redis.ping();
  void kommo.request({ method: 'GET', path: '/api/v4/account' });
}
