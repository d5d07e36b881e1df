/**
 * The SDK's one crypto module: HMAC, constant-time comparison and the byte encodings, shared by
 * the OAuth `state` (`core/oauth.ts`), webhook verification and signing (`src/webhooks/`) and the
 * Chats API signature. Web Crypto only (`globalThis.crypto.subtle`, in Node 20+, Deno, Bun and
 * edge runtimes), and import-free, so `kommo-sdk/webhooks` stays Web-only.
 *
 * @module
 */

/** Hash functions the HMAC schemes use. */
export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

const HASH_NAME: Readonly<Record<HmacAlgorithm, string>> = {
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha512: 'SHA-512',
};

const encoder = new TextEncoder();

/** UTF-8 bytes of a string; bytes pass through. */
export function toBytes(data: string | Uint8Array): Uint8Array<ArrayBuffer> {
  if (typeof data === 'string') return encoder.encode(data);
  // Copy into a fresh ArrayBuffer: Web Crypto refuses views over SharedArrayBuffer.
  const copy = new Uint8Array(data.byteLength);
  copy.set(data);
  return copy;
}

function subtle(): SubtleCrypto {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c?.subtle === undefined) {
    throw new Error('Web Crypto (globalThis.crypto.subtle) is not available in this runtime');
  }
  return c.subtle;
}

function importHmacKey(
  secret: string | Uint8Array,
  algorithm: HmacAlgorithm,
  usage: 'sign' | 'verify',
): Promise<CryptoKey> {
  return subtle().importKey(
    'raw',
    toBytes(secret),
    { name: 'HMAC', hash: HASH_NAME[algorithm] },
    false,
    [usage],
  );
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
 * Compares two secrets in constant time, whatever their lengths: both are hashed first, so the
 * time depends neither on where they differ nor on how long the expected one is.
 */
export async function timingSafeEqualText(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([
    subtle().digest('SHA-256', toBytes(a)),
    subtle().digest('SHA-256', toBytes(b)),
  ]);
  const x = new Uint8Array(ha);
  const y = new Uint8Array(hb);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
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
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Parses hex (either case); `undefined` when it is not hex. */
export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Parses standard or URL-safe base64, padded or not; `undefined` when it is not base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined;
  const standard = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (standard.length % 4 === 1) return undefined;
  try {
    const binary = atob(standard + '='.repeat((4 - (standard.length % 4)) % 4));
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
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
  // The per-round shifts: four per round, repeated four times each.
  const shifts = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
  const k = Array.from(
    { length: 64 },
    (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0,
  );
  const length = bytes.length;
  const padded = new Uint8Array((((length + 8) >> 6) + 1) * 64);
  padded.set(bytes);
  padded[length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, (length * 8) >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(length / 2 ** 29), true);
  let a0 = 0x67452301;
  let b0 = 0xefcdab89;
  let c0 = 0x98badcfe;
  let d0 = 0x10325476;
  for (let offset = 0; offset < padded.length; offset += 64) {
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      const temp = d;
      d = c;
      c = b;
      const sum = (a + f + (k[i] ?? 0) + view.getUint32(offset + g * 4, true)) >>> 0;
      const shift = shifts[(i >> 4) * 4 + (i & 3)] ?? 0;
      b = (b + ((sum << shift) | (sum >>> (32 - shift)))) >>> 0;
      a = temp;
    }
    a0 = (a0 + a) >>> 0;
    b0 = (b0 + b) >>> 0;
    c0 = (c0 + c) >>> 0;
    d0 = (d0 + d) >>> 0;
  }
  const out = new Uint8Array(16);
  const outView = new DataView(out.buffer);
  [a0, b0, c0, d0].forEach((word, i) => {
    outView.setUint32(i * 4, word, true);
  });
  return toHex(out);
}
