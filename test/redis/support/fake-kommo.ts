import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TokenSet } from '../../../src/index.js';

/**
 * How the fake treats a refresh token that was already exchanged (kommo-api.md §2.2):
 * - `strict`: single use; a second use answers 401 `Token has been revoked`.
 * - `grace`: the previous refresh token keeps working until the new one is used.
 */
export type RotationMode = 'strict' | 'grace';

/** Options of {@link startFakeKommo}. */
export interface FakeKommoOptions {
  rotation: RotationMode;
  /** `expires_in` of issued access tokens; they stop working after it. */
  accessTtlSec: number;
  /** Arrivals allowed per sliding second before answering 429. @defaultValue 7 */
  requestsPerSecond?: number;
}

/** What the fake saw. Counts only, and arrival times of API requests (ms, server clock). */
export interface FakeKommoStats {
  /** Token requests with `grant_type=refresh_token`, accepted or not. */
  refreshCalls: number;
  /** Refreshes answered with a new pair. */
  rotations: number;
  /** Refreshes answered 401 `Token has been revoked`. */
  revoked: number;
  /** Refresh tokens presented, in order (to spot one used twice). */
  refreshTokensUsed: string[];
  /** API requests (not the token endpoint). */
  apiRequests: number;
  apiOk: number;
  unauthorized: number;
  tooManyRequests: number;
  /** Arrival time of every API request, `performance.timeOrigin + performance.now()`. */
  arrivals: number[];
  /** Arrival times of the refresh calls, same clock. */
  refreshArrivals: number[];
}

/** A fake Kommo account: the token endpoint, `GET /api/v4/account` and a 429 rule. */
export interface FakeKommo {
  url: string;
  stats: FakeKommoStats;
  /** The pair issued at start, to seed the token store with. */
  initial: TokenSet;
  /** Makes every issued access token stop working now (the next API call answers 401). */
  expireAccessTokens(): void;
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/**
 * Starts a small Kommo stand-in on 127.0.0.1 (used until the project's sandbox,
 * `src/sandbox`, exports `startSandbox`). Rotation, access-token expiry and the per-second
 * arrival count behave as kommo-api.md §2 and §4.3 describe.
 */
export async function startFakeKommo(options: FakeKommoOptions): Promise<FakeKommo> {
  const limit = options.requestsPerSecond ?? 7;
  const stats: FakeKommoStats = {
    refreshCalls: 0,
    rotations: 0,
    revoked: 0,
    refreshTokensUsed: [],
    apiRequests: 0,
    apiOk: 0,
    unauthorized: 0,
    tooManyRequests: 0,
    arrivals: [],
    refreshArrivals: [],
  };
  const accessExpiry = new Map<string, number>();
  let serial = 0;
  let current = '';
  let previous: string | null = null;

  const issue = (): { access_token: string; refresh_token: string; expires_in: number } => {
    serial++;
    const access = `fake-access-${serial}-${Math.random().toString(36).slice(2)}`;
    const refresh = `fake-refresh-${serial}-${Math.random().toString(36).slice(2)}`;
    accessExpiry.set(access, Date.now() + options.accessTtlSec * 1000);
    return { access_token: access, refresh_token: refresh, expires_in: options.accessTtlSec };
  };

  const first = issue();
  current = first.refresh_token;
  const initial: TokenSet = {
    access_token: first.access_token,
    refresh_token: first.refresh_token,
    token_type: 'Bearer',
    expires_at: Math.floor(Date.now() / 1000) + options.accessTtlSec,
  };

  const refresh = (token: string): { status: number; body: unknown } => {
    stats.refreshCalls++;
    stats.refreshArrivals.push(performance.timeOrigin + performance.now());
    stats.refreshTokensUsed.push(token);
    // `previous` is the token exchanged last; in grace mode it works until its successor
    // (`current`) is exchanged.
    const valid = token === current || (options.rotation === 'grace' && token === previous);
    if (!valid) {
      stats.revoked++;
      return {
        status: 401,
        body: {
          hint: 'Token has been revoked',
          title: 'Unauthorized',
          status: 401,
          detail: 'Invalid refresh token',
        },
      };
    }
    previous = token;
    const pair = issue();
    current = pair.refresh_token;
    stats.rotations++;
    return {
      status: 200,
      body: { token_type: 'Bearer', server_time: Math.floor(Date.now() / 1000), ...pair },
    };
  };

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'POST' && path === '/oauth2/access_token') {
        let grant: Record<string, unknown> = {};
        try {
          grant = JSON.parse(body) as Record<string, unknown>;
        } catch {
          grant = Object.fromEntries(new URLSearchParams(body));
        }
        if (grant['grant_type'] !== 'refresh_token' || typeof grant['refresh_token'] !== 'string') {
          json(res, 400, { hint: 'unsupported grant', status: 400 });
          return;
        }
        const answer = refresh(grant['refresh_token']);
        json(res, answer.status, answer.body);
        return;
      }
      if (path === '/__warmup') {
        // Not an API call: lets a new process open its connection before it is measured.
        res.writeHead(204).end();
        return;
      }
      stats.apiRequests++;
      const now = performance.timeOrigin + performance.now();
      stats.arrivals.push(now);
      let inLastSecond = 0;
      for (let i = stats.arrivals.length - 1; i >= 0 && stats.arrivals[i]! > now - 1000; i--)
        inLastSecond++;
      if (inLastSecond > limit) {
        stats.tooManyRequests++;
        json(res, 429, { title: 'Too Many Requests', status: 429, retry_after: 1 });
        return;
      }
      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      const expiry = accessExpiry.get(token);
      if (expiry === undefined || expiry <= Date.now()) {
        stats.unauthorized++;
        json(res, 401, {
          title: 'Unauthorized',
          status: 401,
          detail: 'Access token expired or revoked',
        });
        return;
      }
      if (req.method === 'GET' && path === '/api/v4/account') {
        stats.apiOk++;
        json(res, 200, { id: 31_000_001, name: 'Fake account', subdomain: 'fake', country: 'US' });
        return;
      }
      json(res, 404, { title: 'Not Found', status: 404 });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    initial,
    expireAccessTokens() {
      for (const token of accessExpiry.keys()) accessExpiry.set(token, 0);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The most arrivals in any window of `windowMs` ending at an arrival. */
export function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[start]! <= sorted[end]! - windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}
