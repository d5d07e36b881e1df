/**
 * A hardened PHP-style decoder for `x-www-form-urlencoded` bodies with bracketed keys
 * (`a[b][0][c]=x` → `{ a: { b: [{ c: 'x' }] } }`).
 *
 * Hostile input is expected: the body size, the bracket depth and the field count are bounded,
 * invalid UTF-8 is refused, keys that could reach `Object.prototype` are dropped, and huge
 * indexes never allocate arrays (a map becomes an array only when its keys are exactly 0…n-1).
 *
 * @module
 */

import { WebhookParseError } from './errors.js';

/** A decoded form value: a string leaf, a list or a map. */
export type WebhookFormValue = string | WebhookFormValue[] | WebhookFormTree;

/** A decoded form map. Its keys never include `__proto__`, `constructor` or `prototype`. */
export interface WebhookFormTree {
  [key: string]: WebhookFormValue;
}

/** Limits that bound the work a body can cause. */
export interface WebhookParseLimits {
  /**
   * Largest body accepted, in bytes.
   *
   * @defaultValue `1_048_576` (1 MB)
   */
  maxBytes?: number;
  /**
   * Most bracket levels in one key (`a[b][c]` has 2). Kommo's deepest real keys have 9.
   *
   * @defaultValue `32`
   */
  maxDepth?: number;
  /**
   * Most `key=value` fields in one body.
   *
   * @defaultValue `10_000`
   */
  maxFields?: number;
}

/** @internal */
export const DEFAULT_MAX_BYTES = 1_048_576;
const DEFAULT_MAX_DEPTH = 32;
const DEFAULT_MAX_FIELDS = 10_000;

/**
 * Keys that would reach a prototype if a consumer copied or merged a parsed value
 * (`Object.assign`, a deep merge). The one list both the form decoder and {@link safeJsonParse}
 * drop.
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * `JSON.parse` without the keys of {@link FORBIDDEN_KEYS} at any depth. `JSON.parse` creates an
 * own `__proto__` property for `{"__proto__":…}`, which `Object.assign({}, value)` then turns
 * into the prototype of the copy; the reviver drops such keys before anyone sees them.
 *
 * @throws SyntaxError when `text` is not JSON.
 * @internal
 */
export function safeJsonParse(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => (FORBIDDEN_KEYS.has(key) ? undefined : value));
}

type Node = string | Map<string, Node>;

/**
 * A webhook body as {@link parseWebhook} accepts it: the raw text or bytes, `URLSearchParams`,
 * `FormData`, or an object a framework already decoded.
 */
export type WebhookBody =
  | string
  | Uint8Array
  | ArrayBuffer
  | URLSearchParams
  | FormData
  | { readonly [key: string]: unknown };

interface ResolvedLimits {
  maxBytes: number;
  maxDepth: number;
  maxFields: number;
}

function resolveLimits(limits: WebhookParseLimits = {}): ResolvedLimits {
  return {
    maxBytes: limits.maxBytes ?? DEFAULT_MAX_BYTES,
    maxDepth: limits.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxFields: limits.maxFields ?? DEFAULT_MAX_FIELDS,
  };
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes raw bytes as UTF-8, refusing invalid sequences and enforcing the size limit.
 *
 * @throws {@link WebhookParseError} `too_large` or `invalid_utf8`.
 * @internal
 */
export function bytesToText(bytes: Uint8Array, maxBytes = DEFAULT_MAX_BYTES): string {
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
  try {
    return fatalDecoder.decode(bytes);
  } catch (cause) {
    throw new WebhookParseError('invalid_utf8', 'The webhook body is not valid UTF-8', { cause });
  }
}

/** The error of a body over `maxBytes`. @internal */
export function tooLarge(maxBytes: number): WebhookParseError {
  return new WebhookParseError(
    'too_large',
    `The webhook body is larger than ${String(maxBytes)} bytes`,
  );
}

/**
 * Decodes a webhook body (raw text or bytes, `URLSearchParams`, `FormData`, or an object some
 * framework already decoded) into a tree of strings.
 *
 * @throws {@link WebhookParseError} for bodies that exceed a limit, are not UTF-8, or are not
 *   form-encoded.
 * @internal
 */
export function decodeForm(input: WebhookBody, limits?: WebhookParseLimits): WebhookFormTree {
  const resolved = resolveLimits(limits);
  if (typeof input === 'string') return decodeFormText(input, resolved);
  if (input instanceof Uint8Array)
    return decodeFormText(bytesToText(input, resolved.maxBytes), resolved);
  if (input instanceof ArrayBuffer) {
    return decodeFormText(bytesToText(new Uint8Array(input), resolved.maxBytes), resolved);
  }
  if (input instanceof URLSearchParams) return decodePairs(input.entries(), resolved);
  if (typeof FormData !== 'undefined' && input instanceof FormData) {
    const pairs: Array<[string, string]> = [];
    for (const [key, value] of input.entries())
      if (typeof value === 'string') pairs.push([key, value]);
    return decodePairs(pairs, resolved);
  }
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    return decodeObject(input, resolved);
  }
  throw invalidInput(
    'parseWebhook expects a string, bytes, URLSearchParams, FormData or a decoded object',
  );
}

function decodeFormText(text: string, limits: ResolvedLimits): WebhookFormTree {
  // A cheap bound first: a UTF-16 unit is at most 3 UTF-8 bytes.
  if (
    text.length > limits.maxBytes ||
    new TextEncoder().encode(text).byteLength > limits.maxBytes
  ) {
    throw tooLarge(limits.maxBytes);
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    throw new WebhookParseError(
      'not_form_encoded',
      'The webhook body looks like JSON; Kommo sends application/x-www-form-urlencoded',
    );
  }
  const pairs: Array<[string, string]> = [];
  if (text.length === 0) return decodePairs(pairs, limits);
  for (const part of text.split('&')) {
    if (part === '') continue;
    if (pairs.length >= limits.maxFields) throw tooManyFields(limits.maxFields);
    const eq = part.indexOf('=');
    const rawKey = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? '' : part.slice(eq + 1);
    pairs.push([percentDecode(rawKey), percentDecode(rawValue)]);
  }
  return decodePairs(pairs, limits);
}

function tooManyFields(maxFields: number): WebhookParseError {
  return new WebhookParseError(
    'too_many_fields',
    `The webhook body has more than ${String(maxFields)} fields`,
  );
}

/** Percent-decodes one component, with `+` as space, refusing invalid UTF-8. */
function percentDecode(component: string): string {
  const plain = component.replace(/\+/g, ' ');
  if (!plain.includes('%')) return plain;
  const encoder = new TextEncoder();
  const bytes: number[] = [];
  for (let i = 0; i < plain.length; i++) {
    const char = plain.charCodeAt(i);
    if (
      char === 0x25 /* % */ &&
      i + 2 < plain.length &&
      isHex(plain.charCodeAt(i + 1)) &&
      isHex(plain.charCodeAt(i + 2))
    ) {
      bytes.push(parseInt(plain.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (char < 0x80) {
      // A stray `%` stays literal, as in PHP's urldecode.
      bytes.push(char);
    } else {
      const codePoint = plain.codePointAt(i) ?? char;
      const length = codePoint > 0xffff ? 2 : 1;
      for (const b of encoder.encode(plain.slice(i, i + length))) bytes.push(b);
      i += length - 1;
    }
  }
  try {
    return fatalDecoder.decode(new Uint8Array(bytes));
  } catch (cause) {
    throw new WebhookParseError('invalid_utf8', 'The webhook body is not valid UTF-8', { cause });
  }
}

function isHex(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x46) ||
    (code >= 0x61 && code <= 0x66)
  );
}

/** Splits `a[b][]` into `['a', 'b', '']`, PHP-style; `undefined` for keys PHP ignores. */
function splitKey(key: string, maxDepth: number): string[] | undefined {
  const open = key.indexOf('[');
  if (open === -1) return key === '' ? undefined : [key];
  const base = key.slice(0, open);
  if (base === '') return undefined;
  const segments = [base];
  let rest = key.slice(open);
  while (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    // An unterminated bracket ends the key; PHP drops the rest too.
    if (close === -1) break;
    if (segments.length > maxDepth) {
      throw new WebhookParseError(
        'too_deep',
        `A webhook key is nested deeper than ${String(maxDepth)} levels`,
      );
    }
    segments.push(rest.slice(1, close));
    rest = rest.slice(close + 1);
  }
  return segments;
}

function decodePairs(pairs: Iterable<[string, string]>, limits: ResolvedLimits): WebhookFormTree {
  const root = new Map<string, Node>();
  const next: NextIndex = new WeakMap();
  let count = 0;
  for (const [key, value] of pairs) {
    if (++count > limits.maxFields) throw tooManyFields(limits.maxFields);
    const segments = splitKey(key, limits.maxDepth);
    if (segments === undefined || segments.some((s) => FORBIDDEN_KEYS.has(s))) continue;
    insert(root, segments, value, next);
  }
  return finalize(root) as WebhookFormTree;
}

/** The next index `[]` appends at, per map; kept up to date so appends stay O(1). */
type NextIndex = WeakMap<Map<string, Node>, number>;

function insert(root: Map<string, Node>, segments: string[], value: string, next: NextIndex): void {
  let node = root;
  segments.forEach((segment, i) => {
    const key = segment === '' ? String(next.get(node) ?? 0) : segment;
    if (/^(0|[1-9]\d{0,8})$/.test(key))
      next.set(node, Math.max(next.get(node) ?? 0, Number(key) + 1));
    if (i === segments.length - 1) {
      // Duplicate keys: the last one wins, as in PHP.
      node.set(key, value);
      return;
    }
    let child = node.get(key);
    // A key that was a scalar and is now used as a map becomes a map (last one wins).
    if (!(child instanceof Map)) {
      child = new Map<string, Node>();
      node.set(key, child);
    }
    node = child;
  });
}

function finalize(node: Node): WebhookFormValue {
  if (typeof node === 'string') return node;
  const size = node.size;
  let isList = size > 0;
  if (isList) {
    for (const key of node.keys()) {
      // Only keys that are exactly 0…size-1 make a list, so `[99999999]` never allocates.
      if (!/^(0|[1-9]\d*)$/.test(key) || Number(key) >= size) {
        isList = false;
        break;
      }
    }
  }
  if (isList) {
    const list: WebhookFormValue[] = [];
    for (let i = 0; i < size; i++) list.push(finalize(node.get(String(i)) as Node));
    return list;
  }
  const out: WebhookFormTree = {};
  for (const [key, child] of node) out[key] = finalize(child);
  return out;
}

function invalidInput(message: string): WebhookParseError {
  return new WebhookParseError('invalid_input', message);
}

/**
 * A plain data object: `{}`, `Object.create(null)`, or the like from another realm (its
 * prototype's prototype is `null`). Dates, maps, files and class instances are not form data.
 */
function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * Decodes an object a framework already decoded. It is read structurally: only own enumerable
 * data properties of plain objects and arrays (a getter is never run, a sparse array's holes
 * are skipped without walking its length), other objects, functions and symbols are dropped, and
 * a cycle is refused.
 */
function decodeObject(input: object, limits: ResolvedLimits): WebhookFormTree {
  if (!isPlainObject(input)) {
    throw invalidInput('parseWebhook expects a plain object, not a class instance');
  }
  let count = 0;
  // The objects on the path from the root: meeting one again is a cycle.
  const path = new Set<object>();
  const toNode = (value: unknown, depth: number): Node | undefined => {
    if (++count > limits.maxFields) throw tooManyFields(limits.maxFields);
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'bigint') return String(value);
    if (typeof value === 'boolean') return value ? '1' : '0';
    if (typeof value !== 'object' || value === null) return undefined;
    if (!Array.isArray(value) && !isPlainObject(value)) return undefined;
    if (path.has(value)) throw invalidInput('The webhook object contains a cycle');
    if (depth > limits.maxDepth) {
      throw new WebhookParseError(
        'too_deep',
        `A webhook key is nested deeper than ${String(limits.maxDepth)} levels`,
      );
    }
    path.add(value);
    const map = new Map<string, Node>();
    // Object.keys lists only the indexes a sparse array holds, never its whole length.
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor === undefined || !('value' in descriptor)) continue;
      const node = toNode(descriptor.value, depth + 1);
      if (node !== undefined) map.set(key, node);
    }
    path.delete(value);
    return map;
  };
  const root = toNode(input, 0);
  return (root instanceof Map ? finalize(root) : {}) as WebhookFormTree;
}
