import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anyMatch,
  fromBase64,
  fromHex,
  hmac,
  hmacVerify,
  md5Hex,
  timingSafeEqualText,
  toBase64,
  toBase64Url,
  toHex,
} from '../../src/core/crypto.js';

describe('the shared crypto module (Web Crypto only)', () => {
  it('computes the same HMAC as node:crypto for every hash, and verifies only its own', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('sha1', 'sha256', 'sha512' as const),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.uint8Array({ maxLength: 200 }),
        async (algorithm, secret, data) => {
          const mac = await hmac(algorithm, secret, data);
          expect(toHex(mac)).toBe(createHmac(algorithm, secret).update(data).digest('hex'));
          expect(await hmacVerify(algorithm, secret, data, mac)).toBe(true);
          expect(await hmacVerify(algorithm, `${secret}x`, data, mac)).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('compares secrets of any lengths: equal only when equal', async () => {
    expect(await timingSafeEqualText('s3cret', 's3cret')).toBe(true);
    expect(await timingSafeEqualText('s3cret', 's3cre')).toBe(false);
    expect(await timingSafeEqualText('s3cret', 's3cret\u0000')).toBe(false);
    expect(await timingSafeEqualText('', '')).toBe(true);
  });

  it('checks every candidate, even after one matched', async () => {
    const checked: string[] = [];
    const match = (wanted: string) => async (candidate: string) => {
      checked.push(candidate);
      return candidate === wanted;
    };
    expect(await anyMatch(['a', 'b', 'c'], match('a'))).toBe(true);
    expect(checked).toEqual(['a', 'b', 'c']);
    expect(await anyMatch(['a', 'b'], match('z'))).toBe(false);
    expect(await anyMatch([], match('a'))).toBe(false);
  });

  it('round-trips hex and base64 (standard and URL-safe), and refuses what is not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(fromHex(toHex(bytes))).toEqual(bytes);
        expect(fromBase64(toBase64(bytes))).toEqual(bytes);
        expect(fromBase64(toBase64Url(bytes))).toEqual(bytes);
        expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
        expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
    );
    expect(fromHex('abc')).toBeUndefined();
    expect(fromHex('zz')).toBeUndefined();
    expect(fromBase64('a')).toBeUndefined();
    expect(fromBase64('a*b=')).toBeUndefined();
  });

  it('computes the same MD5 as node:crypto for any input (the Chats API Content-MD5)', () => {
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(md5Hex(bytes)).toBe(createHash('md5').update(bytes).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });
});
