import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  signWebhook,
  verifyWebhook,
  WebhookVerificationError,
  type VerifyWebhookOptions,
} from '../../src/index.js';
import { fixture, WEBHOOK_BODY_FIXTURES } from './fixtures.js';
import {
  builtinKeySweep,
  checkHandler,
  checkParse,
  checkVerify,
  handlerBody,
  mutatedBody,
  parseCase,
  verifyCase,
  type Failure,
} from './fuzz-inputs.js';

const bodies = WEBHOOK_BODY_FIXTURES.map((name) => fixture(name));

function expectNoFailure(failure: Failure | undefined): void {
  expect(failure, failure?.detail).toBeUndefined();
}

// The generators of `npm run fuzz` (100,000 runs, fixed seed), a few thousand runs here.
describe('parseWebhook on hostile input', () => {
  it('gives a payload or a WebhookParseError for every built-in name at every key depth', () => {
    const sweep = builtinKeySweep();
    expect(sweep.length).toBeGreaterThan(5000);
    for (const body of sweep) expectNoFailure(checkParse(body));
  });

  it('only ever returns a safe payload or throws WebhookParseError, prototypes untouched', () => {
    fc.assert(
      fc.property(parseCase, ({ input }) => {
        expectNoFailure(checkParse(input));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('verifyWebhook and createWebhookHandler on hostile input', () => {
  it('verifyWebhook gives a verification or a WebhookVerificationError only', async () => {
    await fc.assert(
      fc.asyncProperty(verifyCase, async (c) => {
        expectNoFailure(await checkVerify(c));
      }),
      { numRuns: 1000 },
    );
  });

  it('the handler answers 200/400/413 and hands onError typed errors only', async () => {
    await fc.assert(
      fc.asyncProperty(handlerBody, async (body) => {
        expectNoFailure(await checkHandler(body));
      }),
      { numRuns: 500 },
    );
  });
});

const SECRET = 'property-secret-5f2a';
const vectors = JSON.parse(fixture('signature_vectors.json'));

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
        fc.string({ maxLength: 40 }).filter((s) => s !== SECRET),
        mutatedBody,
        async (guess, body) => {
          const url = `https://x.test/k?${new URLSearchParams({ secret: guess }).toString()}`;
          await neverVerifies({ url, body }, { secret: SECRET, expectedAccount: { id: 31204999 } });
          await neverVerifies(
            { url: `https://x.test/k/${encodeURIComponent(guess)}`, body },
            { secret: SECRET, pathSegment: -1 },
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
            { scheme, secret: SECRET },
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
          const { headers } = await signWebhook({ scheme: 'hmac', secret: SECRET, body });
          const bytes = new TextEncoder().encode(body);
          const i = at % bytes.length;
          bytes[i] = bytes[i]! ^ flip;
          await neverVerifies(
            { url: '/k', headers, body: bytes },
            { scheme: 'hmac', secret: SECRET },
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
