// Once Kommo has rejected the stored pair's refresh token, calls fail fast, without a request,
// until the store holds a different pair: no restart needed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  FileTokenStore,
  Kommo,
  KommoOAuth,
  MemoryTokenStore,
} from '../../src/index.js';
import { HOST } from '../support/client.js';
import { KEY, credentials, now, oauthClient, pair } from '../support/oauth.js';

/**
 * Kommo, counting requests: the token endpoint answers each refresh token or code from
 * `grants` (anything else: 401 "Token has been revoked"); the API answers 200 to `live` tokens
 * and 401 to the others, the n-th answer after `n * staggerMs` (as over a real network, where
 * concurrent calls do not all come back before the first refresh is over).
 */
function kommoServer(grants: Record<string, string> = {}, staggerMs = 0) {
  const tokenRequests: Array<Record<string, unknown>> = [];
  const apiRequests: string[] = [];
  const live = new Set<string>();
  nock(HOST)
    .persist()
    .post('/oauth2/access_token')
    .reply((_uri, body) => {
      const b = body as Record<string, string>;
      tokenRequests.push(b);
      const next = grants[b['refresh_token'] ?? b['code'] ?? ''];
      if (!next)
        return [401, { hint: 'Token has been revoked', title: 'Unauthorized', status: 401 }];
      live.add(`access-${next}`);
      return [
        200,
        {
          token_type: 'Bearer',
          expires_in: 86_400,
          access_token: `access-${next}`,
          refresh_token: `refresh-${next}`,
        },
      ];
    });
  nock(HOST)
    .persist()
    .get('/api/v4/account')
    .reply(async function reply() {
      const token = String(this.req.headers['authorization']).replace('Bearer ', '');
      apiRequests.push(token);
      if (staggerMs > 0) await new Promise((r) => setTimeout(r, apiRequests.length * staggerMs));
      return live.has(token)
        ? [200, { ok: token.replace('access-', '') }]
        : [401, { title: 'Unauthorized', status: 401, detail: 'Invalid user name or password' }];
    });
  return { tokenRequests, apiRequests, live };
}

const call = (kommo: Kommo) =>
  kommo.request<{ ok: string }>({ method: 'GET', path: '/api/v4/account' });

async function rejection(promise: Promise<unknown>): Promise<AuthenticationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  return error as AuthenticationError;
}

afterEach(() => {
  nock.cleanAll();
});

describe('a revoked refresh token', () => {
  it('50 concurrent calls make one token request and all reject with reauthorization_required; 20 more make none', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A') });
    const kommo = oauthClient(store);
    const server = kommoServer({}, 25);
    const errors = await Promise.all(Array.from({ length: 50 }, () => rejection(call(kommo))));
    expect(server.tokenRequests).toHaveLength(1);
    // The 50 were on the wire before the first 401 came back; none was sent after.
    expect(server.apiRequests).toHaveLength(50);
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(['reauthorization_required']));
    expect(errors.every((e) => e.status === 401)).toBe(true);

    for (let i = 0; i < 20; i++) {
      const error = await rejection(call(kommo));
      expect(error.code).toBe('reauthorization_required');
      expect(error.message).toContain('Token has been revoked');
      expect(error.message).toContain('no request was sent');
    }
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.apiRequests).toHaveLength(50);
  });

  it('20 sequential calls make one token request and one API request in all', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A') });
    const kommo = oauthClient(store);
    const server = kommoServer();
    for (let i = 0; i < 20; i++) {
      expect((await rejection(call(kommo))).code).toBe('reauthorization_required');
    }
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.apiRequests).toHaveLength(1);
  });

  it('another client of the same store fails fast too, without a request of its own', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A') });
    const server = kommoServer();
    await rejection(call(oauthClient(store)));
    const other = oauthClient(store);
    expect((await rejection(call(other))).code).toBe('reauthorization_required');
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.apiRequests).toHaveLength(1);
  });

  it('an expired token whose refresh is rejected fails fast afterwards, without sending the dead token', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A', -10) });
    const kommo = oauthClient(store);
    const server = kommoServer();
    for (let i = 0; i < 5; i++) await rejection(call(kommo));
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.apiRequests).toHaveLength(0);
  });

  it('a still-valid access token is used until Kommo refuses it, with no second refresh attempt', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A', 60) }); // within the 300 s margin
    const kommo = oauthClient(store);
    const server = kommoServer();
    server.live.add('access-A');
    for (let i = 0; i < 5; i++) expect(await call(kommo)).toEqual({ ok: 'A' });
    expect(server.tokenRequests).toHaveLength(1); // the proactive refresh, rejected
    server.live.delete('access-A'); // Kommo revokes the access token too
    expect((await rejection(call(kommo))).code).toBe('reauthorization_required');
    expect((await rejection(call(kommo))).code).toBe('reauthorization_required');
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.apiRequests).toHaveLength(6);
  });

  it('recovers without a restart once the user re-authorizes and another client saves and rotates the new pair', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A') });
    const kommo = oauthClient(store);
    const server = kommoServer({ 'code-1': 'N', 'refresh-N': 'N2' });
    await rejection(call(kommo));
    await rejection(call(kommo));
    expect(server.tokenRequests).toHaveLength(1);

    // The user re-authorizes: the OAuth callback saves the new pair, exactly as docs/auth.md shows.
    const { domain, tokens } = await new KommoOAuth(credentials).exchangeCode({
      code: 'code-1',
      referer: KEY,
    });
    await store.set(domain, { ...tokens, expires_at: now() + 60 }); // expiring soon
    // Another client instance of the process uses it first, and rotates it (proactive refresh).
    const other = oauthClient(store);
    expect(await call(other)).toEqual({ ok: 'N2' });
    expect((await store.get(KEY))?.refresh_token).toBe('refresh-N2');
    expect(server.tokenRequests.map((r) => r['grant_type'])).toEqual([
      'refresh_token',
      'authorization_code',
      'refresh_token',
    ]);

    // The first client was never restarted: its next call reads the store and works.
    expect(await call(kommo)).toEqual({ ok: 'N2' });
    expect(await call(kommo)).toEqual({ ok: 'N2' });
    expect(server.tokenRequests).toHaveLength(3);
  });

  it('recovers without a restart once another process saves a new pair through FileTokenStore', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kommo-revoked-'));
    try {
      const file = join(dir, 'tokens.json');
      const store = new FileTokenStore(file);
      await store.set(KEY, pair('A'));
      const kommo = oauthClient(store);
      const server = kommoServer();
      await rejection(call(kommo));
      await rejection(call(kommo));

      const script = fileURLToPath(
        new URL('./fixtures-scripts/file-store-save-pair.ts', import.meta.url),
      );
      const child = spawn(process.execPath, ['--import', 'tsx', script, file, KEY, 'P'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
      expect(out).toContain('saved');

      server.live.add('access-P');
      expect(await call(kommo)).toEqual({ ok: 'P' });
      expect(server.tokenRequests).toHaveLength(1);
      expect(server.apiRequests).toEqual(['access-A', 'access-P']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the error shape: AuthenticationError, status 401, Kommo hint, the rejection as cause', async () => {
    const store = new MemoryTokenStore({ [KEY]: pair('A') });
    const kommo = oauthClient(store);
    kommoServer();
    const first = await rejection(call(kommo));
    const fast = await rejection(call(kommo));
    for (const error of [first, fast]) {
      expect(error).toMatchObject({
        code: 'reauthorization_required',
        status: 401,
        hint: 'Token has been revoked',
        method: 'POST',
        url: `https://${KEY}/oauth2/access_token`,
      });
      expect(error.cause).toMatchObject({ code: 'oauth_error', status: 401 });
    }
  });
});
