import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ConfigurationError,
  signWebhook,
  verifyWebhook,
  WebhookVerificationError,
  type VerifyWebhookOptions,
  type WebhookVerificationReason,
} from '../../src/index.js';
import { expectNoFailure } from '../support/webhooks.js';
import { fixture, fixtureBytes, WEBHOOK_BODY_FIXTURES } from './fixtures.js';
import { checkVerify, mutatedBody, verifyCase } from './fuzz-inputs.js';

const vectors = JSON.parse(fixture('signature_vectors.json'));
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const SECRET = 'k0mmo-url-secret-9f1c2b7e';

async function reason(promise: Promise<unknown>): Promise<WebhookVerificationReason> {
  const error = await promise.then(
    () => {
      throw new Error('verification passed but should have failed');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  expect((error as WebhookVerificationError).code).toBe('webhook_verification_failed');
  // The secret never leaks into what gets logged.
  expect(JSON.stringify({ m: (error as Error).message, ...(error as object) })).not.toContain(
    SECRET,
  );
  return (error as WebhookVerificationError).reason;
}

function post(
  url: string,
  body = fixture('webhook_lead_status_won.txt'),
  headers: Record<string, string> = FORM,
) {
  return new Request(url, { method: 'POST', headers, body });
}

describe("verifyWebhook: 'url-secret' (standard webhooks)", () => {
  it('accepts the secret in the query parameter, as a Request and as { url, headers, body }', async () => {
    await expect(
      verifyWebhook(post(`https://x.test/kommo?secret=${SECRET}`), { secret: SECRET }),
    ).resolves.toEqual({
      scheme: 'url-secret',
    });
    await expect(
      verifyWebhook(
        { url: `/kommo?secret=${SECRET}`, headers: FORM, body: 'x=1' },
        { secret: SECRET },
      ),
    ).resolves.toEqual({ scheme: 'url-secret' });
  });

  it('leaves the Request body readable after verification', async () => {
    const request = post(`https://x.test/kommo?secret=${SECRET}`);
    await verifyWebhook(request, { secret: SECRET, expectedAccount: { id: 31204999 } });
    await expect(request.text()).resolves.toBe(fixture('webhook_lead_status_won.txt'));
  });

  it('reads a custom parameter or a path segment', async () => {
    await expect(
      verifyWebhook(post(`https://x.test/kommo?token=${SECRET}&secret=nope`), {
        secret: SECRET,
        param: 'token',
      }),
    ).resolves.toEqual({ scheme: 'url-secret' });
    await expect(
      verifyWebhook(post(`https://x.test/hooks/${SECRET}/kommo`), {
        secret: SECRET,
        pathSegment: 1,
      }),
    ).resolves.toEqual({ scheme: 'url-secret' });
    await expect(
      verifyWebhook(post(`https://x.test/hooks/${SECRET}`), { secret: SECRET, pathSegment: -1 }),
    ).resolves.toEqual({ scheme: 'url-secret' });
  });

  it('accepts any of several secrets during a rotation', async () => {
    await expect(
      verifyWebhook(post(`https://x.test/k?secret=${SECRET}`), { secret: ['old-secret', SECRET] }),
    ).resolves.toEqual({ scheme: 'url-secret' });
  });

  it('fails with missing_signature without a secret and bad_signature with a wrong one', async () => {
    expect(await reason(verifyWebhook(post('https://x.test/kommo'), { secret: SECRET }))).toBe(
      'missing_signature',
    );
    expect(
      await reason(verifyWebhook(post('https://x.test/kommo?secret='), { secret: SECRET })),
    ).toBe('missing_signature');
    expect(
      await reason(
        verifyWebhook(post(`https://x.test/kommo?secret=${SECRET}x`), { secret: SECRET }),
      ),
    ).toBe('bad_signature');
    expect(
      await reason(
        verifyWebhook(post(`https://x.test/kommo?secret=${SECRET.slice(0, -1)}`), {
          secret: SECRET,
        }),
      ),
    ).toBe('bad_signature');
    expect(
      await reason(
        verifyWebhook(post('https://x.test/hooks/nope'), { secret: SECRET, pathSegment: -1 }),
      ),
    ).toBe('bad_signature');
  });

  it('checks the account in the body when expectedAccount is given', async () => {
    const url = `https://x.test/kommo?secret=${SECRET}`;
    await expect(
      verifyWebhook(post(url), {
        secret: SECRET,
        expectedAccount: { id: 31204999, subdomain: 'AcmeSales' },
      }),
    ).resolves.toEqual({ scheme: 'url-secret' });
    expect(
      await reason(verifyWebhook(post(url), { secret: SECRET, expectedAccount: { id: 1 } })),
    ).toBe('wrong_account');
    expect(
      await reason(
        verifyWebhook(post(url), { secret: SECRET, expectedAccount: { subdomain: 'evil' } }),
      ),
    ).toBe('wrong_account');
    expect(
      await reason(
        verifyWebhook(post(url, 'leads[add][0][id]=1'), {
          secret: SECRET,
          expectedAccount: { id: 1 },
        }),
      ),
    ).toBe('wrong_account');
    expect(
      await reason(
        verifyWebhook(post(url, 'account[id]=%FF'), { secret: SECRET, expectedAccount: { id: 1 } }),
      ),
    ).toBe('malformed');
  });

  it('refuses an empty secret as a configuration error instead of accepting everything', async () => {
    await expect(
      verifyWebhook(post('https://x.test/kommo?secret='), { secret: '' }),
    ).rejects.toBeInstanceOf(ConfigurationError);
    await expect(verifyWebhook(post('https://x.test/kommo'), { secret: [] })).rejects.toMatchObject(
      {
        code: 'configuration_error',
      },
    );
  });
});

describe("verifyWebhook: 'disconnect'", () => {
  const v = vectors.disconnect_hook;
  const url = `https://x.test/disconnect?${fixture('disconnect_hook_query.txt').trim()}`;
  const options = {
    scheme: 'disconnect',
    secret: v.client_secret,
    clientUuid: v.client_uuid,
  } as const;

  it('accepts the signature vector and returns its claims', async () => {
    const result = await verifyWebhook({ url }, options);
    expect(result).toEqual({
      scheme: 'disconnect',
      claims: { client_uuid: v.client_uuid, account_id: 31204999 },
    });
    expectTypeOf(result.claims.account_id).toEqualTypeOf<number>();
  });

  it('fails on a tampered account, signature or client and on a missing signature', async () => {
    expect(await reason(verifyWebhook({ url: url.replace('31204999', '31204998') }, options))).toBe(
      'bad_signature',
    );
    expect(
      await reason(
        verifyWebhook({ url: url.replace(/signature=.{4}/, 'signature=0000') }, options),
      ),
    ).toBe('bad_signature');
    expect(await reason(verifyWebhook({ url: url.replace(/&signature=.*/, '') }, options))).toBe(
      'missing_signature',
    );
    expect(
      await reason(verifyWebhook({ url: url.replace(/signature=.*/, 'signature=zz') }, options)),
    ).toBe('bad_signature');
    expect(await reason(verifyWebhook({ url }, { ...options, secret: 'another-secret' }))).toBe(
      'bad_signature',
    );
    // Correctly signed, but for another integration.
    const other = await signWebhook({
      scheme: 'disconnect',
      url: 'https://x.test/disconnect',
      secret: v.client_secret,
      clientUuid: 'other-uuid',
      accountId: 31204999,
    });
    expect(await reason(verifyWebhook(other, options))).toBe('wrong_client');
    expect(await reason(verifyWebhook({ url }, { ...options, expectedAccount: { id: 5 } }))).toBe(
      'wrong_account',
    );
  });
});

describe("verifyWebhook: 'chats'", () => {
  const v = vectors.chats_incoming_webhook;
  const body = fixtureBytes('chats_webhook_v2.json');

  it('accepts the X-Signature vector over the raw body bytes', async () => {
    expect(body.byteLength).toBe(v.body_sha1_input_bytes);
    const request = new Request('https://x.test/amojo', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': v.expected_x_signature },
      body,
    });
    await expect(
      verifyWebhook(request, { scheme: 'chats', secret: v.channel_secret }),
    ).resolves.toEqual({
      scheme: 'chats',
    });
    await expect(
      verifyWebhook(
        { url: '/amojo', headers: { 'X-Signature': v.expected_x_signature.toUpperCase() }, body },
        { scheme: 'chats', secret: v.channel_secret },
      ),
    ).resolves.toEqual({ scheme: 'chats' });
  });

  it('fails on a tampered body, a wrong secret and a missing header', async () => {
    const tampered = new TextDecoder().decode(body).replace('Hello', 'Hallo');
    const headers = { 'x-signature': v.expected_x_signature };
    expect(
      await reason(
        verifyWebhook(
          { url: '/a', headers, body: tampered },
          { scheme: 'chats', secret: v.channel_secret },
        ),
      ),
    ).toBe('bad_signature');
    expect(
      await reason(
        verifyWebhook({ url: '/a', headers, body }, { scheme: 'chats', secret: 'nope' }),
      ),
    ).toBe('bad_signature');
    expect(
      await reason(
        verifyWebhook({ url: '/a', body }, { scheme: 'chats', secret: v.channel_secret }),
      ),
    ).toBe('missing_signature');
  });

  it('reports an oversized body as malformed', async () => {
    const headers = { 'x-signature': v.expected_x_signature };
    expect(
      await reason(
        verifyWebhook(
          { url: '/a', headers, body },
          { scheme: 'chats', secret: v.channel_secret, maxBytes: 10 },
        ),
      ),
    ).toBe('malformed');
  });
});

describe("verifyWebhook: 'widget-jwt'", () => {
  const v = vectors.one_time_token;
  const token = fixture('one_time_token_jwt.txt').trim();
  const at = (sec: number) => () => sec * 1000;
  const options = {
    scheme: 'widget-jwt',
    secret: v.secret,
    audience: 'https://integration.example.com/',
    now: at(1735843500),
  } as const;
  const request = (t: string) => ({ url: '/widget', headers: { 'X-Auth-Token': t } });

  it('accepts the token vector at a fixed clock and returns its claims', async () => {
    const result = await verifyWebhook(request(token), {
      ...options,
      clientUuid: v.expected_claims.client_uuid,
    });
    expect(result).toEqual({ scheme: 'widget-jwt', claims: v.expected_claims });
    expectTypeOf(result.claims.exp).toEqualTypeOf<number>();
  });

  it('accepts the token as a Bearer authorization header', async () => {
    await expect(
      verifyWebhook({ url: '/w', headers: { authorization: `Bearer ${token}` } }, options),
    ).resolves.toMatchObject({ scheme: 'widget-jwt' });
  });

  it('fails when expired, not yet valid, for another audience, client or account', async () => {
    expect(
      await reason(verifyWebhook(request(token), { ...options, now: at(1735844086 + 31) })),
    ).toBe('expired');
    expect(
      await reason(verifyWebhook(request(token), { ...options, now: at(1735843186 - 31) })),
    ).toBe('not_yet_valid');
    expect(
      await reason(
        verifyWebhook(request(token), { ...options, audience: 'https://other.example.com' }),
      ),
    ).toBe('wrong_audience');
    expect(await reason(verifyWebhook(request(token), { ...options, clientUuid: 'other' }))).toBe(
      'wrong_client',
    );
    expect(
      await reason(
        verifyWebhook(request(token), { ...options, expectedAccount: { subdomain: 'x' } }),
      ),
    ).toBe('wrong_account');
  });

  it('tolerates the clock skew at both ends', async () => {
    await expect(
      verifyWebhook(request(token), { ...options, now: at(1735844086 + 29) }),
    ).resolves.toBeDefined();
    await expect(
      verifyWebhook(request(token), { ...options, now: at(1735843186 - 29) }),
    ).resolves.toBeDefined();
    expect(
      await reason(
        verifyWebhook(request(token), { ...options, now: at(1735844086 + 29), clockSkewSec: 0 }),
      ),
    ).toBe('expired');
  });

  it('fails on a tampered payload, a wrong secret and a missing token', async () => {
    const [h, p, s] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...v.expected_claims, account_id: 1 })).toString(
      'base64url',
    );
    expect(await reason(verifyWebhook(request(`${h}.${forged}.${s}`), options))).toBe(
      'bad_signature',
    );
    expect(await reason(verifyWebhook(request(token), { ...options, secret: 'wrong' }))).toBe(
      'bad_signature',
    );
    expect(await reason(verifyWebhook({ url: '/w' }, options))).toBe('missing_signature');
    expect(await reason(verifyWebhook(request(`${h}.${p}`), options))).toBe('malformed');
    expect(await reason(verifyWebhook(request(`${h}.${p}.${s}!`), options))).toBe('malformed');
  });

  it('refuses a non-canonical signature encoding that decodes to the same bytes', async () => {
    // The last base64url character carries two spare bits: "k" and "l" decode alike.
    expect(token.endsWith('k')).toBe(true);
    expect(await reason(verifyWebhook(request(`${token.slice(0, -1)}l`), options))).toBe(
      'malformed',
    );
  });

  it('refuses alg: none and an HS512 token when HS256 is expected', async () => {
    const [, p] = token.split('.') as [string, string];
    const none = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'none' })).toString('base64url');
    expect(await reason(verifyWebhook(request(`${none}.${p}.`), options))).toBe(
      'unsupported_algorithm',
    );
    const hs512 = await signWebhook({
      scheme: 'widget-jwt',
      secret: v.secret,
      claims: v.expected_claims,
      algorithm: 'HS512',
    });
    expect(await reason(verifyWebhook(request(hs512.token), options))).toBe(
      'unsupported_algorithm',
    );
  });

  it('requires an audience: a token for any integration must not pass', async () => {
    await expect(
      verifyWebhook(request(token), { scheme: 'widget-jwt', secret: v.secret, audience: [] }),
    ).rejects.toBeInstanceOf(ConfigurationError);
  });
});

describe("verifyWebhook: 'salesbot-jwt'", () => {
  const secret = 'TEST_CLIENT_SECRET_not_real_0123456789abcdef';
  const claims = {
    iss: 'https://acmesales.kommo.com',
    aud: 'https://integration.example.com',
    account_id: 31204999,
    subdomain: 'acmesales',
    entity_type: 2,
    entity_id: 15320411,
  };

  it('accepts an HS512 token in the JSON body and in a form body', async () => {
    const signed = await signWebhook({ scheme: 'salesbot-jwt', secret, claims });
    const result = await verifyWebhook(
      { url: '/bot', headers: signed.headers, body: signed.body! },
      {
        scheme: 'salesbot-jwt',
        secret,
        audience: 'https://integration.example.com',
        expectedAccount: { id: 31204999 },
      },
    );
    expect(result).toMatchObject({ scheme: 'salesbot-jwt', claims });
    await expect(
      verifyWebhook(
        { url: '/bot', body: `token=${signed.token}&data[x]=1` },
        { scheme: 'salesbot-jwt', secret },
      ),
    ).resolves.toMatchObject({ scheme: 'salesbot-jwt' });
  });

  it('fails on an expired token, an HS256 token, a wrong secret and a body without a token', async () => {
    const expired = await signWebhook({ scheme: 'salesbot-jwt', secret, claims, now: () => 0 });
    expect(
      await reason(
        verifyWebhook({ url: '/bot', body: expired.body! }, { scheme: 'salesbot-jwt', secret }),
      ),
    ).toBe('expired');
    const hs256 = await signWebhook({ scheme: 'salesbot-jwt', secret, claims, algorithm: 'HS256' });
    expect(
      await reason(
        verifyWebhook({ url: '/bot', body: hs256.body! }, { scheme: 'salesbot-jwt', secret }),
      ),
    ).toBe('unsupported_algorithm');
    const ok = await signWebhook({ scheme: 'salesbot-jwt', secret, claims });
    expect(
      await reason(
        verifyWebhook({ url: '/bot', body: ok.body! }, { scheme: 'salesbot-jwt', secret: 'x' }),
      ),
    ).toBe('bad_signature');
    expect(
      await reason(
        verifyWebhook({ url: '/bot', body: '{"data":{}}' }, { scheme: 'salesbot-jwt', secret }),
      ),
    ).toBe('missing_signature');
    expect(
      await reason(
        verifyWebhook({ url: '/bot', body: '{"token":' }, { scheme: 'salesbot-jwt', secret }),
      ),
    ).toBe('malformed');
  });
});

describe("verifyWebhook: 'hmac' (your own signing relay)", () => {
  const body = fixture('webhook_lead_add_real_2025.txt');

  it('verifies sha256 hex by default, with or without a sha256= prefix', async () => {
    const { signature } = await signWebhook({ scheme: 'hmac', secret: SECRET, body });
    for (const value of [signature, `sha256=${signature}`]) {
      await expect(
        verifyWebhook(
          { url: '/k', headers: { 'X-Signature': value }, body },
          { scheme: 'hmac', secret: SECRET },
        ),
      ).resolves.toEqual({ scheme: 'hmac' });
    }
  });

  it('verifies the original integration setup: X-Kommo-Signature, sha1, base64', async () => {
    const signed = await signWebhook({
      scheme: 'hmac',
      secret: SECRET,
      body,
      header: 'X-Kommo-Signature',
      algorithm: 'sha1',
      encoding: 'base64',
    });
    expect(Object.keys(signed.headers)).toEqual(['x-kommo-signature']);
    const options = {
      scheme: 'hmac',
      secret: SECRET,
      header: 'x-kommo-signature',
      algorithm: 'sha1',
      encoding: 'base64',
    } as const;
    await expect(
      verifyWebhook({ url: '/k', headers: signed.headers, body }, options),
    ).resolves.toEqual({ scheme: 'hmac' });
    expect(
      await reason(
        verifyWebhook({ url: '/k', headers: signed.headers, body: `${body}&x=1` }, options),
      ),
    ).toBe('bad_signature');
    expect(
      await reason(
        verifyWebhook(
          { url: '/k', headers: signed.headers, body },
          { ...options, algorithm: 'sha256' },
        ),
      ),
    ).toBe('bad_signature');
    expect(await reason(verifyWebhook({ url: '/k', body }, options))).toBe('missing_signature');
  });
});

describe('verifyWebhook options', () => {
  it('refuses an unknown scheme as a configuration error', async () => {
    await expect(
      verifyWebhook({ url: '/k' }, { scheme: 'magic', secret: 's' } as never),
    ).rejects.toMatchObject({ code: 'configuration_error' });
  });

  it('requires clientUuid for the disconnect scheme', async () => {
    await expect(
      verifyWebhook(
        { url: '/d?signature=ab' },
        { scheme: 'disconnect', secret: 's', clientUuid: '' },
      ),
    ).rejects.toBeInstanceOf(ConfigurationError);
  });
});

// The generators of `npm run fuzz` (100,000 runs, fixed seed), a few thousand runs here.
describe('verifyWebhook on hostile input', () => {
  it('verifyWebhook gives a verification or a WebhookVerificationError only', async () => {
    await fc.assert(
      fc.asyncProperty(verifyCase, async (c) => {
        expectNoFailure(await checkVerify(c));
      }),
      { numRuns: 1000 },
    );
  });
});

const FORGED_SECRET = 'property-secret-5f2a';
const bodies = WEBHOOK_BODY_FIXTURES.map((name) => fixture(name));

async function neverVerifies(
  input: Parameters<typeof verifyWebhook>[0],
  options: VerifyWebhookOptions,
): Promise<void> {
  const outcome = await verifyWebhook(input, options).then(
    () => 'verified',
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(WebhookVerificationError);
}

describe('verifyWebhook on forged input', () => {
  it('never accepts a URL secret that is not the secret', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 40 }).filter((s) => s !== FORGED_SECRET),
        mutatedBody,
        async (guess, body) => {
          const url = `https://x.test/k?${new URLSearchParams({ secret: guess }).toString()}`;
          await neverVerifies(
            { url, body },
            { secret: FORGED_SECRET, expectedAccount: { id: 31204999 } },
          );
          await neverVerifies(
            { url: `https://x.test/k/${encodeURIComponent(guess)}`, body },
            { secret: FORGED_SECRET, pathSegment: -1 },
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never accepts a body whose HMAC was not made with the secret', async () => {
    await fc.assert(
      fc.asyncProperty(
        mutatedBody,
        fc.oneof(
          fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), maxLength: 64 }),
          fc.string({ maxLength: 64 }),
          fc.base64String({ maxLength: 44 }),
        ),
        fc.constantFrom('chats', 'hmac'),
        async (body, signature, scheme) => {
          await neverVerifies(
            { url: '/k', headers: { 'x-signature': signature }, body },
            { scheme, secret: FORGED_SECRET },
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never accepts a correctly signed body once one byte changed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bodies),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (body, at, flip) => {
          const { headers } = await signWebhook({ scheme: 'hmac', secret: FORGED_SECRET, body });
          const bytes = new TextEncoder().encode(body);
          const i = at % bytes.length;
          bytes[i] = bytes[i]! ^ flip;
          await neverVerifies(
            { url: '/k', headers, body: bytes },
            { scheme: 'hmac', secret: FORGED_SECRET },
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never accepts a forged disconnect hook or a mutated token', async () => {
    const token: string = fixture('one_time_token_jwt.txt').trim();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 30 }),
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 3 }),
        async (accountId, at, insert) => {
          const v = vectors.disconnect_hook;
          const query = new URLSearchParams({
            client_uuid: v.client_uuid,
            account_id: accountId,
            signature: v.expected_signature,
          });
          if (accountId !== v.account_id) {
            await neverVerifies(
              { url: `/d?${query.toString()}` },
              { scheme: 'disconnect', secret: v.client_secret, clientUuid: v.client_uuid },
            );
          }
          const i = at % token.length;
          const mutated = token.slice(0, i) + insert + token.slice(i + 1);
          if (mutated !== token) {
            await neverVerifies(
              { url: '/w', headers: { 'x-auth-token': mutated } },
              {
                scheme: 'widget-jwt',
                secret: vectors.one_time_token.secret,
                audience: 'https://integration.example.com',
                now: () => 1735843500_000,
              },
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
