import { afterEach, describe, expect, it } from 'vitest';
import { Kommo, MemoryTokenStore } from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { call } from './helpers.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function token(
  s: Sandbox,
  body: Record<string, string>,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${s.url}/oauth2/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: s.oauth.clientId,
      client_secret: s.oauth.clientSecret,
      redirect_uri: s.oauth.redirectUri,
      ...body,
    }),
  });
  return { status: response.status, body: await response.json() };
}

describe('OAuth', () => {
  it('approves the consent page and redirects with code, state, referer, platform and client_id', async () => {
    sandbox = await startSandbox();
    const response = await fetch(
      `${sandbox.url}/oauth?client_id=${sandbox.oauth.clientId}&state=xyz&mode=popup`,
      { redirect: 'manual' },
    );
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(sandbox.oauth.redirectUri);
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('referer')).toBe('sandbox.kommo.com');
    expect(location.searchParams.get('platform')).toBe('2');
    expect(location.searchParams.get('client_id')).toBe(sandbox.oauth.clientId);
    const exchanged = await token(sandbox, {
      grant_type: 'authorization_code',
      code: location.searchParams.get('code')!,
    });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 86400,
      refresh_token: expect.stringMatching(/^def50200/),
    });
    const api = await fetch(`${sandbox.url}/api/v4/account`, {
      headers: { authorization: `Bearer ${exchanged.body.access_token}` },
    });
    expect(api.status).toBe(200);
    const reused = await token(sandbox, {
      grant_type: 'authorization_code',
      code: location.searchParams.get('code')!,
    });
    expect(reused).toMatchObject({
      status: 400,
      body: { hint: 'Authorization code has been revoked', status: 400 },
    });
    expect(sandbox.stats.tokenExchanges).toBe(2);
  });

  it('answers Kommo hints for a wrong secret, a garbage code and an expired code', async () => {
    sandbox = await startSandbox({ authorizationCodeTtlSec: 0 });
    expect(
      (await token(sandbox, { grant_type: 'authorization_code', code: 'x', client_secret: 'nope' }))
        .body.hint,
    ).toBe('Check the `client_secret` parameter');
    expect(
      (await token(sandbox, { grant_type: 'authorization_code', code: 'garbage' })).body.hint,
    ).toBe('Cannot decrypt the authorization code');
    const expired = await token(sandbox, {
      grant_type: 'authorization_code',
      code: sandbox.createAuthorizationCode(),
    });
    expect(expired.body).toEqual({
      hint: 'Authorization code has expired',
      title: 'Некорректный запрос',
      type: 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson',
      status: 400,
      detail: 'В запросе отсутствует ряд параметров или параметры невалидны',
    });
  });

  it('refuses a reused refresh token in strict mode with 401 Token has been revoked', async () => {
    sandbox = await startSandbox({ refreshTokenRotation: 'strict' });
    const first = sandbox.issueTokens();
    expect(
      (await token(sandbox, { grant_type: 'refresh_token', refresh_token: first.refresh_token }))
        .status,
    ).toBe(200);
    const again = await token(sandbox, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    expect(again).toMatchObject({
      status: 401,
      body: { hint: 'Token has been revoked', status: 401 },
    });
    expect(sandbox.stats).toMatchObject({ refreshes: 2, revokedRefreshAttempts: 1 });
  });

  it('keeps the old refresh token working in grace mode until the new one is used', async () => {
    sandbox = await startSandbox({ refreshTokenRotation: 'grace' });
    const first = sandbox.issueTokens();
    const second = await token(sandbox, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    const retry = await token(sandbox, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    expect(retry.status).toBe(200);
    expect(
      (
        await token(sandbox, {
          grant_type: 'refresh_token',
          refresh_token: second.body.refresh_token,
        })
      ).status,
    ).toBe(200);
    const old = await token(sandbox, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    expect(old).toMatchObject({ status: 401, body: { hint: 'Token has been revoked' } });
    expect(sandbox.stats).toMatchObject({ refreshes: 4, revokedRefreshAttempts: 1 });
  });

  it('answers 401 for a missing, unknown, expired or revoked access token', async () => {
    sandbox = await startSandbox();
    const noAuth = await fetch(`${sandbox.url}/api/v4/leads`);
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toEqual({
      title: 'Unauthorized',
      type: 'https://httpstatus.es/401',
      status: 401,
      detail: 'Invalid user name or password',
    });
    expect(
      (await call(sandbox, 'GET', '/api/v4/leads', undefined, { authorization: 'Bearer nope' }))
        .status,
    ).toBe(401);
    expect((await call(sandbox, 'GET', '/api/v4/account')).status).toBe(200);
    sandbox.expireAccessTokens();
    expect((await call(sandbox, 'GET', '/api/v4/account')).status).toBe(401);
    const pair = sandbox.issueTokens();
    sandbox.revokeTokens();
    expect(
      (
        await call(sandbox, 'GET', '/api/v4/account', undefined, {
          authorization: `Bearer ${pair.access_token}`,
        })
      ).status,
    ).toBe(401);
    expect(
      (await token(sandbox, { grant_type: 'refresh_token', refresh_token: pair.refresh_token }))
        .status,
    ).toBe(401);
    expect(sandbox.stats.status401).toBe(5);
  });

  it('lets the SDK survive an access token expiring mid-run with exactly one refresh', async () => {
    sandbox = await startSandbox({ rateLimit: false });
    const store = new MemoryTokenStore();
    const kommo = new Kommo({
      baseUrl: sandbox.url,
      oauth: sandbox.oauth,
      tokenStore: store,
      tokens: sandbox.issueTokens(),
      rateLimit: false,
      retry: { baseDelayMs: 0, maxDelayMs: 0 },
    });
    await kommo.request({ method: 'GET', path: '/api/v4/account' });
    sandbox.expireAccessTokens();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        kommo.request<{ id: number }>({ method: 'GET', path: '/api/v4/account' }),
      ),
    );
    expect(results.map((r) => r?.id)).toEqual(Array.from({ length: 10 }, () => 31204999));
    expect(sandbox.stats).toMatchObject({ refreshes: 1, revokedRefreshAttempts: 0 });
    expect((await store.get(new URL(sandbox.url).host))?.refresh_token).toMatch(/^def50200/);
  });
});
