import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isKommoError,
  parseWebhook,
  signWebhook,
  verifyWebhook,
  WebhookParseError,
  WebhookVerificationError,
  type VerifyWebhookOptions,
} from '../../src/index.js';
import { fixture, WEBHOOK_BODY_FIXTURES } from './fixtures.js';

const bodies = WEBHOOK_BODY_FIXTURES.map((name) => fixture(name));

/** A fixture body with random edits: inserted, deleted and replaced characters. */
const mutatedBody = fc
  .tuple(
    fc.constantFrom(...bodies),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.nat({ max: 20 }),
        fc.oneof(
          fc.string({ maxLength: 12 }),
          fc.constantFrom(
            '[',
            ']',
            '%',
            '%5B',
            '%5D',
            '&',
            '=',
            '%FF',
            '%C3',
            '__proto__',
            '[]',
            '[99999999]',
            '[constructor]',
          ),
        ),
      ),
      { maxLength: 6 },
    ),
  )
  .map(([body, edits]) =>
    edits.reduce((text, [at, remove, insert]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(i + remove);
    }, body),
  );

/** Bodies assembled from bracket keys, including hostile segments. */
const segment = fc.oneof(
  fc.constantFrom(
    'account',
    'leads',
    'contacts',
    'task',
    'add',
    'status',
    'note',
    'custom_fields',
    'values',
    'value',
    'enum',
    'id',
    'type',
    'linked_leads_id',
    '__proto__',
    'constructor',
    'prototype',
    '',
  ),
  fc.nat({ max: 5 }).map(String),
  fc.string({ maxLength: 6 }),
);
const bracketBody = fc
  .array(
    fc.tuple(fc.array(segment, { minLength: 1, maxLength: 12 }), fc.string({ maxLength: 10 })),
    { maxLength: 30 },
  )
  .map((pairs) =>
    pairs
      .map(
        ([[first, ...rest], value]) =>
          `${encodeURIComponent(first ?? '')}${rest.map((s) => `%5B${encodeURIComponent(s)}%5D`).join('')}=${encodeURIComponent(value)}`,
      )
      .join('&'),
  );

function onlyResultsOrParseErrors(input: Parameters<typeof parseWebhook>[0]): void {
  try {
    const payload = parseWebhook(input);
    expect(Array.isArray(payload.events)).toBe(true);
    for (const event of payload.events) expect(typeof event.type).toBe('string');
  } catch (error) {
    if (!(error instanceof WebhookParseError)) throw error;
    expect(isKommoError(error)).toBe(true);
  }
  // Nothing ever lands on Object.prototype.
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS);
}

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

describe('parseWebhook on random and mutated bodies', () => {
  it('only ever returns a payload or throws WebhookParseError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          mutatedBody,
          bracketBody,
          fc.string({ maxLength: 200 }),
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.uint8Array({ maxLength: 300 }),
        ),
        (input) => {
          onlyResultsOrParseErrors(input);
        },
      ),
      { numRuns: 4000 },
    );
  });

  it('only ever returns a payload or throws WebhookParseError for decoded objects', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 6 })),
        (input) => {
          onlyResultsOrParseErrors(input);
        },
      ),
      { numRuns: 1500 },
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
