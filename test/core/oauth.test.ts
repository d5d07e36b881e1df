import { readFileSync } from 'node:fs';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  KommoOAuth,
  OAuthError,
  ResponseValidationError,
  toTokenSet,
} from '../../src/index.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
const creds = {
  clientId: 'f1f2f3f4-1111-2222-3333-444455556666',
  clientSecret: 'super-secret-value-123',
  redirectUri: 'https://app.example.com/oauth/callback',
};

describe('KommoOAuth', () => {
  it('builds the Kommo consent URL, and the amoCRM one for that platform', () => {
    expect(new KommoOAuth(creds).authorizationUrl({ state: 'abc', mode: 'popup' })).toBe(
      'https://www.kommo.com/oauth?client_id=f1f2f3f4-1111-2222-3333-444455556666&state=abc&mode=popup',
    );
    expect(
      new KommoOAuth({ ...creds, platform: 'amocrm' }).authorizationUrl({ state: 'x y' }),
    ).toBe('https://www.amocrm.ru/oauth?client_id=f1f2f3f4-1111-2222-3333-444455556666&state=x+y');
  });

  it('refuses bad options and a missing state', () => {
    expect(() => new KommoOAuth({ ...creds, clientSecret: '' })).toThrow(ConfigurationError);
    expect(() => new KommoOAuth({ ...creds, platform: 'bitrix' as never })).toThrow(
      ConfigurationError,
    );
    expect(() => new KommoOAuth(creds).authorizationUrl({ state: '' })).toThrow(ConfigurationError);
    expect(() =>
      new KommoOAuth(creds).authorizationUrl({ state: 's', mode: 'tab' as never }),
    ).toThrow(ConfigurationError);
  });

  it('creates states that verify, and refuses tampered, foreign, expired or mismatched ones', async () => {
    const oauth = new KommoOAuth(creds);
    const state = await oauth.createState();
    expect(state).not.toContain(creds.clientSecret);
    expect(await oauth.verifyState(state)).toBe(true);
    expect(await oauth.verifyState(state, state)).toBe(true);
    expect(await oauth.verifyState(state, `${state}x`)).toBe(false);
    expect(await oauth.verifyState(`${state.slice(0, -2)}aa`)).toBe(false);
    expect(
      await new KommoOAuth({ ...creds, clientSecret: 'another-secret' }).verifyState(state),
    ).toBe(false);
    expect(await oauth.verifyState(undefined)).toBe(false);
    expect(await oauth.verifyState('a.b')).toBe(false);
    expect(
      await new KommoOAuth({ ...creds, stateMaxAgeSec: -1 }).verifyState(await oauth.createState()),
    ).toBe(false);
  });

  it('exchanges a code on the account named by the referer and returns the domain and tokens', async () => {
    let sent: unknown;
    nock('https://acmesales.kommo.com')
      .post('/oauth2/access_token', (body) => {
        sent = body;
        return true;
      })
      .reply(200, fixture('oauth_token_response.json'));
    const before = Math.floor(Date.now() / 1000);
    const { domain, tokens } = await new KommoOAuth(creds).exchangeCode({
      code: 'def50200a1b2',
      referer: 'acmesales.kommo.com',
    });
    expect(domain).toBe('acmesales.kommo.com');
    expect(sent).toEqual({
      client_id: creds.clientId,
      client_secret: creds.clientSecret,
      redirect_uri: creds.redirectUri,
      grant_type: 'authorization_code',
      code: 'def50200a1b2',
    });
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.refresh_token).toMatch(/^def50200/);
    expect(tokens.expires_at).toBeGreaterThanOrEqual(before + 86_400);
    expect(tokens['server_time']).toBe(1735843186);
    expect(tokens).not.toHaveProperty('expires_in');
  });

  it('validates the referer before sending anything to it', async () => {
    await expect(
      new KommoOAuth(creds).exchangeCode({ code: 'c', referer: 'acme.kommo.com.evil.io' }),
    ).rejects.toBeInstanceOf(ConfigurationError);
    await expect(
      new KommoOAuth(creds).exchangeCode({ code: '', referer: 'acme.kommo.com' }),
    ).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('maps token endpoint errors to OAuthError with the hint', async () => {
    nock('https://acme.kommo.com')
      .post('/oauth2/access_token')
      .reply(400, fixture('oauth_error_code_expired.json'));
    const error = (await new KommoOAuth(creds)
      .exchangeCode({ code: 'old', referer: 'acme.kommo.com' })
      .catch((e: unknown) => e)) as OAuthError;
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.code).toBe('oauth_error');
    expect(error.status).toBe(400);
    expect(error.hint).toBe('Authorization code has expired');
    expect(error.message).toBe(
      'Code exchange failed: 400 Authorization code has expired (POST /oauth2/access_token on acme.kommo.com)',
    );
  });

  it('refreshes and reports a revoked refresh token as OAuthError 401', async () => {
    nock('https://acme.amocrm.ru')
      .post('/oauth2/access_token', {
        client_id: creds.clientId,
        client_secret: creds.clientSecret,
        redirect_uri: creds.redirectUri,
        grant_type: 'refresh_token',
        refresh_token: 'r-1',
      })
      .reply(401, fixture('oauth_error_refresh_revoked_401.json'));
    const error = (await new KommoOAuth(creds)
      .refresh('acme.amocrm.ru', 'r-1')
      .catch((e: unknown) => e)) as OAuthError;
    expect(error.status).toBe(401);
    expect(error.hint).toBe('Token has been revoked');
  });

  it('refuses a 200 without a usable pair, without echoing tokens', async () => {
    nock('https://acme.kommo.com')
      .post('/oauth2/access_token')
      .reply(200, { access_token: 'leaky-access-token', token_type: 'Bearer' });
    const error = (await new KommoOAuth(creds)
      .refresh('acme', 'r')
      .catch((e: unknown) => e)) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(JSON.stringify(error.body)).not.toContain('leaky-access-token');
  });

  it('never shows the client secret when inspected or serialized', async () => {
    const { inspect } = await import('node:util');
    const oauth = new KommoOAuth(creds);
    expect(inspect(oauth)).not.toContain(creds.clientSecret);
    expect(JSON.stringify(oauth)).not.toContain(creds.clientSecret);
  });
});

describe('toTokenSet', () => {
  it('computes expires_at from expires_in and keeps extra fields', () => {
    expect(
      toTokenSet(
        {
          token_type: 'Bearer',
          expires_in: 100,
          access_token: 'a',
          refresh_token: 'r',
          server_time: 5,
          extra: 1,
        },
        1000,
      ),
    ).toEqual({
      token_type: 'Bearer',
      expires_at: 1100,
      access_token: 'a',
      refresh_token: 'r',
      server_time: 5,
      extra: 1,
    });
  });
  it('refuses a pair without a refresh token', () => {
    expect(() => toTokenSet({ access_token: 'a', expires_in: 1 } as never)).toThrow(
      ConfigurationError,
    );
  });
});
