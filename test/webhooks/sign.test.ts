import { describe, expect, it } from 'vitest';
import { ConfigurationError, signWebhook, verifyWebhook } from '../../src/index.js';
import { fixture } from './fixtures.js';

const vectors = JSON.parse(fixture('signature_vectors.json'));

describe('signWebhook', () => {
  it('puts the secret into the URL for url-secret, which then verifies', async () => {
    const { url } = await signWebhook({
      scheme: 'url-secret',
      url: 'https://x.test/kommo?a=1',
      secret: 's e/c',
    });
    expect(url).toBe('https://x.test/kommo?a=1&secret=s+e%2Fc');
    await expect(verifyWebhook({ url }, { secret: 's e/c' })).resolves.toEqual({
      scheme: 'url-secret',
    });
  });

  it('reproduces the disconnect-hook signature vector', async () => {
    const v = vectors.disconnect_hook;
    const { url } = await signWebhook({
      scheme: 'disconnect',
      url: 'https://x.test/disconnect',
      secret: v.client_secret,
      clientUuid: v.client_uuid,
      accountId: 31204999,
    });
    expect(new URL(url).search.slice(1)).toBe(fixture('disconnect_hook_query.txt').trim());
  });

  it('reproduces the Chats webhook X-Signature vector', async () => {
    const v = vectors.chats_incoming_webhook;
    const signed = await signWebhook({
      scheme: 'chats',
      secret: v.channel_secret,
      body: fixture('chats_webhook_v2.json'),
    });
    expect(signed).toEqual({
      signature: v.expected_x_signature,
      headers: { 'x-signature': v.expected_x_signature },
    });
  });

  it('reproduces the one-time token vector byte for byte', async () => {
    const v = vectors.one_time_token;
    const { token, headers } = await signWebhook({
      scheme: 'widget-jwt',
      secret: v.secret,
      claims: v.expected_claims,
    });
    expect(token).toBe(fixture('one_time_token_jwt.txt').trim());
    expect(headers).toEqual({ 'x-auth-token': token });
  });

  it('fills iat, nbf and exp from the clock when absent', async () => {
    const { token } = await signWebhook({
      scheme: 'widget-jwt',
      secret: 's',
      claims: { aud: 'https://a.test' },
      now: () => 1_000_000,
      ttlSec: 60,
    });
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(payload).toEqual({ iat: 1000, nbf: 1000, exp: 1060, aud: 'https://a.test' });
  });

  it('refuses an empty secret', async () => {
    await expect(signWebhook({ scheme: 'hmac', secret: '', body: 'x' })).rejects.toBeInstanceOf(
      ConfigurationError,
    );
  });
});
