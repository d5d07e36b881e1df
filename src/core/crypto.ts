/**
 * The SDK's one crypto module: HMAC, constant-time comparison and the byte encodings, shared by
 * the OAuth `state` (`core/oauth.ts`), webhook verification and signing (`src/webhooks/`) and the
 * Chats API signature. Web Crypto only (`globalThis.crypto.subtle`, in Node 20+, Deno, Bun and
 * edge runtimes), and import-free, so `kommo-sdk/webhooks` stays Web-only. Written for size:
 * `kommo-sdk/webhooks` carries all of it (issue 15).
 *
 * @module
 */

/** Hash functions the HMAC schemes use. */
export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

const encoder = new TextEncoder();

/** UTF-8 bytes of a string; bytes are copied (Web Crypto refuses views over SharedArrayBuffer). */
export function toBytes(data: string | Uint8Array): Uint8Array<ArrayBuffer> {
  return typeof data === 'string' ? encoder.encode(data) : new Uint8Array(data);
}

// Read when used, not at import: Web Crypto is global in every runtime of `engines` (Node 20+).
const subtle = (): SubtleCrypto => crypto.subtle;

function importHmacKey(
  secret: string | Uint8Array,
  algorithm: HmacAlgorithm,
  usage: 'sign' | 'verify',
): Promise<CryptoKey> {
  // `sha256` → Web Crypto's `SHA-256`.
  const hash = algorithm.replace('sha', 'SHA-');
  return subtle().importKey('raw', toBytes(secret), { name: 'HMAC', hash }, false, [usage]);
}

/** HMAC of `data` with `secret`. */
export async function hmac(
  algorithm: HmacAlgorithm,
  secret: string | Uint8Array,
  data: string | Uint8Array,
): Promise<Uint8Array> {
  const key = await importHmacKey(secret, algorithm, 'sign');
  return new Uint8Array(await subtle().sign('HMAC', key, toBytes(data)));
}

/** Checks an HMAC with Web Crypto's own (constant-time) verification. */
export async function hmacVerify(
  algorithm: HmacAlgorithm,
  secret: string | Uint8Array,
  data: string | Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const key = await importHmacKey(secret, algorithm, 'verify');
  return subtle().verify('HMAC', key, toBytes(signature), toBytes(data));
}

/**
 * Compares two secrets in constant time, whatever their lengths: `b`'s HMAC (under a fixed key)
 * is checked against `a` by Web Crypto's constant-time verification, so the time depends
 * neither on where they differ nor on how long the expected one is.
 */
export async function timingSafeEqualText(a: string, b: string): Promise<boolean> {
  return hmacVerify('sha256', 'kommo-sdk', a, await hmac('sha256', 'kommo-sdk', b));
}

/**
 * Whether any candidate (a secret of a rotation) matches. Every candidate is checked, so the
 * time does not tell which one matched, or whether an early one did.
 */
export async function anyMatch<T>(
  candidates: readonly T[],
  matches: (candidate: T) => Promise<boolean>,
): Promise<boolean> {
  let ok = false;
  for (const candidate of candidates) if (await matches(candidate)) ok = true;
  return ok;
}

/** Lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Parses hex (either case); `undefined` when it is not hex. */
export function fromHex(text: string): Uint8Array | undefined {
  return text.length % 2 || /[^\da-f]/i.test(text)
    ? undefined
    : Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** Standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Parses standard or URL-safe base64, padded or not; `undefined` when it is not base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  // The check keeps out what atob forgives (whitespace); atob itself refuses a bad length.
  if (!/^[\w+/-]*={0,2}$/.test(text)) return undefined;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, ''));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** URL-safe base64 without padding (JWT). */
export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Lowercase hex MD5 is not in Web Crypto; the Chats API's `Content-MD5` uses this one. */
export function md5Hex(data: string | Uint8Array): string {
  const bytes = toBytes(data);
  const length = bytes.length;
  // The message, a 1 bit, zeros, and the bit length (64-bit little-endian) to a 64-byte block.
  const padded = new Uint8Array((((length + 8) >> 6) + 1) * 64);
  padded.set(bytes);
  padded[length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, length * 8, true);
  view.setUint32(padded.length - 4, length / 2 ** 29, true);
  const state = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  for (let offset = 0; offset < padded.length; offset += 64) {
    let [a = 0, b = 0, c = 0, d = 0] = state;
    for (let i = 0; i < 64; i++) {
      const round = i >> 4;
      const f =
        round === 0
          ? (b & c) | (~b & d)
          : round === 1
            ? (d & b) | (~d & c)
            : round === 2
              ? b ^ c ^ d
              : c ^ (b | ~d);
      const g = [i, 5 * i + 1, 3 * i + 5, 7 * i][round] ?? 0;
      // The round constants are floor(|sin(i + 1)| * 2^32); the shifts repeat four per round.
      const sum =
        a +
        f +
        Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) +
        view.getUint32(offset + (g % 16) * 4, true);
      const shift =
        [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21][round * 4 + (i & 3)] ?? 0;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
    }
    [a, b, c, d].forEach((word, j) => (state[j] = ((state[j] ?? 0) + word) | 0));
  }
  const out = new DataView(new ArrayBuffer(16));
  state.forEach((word, j) => {
    out.setUint32(j * 4, word, true);
  });
  return toHex(new Uint8Array(out.buffer));
}
