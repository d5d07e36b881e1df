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

import { parseError } from './errors.js';

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

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const notUtf8 = (cause: unknown) =>
  parseError('invalid_utf8', 'The webhook body is not valid UTF-8', cause);

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
    throw notUtf8(cause);
  }
}

/** The error of a body over `maxBytes`. @internal */
export const tooLarge = (maxBytes: number) =>
  parseError('too_large', `The webhook body is larger than ${maxBytes} bytes`);

/** Percent-decodes one component, with `+` as space, refusing invalid UTF-8. */
function percentDecode(component: string): string {
  try {
    // A stray `%` stays literal, as in PHP's urldecode.
    return decodeURIComponent(component.replace(/\+/g, ' ').replace(/%(?![\da-f]{2})/gi, '%25'));
  } catch (cause) {
    throw notUtf8(cause);
  }
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
 * Decodes a webhook body (raw text or bytes, `URLSearchParams`, `FormData`, or an object some
 * framework already decoded) into a tree of strings.
 *
 * Pairs (`a[b][]=x`) are split PHP-style into a tree of maps; an object is read structurally:
 * only own enumerable data properties of plain objects and arrays (a getter is never run, a
 * sparse array's holes are skipped without walking its length), other objects, functions and
 * symbols are dropped, and a cycle is refused.
 *
 * @throws {@link WebhookParseError} for bodies that exceed a limit, are not UTF-8, or are not
 *   form-encoded.
 * @internal
 */
export function decodeForm(input: WebhookBody, limits: WebhookParseLimits = {}): WebhookFormTree {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = limits.maxDepth ?? 32;
  const maxFields = limits.maxFields ?? 10_000;
  let count = 0;
  const field = () => {
    if (++count > maxFields) {
      throw parseError('too_many_fields', `The webhook body has more than ${maxFields} fields`);
    }
  };
  const tooDeep = () =>
    parseError('too_deep', `A webhook key is nested deeper than ${maxDepth} levels`);
  const invalid = (message: string) => parseError('invalid_input', message);

  const root = new Map<string, Node>();
  // The next index `[]` appends at, per map; kept up to date so appends stay O(1).
  const next = new WeakMap<Map<string, Node>, number>();
  const add = (key: string, value: string) => {
    field();
    // `a[b][]` → `a`, `b`, ``: PHP's split. An unterminated bracket ends the key (PHP drops
    // the rest too); a key without a name is ignored, as PHP ignores it.
    const open = key.indexOf('[');
    const base = open < 0 ? key : key.slice(0, open);
    if (!base) return;
    const segments = [base];
    for (const [, segment = ''] of key.slice(base.length).matchAll(/\[([^\]]*)\]/gy)) {
      if (segments.length > maxDepth) throw tooDeep();
      segments.push(segment);
    }
    if (segments.some((s) => FORBIDDEN_KEYS.has(s))) return;
    let node = root;
    segments.forEach((segment, i) => {
      const name = segment || String(next.get(node) ?? 0);
      if (/^(0|[1-9]\d{0,8})$/.test(name)) {
        next.set(node, Math.max(next.get(node) ?? 0, Number(name) + 1));
      }
      // Duplicate keys: the last one wins, as in PHP; so does a map over a scalar.
      if (i === segments.length - 1) node.set(name, value);
      else {
        let child = node.get(name);
        if (!(child instanceof Map)) node.set(name, (child = new Map()));
        node = child;
      }
    });
  };

  if (typeof input === 'string' || input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const text = typeof input === 'string' ? input : bytesToText(new Uint8Array(input), maxBytes);
    // A cheap bound first: a UTF-16 unit is at most 3 UTF-8 bytes.
    if (text.length > maxBytes || new TextEncoder().encode(text).byteLength > maxBytes) {
      throw tooLarge(maxBytes);
    }
    if (/^\s*[[{]/.test(text)) {
      throw parseError(
        'not_form_encoded',
        'The webhook body looks like JSON; Kommo sends application/x-www-form-urlencoded',
      );
    }
    for (const part of text.split('&')) {
      const eq = part.indexOf('=');
      if (part)
        add(
          percentDecode(eq < 0 ? part : part.slice(0, eq)),
          percentDecode(eq < 0 ? '' : part.slice(eq + 1)),
        );
    }
  } else if (
    input instanceof URLSearchParams ||
    (typeof FormData !== 'undefined' && input instanceof FormData)
  ) {
    for (const [key, value] of input.entries()) if (typeof value === 'string') add(key, value);
  } else if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    if (!isPlainObject(input)) throw invalid('parseWebhook expects a plain object');
    // The objects on the path from the root: meeting one again is a cycle.
    const path = new Set<object>();
    const toNode = (value: unknown, depth: number): Node | undefined => {
      field();
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'bigint') return String(value);
      if (typeof value === 'boolean') return value ? '1' : '0';
      if (typeof value !== 'object' || value === null) return undefined;
      if (!Array.isArray(value) && !isPlainObject(value)) return undefined;
      if (path.has(value)) throw invalid('The webhook object contains a cycle');
      if (depth > maxDepth) throw tooDeep();
      path.add(value);
      const map = new Map<string, Node>();
      // Object.keys lists only the indexes a sparse array holds, never its whole length.
      for (const key of Object.keys(value)) {
        const descriptor = Object.getOwnPropertyDescriptor(value, key);
        if (FORBIDDEN_KEYS.has(key) || !descriptor || !('value' in descriptor)) continue;
        const node = toNode(descriptor.value, depth + 1);
        if (node !== undefined) map.set(key, node);
      }
      path.delete(value);
      return map;
    };
    return finalize(toNode(input, 0) as Node) as WebhookFormTree;
  } else {
    throw invalid('parseWebhook expects a string, bytes, URLSearchParams, FormData or an object');
  }
  return finalize(root) as WebhookFormTree;
}

function finalize(node: Node): WebhookFormValue {
  if (typeof node === 'string') return node;
  // Only keys that are exactly 0…size-1 make a list, so `[99999999]` never allocates.
  const keys = [...node.keys()];
  if (keys.length && keys.every((key) => /^(0|[1-9]\d*)$/.test(key) && +key < keys.length)) {
    return keys.map((_, i) => finalize(node.get(String(i)) as Node));
  }
  const out: WebhookFormTree = {};
  for (const [key, child] of node) out[key] = finalize(child);
  return out;
}
