/**
 * The hostile-input generators and the properties of the webhook fuzz campaign, in one place:
 * `test/webhooks/property.test.ts` runs them a few thousand times in every `vitest run`,
 * `scripts/fuzz-webhooks.ts` (`npm run fuzz`) runs them 100,000 times with a fixed seed.
 */
import fc from 'fast-check';
import {
  createWebhookHandler,
  parseWebhook,
  signWebhook,
  verifyWebhook,
  WebhookParseError,
  WebhookVerificationError,
  type VerifyWebhookOptions,
  type WebhookBody,
  type WebhookRequestLike,
} from '../../src/webhooks/index.js';
import { fixture, WEBHOOK_BODY_FIXTURES } from './fixtures.js';

/** Every own property name of the prototypes a decoder could reach by accident. */
export const BUILTIN_NAMES: readonly string[] = [
  ...new Set([
    ...Object.getOwnPropertyNames(Object.prototype),
    ...Object.getOwnPropertyNames(Function.prototype),
    ...Object.getOwnPropertyNames(Array.prototype),
  ]),
];

/** Keys that pollute a prototype when a consumer merges or assigns a parsed value. */
export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

const WIRE_WORDS = [
  'account',
  'id',
  'subdomain',
  '_links',
  'self',
  'leads',
  'contacts',
  'companies',
  'customers',
  'task',
  'tasks',
  'unsorted',
  'message',
  'talk',
  'catalogs',
  'add',
  'update',
  'delete',
  'status',
  'responsible',
  'note',
  'custom_fields',
  'values',
  'value',
  'enum',
  'linked_leads_id',
  'type',
  'metadata',
  'tags',
  'status_id',
  'price',
  'is_read',
  'uid',
  'talk_id',
];

/** Paths of real events, so generated keys reach deep into the event conversion. */
const EVENT_PATHS: ReadonlyArray<readonly string[]> = [
  ['leads', 'add', '0'],
  ['leads', 'status', '0'],
  ['leads', 'note', '0', 'note'],
  ['contacts', 'update', '0', 'custom_fields', '0', 'values', '0'],
  ['contacts', 'add', '0', 'linked_leads_id'],
  ['task', 'add', '0'],
  ['message', 'add', '0', 'author'],
  ['talk', 'update', '0'],
  ['unsorted', 'add', '0', 'source_data'],
  ['catalogs', 'add', '0', 'custom_fields', '0', 'values'],
  ['account', '_links'],
];

/** Percent sequences that are not valid UTF-8 or not valid escapes at all. */
const BAD_PERCENT = [
  '%',
  '%%',
  '%2',
  '%G1',
  '%u0041',
  '%FF',
  '%C3',
  '%C3%28',
  '%E0%80%80',
  '%ED%A0%80',
  '%F4%90%80%80',
  '%C0%AF',
  '%00',
  '%5B%5D%5B',
];

/** JSON texts for `metadata` that try to reach a prototype. */
const HOSTILE_JSON = [
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
  '{"a":{"__proto__":{"isAdmin":true}},"b":[{"__proto__":{"isAdmin":true}}]}',
  '[{"prototype":{"isAdmin":true}},{"__proto__":null}]',
  '{"__proto__":[1,2],"toString":"x","valueOf":{"__proto__":{"isAdmin":true}}}',
];

const LARGE = {
  // Over the default 1 MiB limit once the rest of the body is added.
  overLimit: `x=${'a'.repeat(1_048_576)}`,
  longKey: `${'k'.repeat(70_000)}[a]`,
  deepKey: `a${'[b]'.repeat(40)}`,
  manyFields: 'f=1&'.repeat(10_001),
  bigIndex: 'leads[add][99999999999999999999][id]',
};

const segment: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...BUILTIN_NAMES) },
  { weight: 2, arbitrary: fc.constantFrom(...POLLUTION_KEYS) },
  { weight: 5, arbitrary: fc.constantFrom(...WIRE_WORDS) },
  { weight: 3, arbitrary: fc.nat({ max: 3 }).map(String) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', '99999999', '-1', '01', '1e3', '4294967295', ' 0'),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);

type Render = 'encoded' | 'raw' | 'plus';

function renderKey(segments: readonly string[], render: Render): string {
  const [first = '', ...rest] = segments;
  if (render === 'raw') return `${first}${rest.map((s) => `[${s}]`).join('')}`;
  const enc = (s: string) => {
    const e = encodeURIComponent(s);
    return render === 'plus' ? e.replace(/%20/g, '+') : e;
  };
  return `${enc(first)}${rest.map((s) => `%5B${enc(s)}%5D`).join('')}`;
}

const rawValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.string({ maxLength: 16 }).map(encodeURIComponent) },
  { weight: 2, arbitrary: fc.constantFrom(...BAD_PERCENT) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_JSON).map(encodeURIComponent) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('1', '0', 'true', '-0', '9007199254740993', '1.5', '', 'null'),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }).map((s) => s.repeat(500)) },
);

/** A form body of bracketed keys: built-in names and pollution keys at every depth. */
const formBody: fc.Arbitrary<string> = fc
  .tuple(
    fc.boolean(),
    fc.array(
      fc.tuple(
        fc.option(fc.constantFrom(...EVENT_PATHS), { freq: 2 }),
        fc.array(segment, { minLength: 1, maxLength: 10 }),
        fc.constantFrom<Render>('encoded', 'raw', 'plus'),
        fc.option(rawValue, { freq: 8 }),
      ),
      { maxLength: 20 },
    ),
  )
  .map(([withAccount, pairs]) => {
    const parts = pairs.map(([path, tail, render, value]) => {
      const key = renderKey([...(path ?? []), ...tail], render);
      return value === null ? key : `${key}=${value}`;
    });
    if (withAccount) parts.unshift('account%5Bid%5D=31204999', 'account%5Bsubdomain%5D=acme');
    return parts.join('&');
  });

const fixtureBodies = WEBHOOK_BODY_FIXTURES.map((name) => fixture(name));

/** A real body with random edits: inserted, deleted and replaced characters. */
export const mutatedBody: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...fixtureBodies),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.nat({ max: 20 }),
        fc.oneof(
          fc.string({ maxLength: 12 }),
          fc.constantFrom('[', ']', '%', '%5B', '%5D', '&', '=', '[]', '[99999999]'),
          fc.constantFrom(...BAD_PERCENT),
          fc.constantFrom(...BUILTIN_NAMES, ...POLLUTION_KEYS).map((n) => `[${n}]`),
          fc.constantFrom(...BUILTIN_NAMES, ...POLLUTION_KEYS).map((n) => `&${n}[x]=1&`),
          fc.constantFrom(...HOSTILE_JSON).map((j) => `&leads[note][0][note][metadata]=${j}&`),
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

/**
 * Every built-in and pollution name at every depth of real key paths, replacing a segment or
 * inserted before it: a deterministic sweep, run whole in the suite and by the campaign.
 */
export function builtinKeySweep(): string[] {
  const names = [...BUILTIN_NAMES, ...POLLUTION_KEYS];
  const bodies: string[] = [];
  for (const path of [...EVENT_PATHS, ['x', 'y', 'z', 'w']]) {
    const full = [...path, 'id'];
    for (const name of names) {
      for (let depth = 0; depth <= full.length; depth++) {
        const replaced = full.map((s, i) => (i === depth ? name : s));
        const inserted = [...full.slice(0, depth), name, ...full.slice(depth)];
        for (const key of depth < full.length ? [replaced, inserted] : [inserted]) {
          bodies.push(`account[id]=1&${renderKey(key, 'raw')}=1&${renderKey(key, 'encoded')}=2`);
        }
      }
    }
  }
  return bodies;
}

/* ----------------------------- object inputs ----------------------------- */

/**
 * A description of an object input (what a framework's body parser might hand over), built
 * into a fresh object for every run so shrinking never sees a mutated value.
 */
type Spec =
  | { t: 'leaf'; v: string | number | boolean | null | undefined | bigint }
  | { t: 'odd'; v: 'function' | 'symbol' | 'date' | 'map' | 'bytes' | 'boxed' }
  | {
      t: 'obj';
      nullProto: boolean;
      entries: Array<[string, Spec]>;
      ownProto: Spec | null;
      getter: 'none' | 'value' | 'throws';
    }
  | { t: 'arr'; length: number; items: Array<[number, Spec]> }
  | { t: 'cycle'; up: number }
  | { t: 'proxy' };

const objectKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...BUILTIN_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...POLLUTION_KEYS) },
  { weight: 4, arbitrary: fc.constantFrom(...WIRE_WORDS) },
  { weight: 2, arbitrary: fc.nat({ max: 4 }).map(String) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

const { spec } = fc.letrec<{ spec: Spec; node: Spec }>((tie) => ({
  spec: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      t: fc.constant('leaf' as const),
      v: fc.oneof(
        fc.string({ maxLength: 10 }),
        fc.constantFrom(...HOSTILE_JSON),
        fc.double(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
        fc.bigInt(),
      ),
    }),
    fc.record({
      t: fc.constant('odd' as const),
      v: fc.constantFrom<'function' | 'symbol' | 'date' | 'map' | 'bytes' | 'boxed'>(
        'function',
        'symbol',
        'date',
        'map',
        'bytes',
        'boxed',
      ),
    }),
    tie('node'),
    tie('node'),
    fc.record({ t: fc.constant('cycle' as const), up: fc.nat({ max: 4 }) }),
    fc.constant({ t: 'proxy' as const }),
  ),
  node: fc.oneof(
    fc.record({
      t: fc.constant('obj' as const),
      nullProto: fc.boolean(),
      entries: fc.array(fc.tuple(objectKey, tie('spec')), { maxLength: 5 }),
      ownProto: fc.option(tie('spec'), { freq: 5 }),
      getter: fc.constantFrom<'none' | 'value' | 'throws'>(
        'none',
        'none',
        'none',
        'value',
        'throws',
      ),
    }),
    fc.record({
      t: fc.constant('arr' as const),
      // Sparse: a length far beyond the few items set.
      length: fc.oneof(fc.nat({ max: 6 }), fc.constantFrom(1_000, 4_294_967_295)),
      items: fc.array(fc.tuple(fc.nat({ max: 8 }), tie('spec')), { maxLength: 4 }),
    }),
  ),
}));

function build(s: Spec, ancestors: object[]): unknown {
  switch (s.t) {
    case 'leaf':
      return s.v;
    case 'odd':
      return {
        function: () => 'f',
        symbol: Symbol('s'),
        date: new Date(0),
        map: new Map([['a', '1']]),
        bytes: new Uint16Array([1, 2]),
        boxed: Object('boxed') as unknown,
      }[s.v];
    case 'cycle':
      return ancestors[Math.max(0, ancestors.length - 1 - s.up)] ?? {};
    case 'proxy':
      return new Proxy(
        {},
        {
          ownKeys() {
            throw new Error('hostile ownKeys trap');
          },
          getPrototypeOf() {
            throw new Error('hostile getPrototypeOf trap');
          },
        },
      );
    case 'arr': {
      const out: unknown[] = [];
      out.length = s.length;
      for (const [i, item] of s.items) out[i] = build(item, [...ancestors, out]);
      return out;
    }
    case 'obj': {
      const out: Record<string, unknown> = s.nullProto
        ? (Object.create(null) as Record<string, unknown>)
        : {};
      const inner = [...ancestors, out];
      for (const [key, child] of s.entries) {
        Object.defineProperty(out, key, {
          value: build(child, inner),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      }
      if (s.ownProto !== null) {
        // An own `__proto__` data property, as JSON.parse creates it.
        Object.defineProperty(out, '__proto__', {
          value: build(s.ownProto, inner),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      }
      if (s.getter !== 'none') {
        Object.defineProperty(out, 'id', {
          enumerable: true,
          configurable: true,
          get() {
            if (s.getter === 'throws') throw new Error('hostile getter');
            return '1';
          },
        });
      }
      return out;
    }
  }
}

/** Object inputs: sparse arrays, cycles, null prototypes, own `__proto__`, getters, proxies. */
const objectInput: fc.Arbitrary<unknown> = fc
  .tuple(fc.boolean(), fc.array(fc.tuple(objectKey, spec), { maxLength: 6 }), fc.nat())
  .map(([withAccount, entries, cyclePick]) => {
    const root: Record<string, unknown> = {};
    if (withAccount) root['account'] = { id: '31204999', subdomain: 'acme' };
    for (const [key, child] of entries) {
      Object.defineProperty(root, key, {
        value: build(child, [root]),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
    // One more cycle through the root, on a random key, half the time.
    if (cyclePick % 2 === 1) root[`loop${String(cyclePick % 5)}`] = root;
    return root;
  });

/** Inputs of the wrong kind entirely. */
const oddInput: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, undefined, 0, 1n, true, Symbol('s'), () => 1, [], [1, 2], new Date(0)),
  fc.uint8Array({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => b.buffer),
  formBody.map((b) => new URLSearchParams(b)),
  formBody.map((b) => {
    const data = new FormData();
    for (const [k, v] of new URLSearchParams(b)) data.append(k, v);
    data.append('file', new Blob(['x']), 'x.txt');
    return data;
  }),
);

/** One fuzzed input of `parseWebhook`, tagged with the generator family that made it. */
export interface ParseCase {
  family: string;
  input: unknown;
}

const tag =
  (family: string) =>
  (input: unknown): ParseCase => ({ family, input });

/** Every family of `parseWebhook` input. */
export const parseCase: fc.Arbitrary<ParseCase> = fc.oneof(
  { weight: 8, arbitrary: formBody.map(tag('form-keys')) },
  { weight: 4, arbitrary: mutatedBody.map(tag('mutated-fixture')) },
  { weight: 5, arbitrary: objectInput.map(tag('object')) },
  { weight: 1, arbitrary: oddInput.map(tag('odd-input')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map(tag('random-text')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map(tag('random-text')) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...Object.values(LARGE)), fc.constantFrom('', 'account[id]=1&'))
      .map(([large, prefix]) => `${prefix}${large}=1`)
      .map(tag('huge')),
  },
);

/* ------------------------------- the checks ------------------------------ */

const WATCHED: ReadonlyArray<[string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Function.prototype', Function.prototype],
  ['Array.prototype', Array.prototype],
];

function snapshot(target: object): Map<PropertyKey, unknown> {
  const out = new Map<PropertyKey, unknown>();
  for (const key of Reflect.ownKeys(target)) {
    const d = Object.getOwnPropertyDescriptor(target, key);
    out.set(key, d && ('value' in d ? d.value : [d.get, d.set]));
  }
  return out;
}

const PRISTINE = WATCHED.map(([name, target]) => [name, target, snapshot(target)] as const);

/**
 * Compares the watched prototypes with their state at load time, undoes any change (so one
 * pollution does not fail every later run) and says what changed.
 */
export function prototypeDamage(): string | undefined {
  for (const [name, target, before] of PRISTINE) {
    const now = snapshot(target);
    const changed = [...new Set([...before.keys(), ...now.keys()])].filter((key) => {
      const a = before.get(key);
      const b = now.get(key);
      return Array.isArray(a) && Array.isArray(b) ? a[0] !== b[0] || a[1] !== b[1] : a !== b;
    });
    if (changed.length === 0) continue;
    for (const key of changed) {
      if (!before.has(key)) Reflect.deleteProperty(target, key);
    }
    return `${name} changed: ${changed.map(String).join(', ')}`;
  }
  return undefined;
}

/** Every object in a parsed payload: none may carry a pollution key or a foreign prototype. */
function unsafeShape(value: unknown, path: string, seen = new Set<object>()): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (seen.has(value)) return `${path} is a cycle`;
  seen.add(value);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) {
    return `${path} has a foreign prototype`;
  }
  for (const key of POLLUTION_KEYS) {
    if (Object.hasOwn(value, key)) return `${path} has an own ${key} key`;
  }
  // What a consumer's copy would inherit from: an own `__proto__` would replace it.
  if (Object.getPrototypeOf(Object.assign({}, value)) !== Object.prototype) {
    return `${path} gives Object.assign copies another prototype`;
  }
  for (const [key, child] of Object.entries(value)) {
    const found = unsafeShape(child, `${path}.${key}`, seen);
    if (found !== undefined) return found;
  }
  seen.delete(value);
  return undefined;
}

/** What went wrong with one run: `undefined` when the outcome was allowed. */
export interface Failure {
  /** A stable category for tallies: the error class and message, or the broken invariant. */
  category: string;
  detail: string;
}

function describeError(error: unknown): Failure {
  const name = error instanceof Error ? error.constructor.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  return {
    category: `${name}: ${message.replace(/\d+/g, 'N').slice(0, 120)}`,
    detail: error instanceof Error ? (error.stack ?? message) : message,
  };
}

/**
 * Runs `parseWebhook` on one input: a payload with safe shapes, or a `WebhookParseError`, and
 * the prototypes unchanged afterwards.
 */
export function checkParse(input: unknown): Failure | undefined {
  let failure: Failure | undefined;
  try {
    const payload = parseWebhook(input as WebhookBody);
    if (!Array.isArray(payload.events)) {
      failure = { category: 'events is not an array', detail: '' };
    } else {
      for (const event of payload.events) {
        if (typeof event.type !== 'string') {
          failure = { category: 'event without a type', detail: JSON.stringify(event) };
          break;
        }
      }
    }
    const shape = failure ?? unsafeShape(payload, 'payload');
    if (typeof shape === 'string') failure = { category: 'unsafe payload shape', detail: shape };
  } catch (error) {
    failure = untypedOrMasked(error);
  }
  const damage = prototypeDamage();
  return damage === undefined ? failure : { category: 'prototype pollution', detail: damage };
}

/**
 * A thrown error the promise does not allow: anything but a `WebhookParseError`, or one made by
 * `parseWebhook`'s last-resort guard around something other than the deliberately hostile
 * Proxy traps. The guard keeps the typed promise, but a real bug behind it (a prototype lookup,
 * a getter that ran) must still fail the campaign.
 */
function untypedOrMasked(error: unknown): Failure | undefined {
  if (!(error instanceof WebhookParseError)) return describeError(error);
  const cause: unknown = error.cause;
  // The guard's mark: `invalid_input` with a foreign cause (`invalid_utf8` has a cause too).
  if (error.reason !== 'invalid_input' || cause === undefined) return undefined;
  if (cause instanceof Error && /^hostile \w+ trap$/.test(cause.message)) return undefined;
  const hidden = describeError(cause);
  return { category: `guard hid ${hidden.category}`, detail: hidden.detail };
}

/* ------------------------ verifyWebhook and the handler ------------------------ */

/** The secret the verify and handler cases use. */
export const FUZZ_SECRET = 'fuzz-secret-4c1e';

type VerifyScheme =
  | 'url-secret'
  | 'url-secret-account'
  | 'chats'
  | 'hmac'
  | 'salesbot-jwt'
  | 'widget-jwt'
  | 'disconnect';

/** One fuzzed `verifyWebhook` call. */
export interface VerifyCase {
  scheme: VerifyScheme;
  url: string;
  headers: Record<string, string | string[]>;
  body: string | Uint8Array | undefined;
  /** Sign the body (chats, hmac) so the check reaches the end of the scheme. */
  signed: boolean;
  /** Hand over a Web `Request` instead of `{ url, headers, body }`. */
  asRequest: boolean;
}

const headerName = fc.oneof(
  fc.constantFrom(...BUILTIN_NAMES, ...POLLUTION_KEYS),
  fc.constantFrom('x-signature', 'x-auth-token', 'authorization', 'content-length', 'host'),
);

export const verifyCase: fc.Arbitrary<VerifyCase> = fc.record({
  scheme: fc.constantFrom<VerifyScheme>(
    'url-secret',
    'url-secret-account',
    'chats',
    'hmac',
    'salesbot-jwt',
    'widget-jwt',
    'disconnect',
  ),
  url: fc.oneof(
    { weight: 6, arbitrary: fc.constant(`/kommo?secret=${FUZZ_SECRET}`) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((s) => `/kommo?secret=${s}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '//[',
        'http://[::1',
        '%',
        '\u0000',
        'http://a b/',
        '?signature=zz',
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  ),
  headers: fc.dictionary(
    headerName,
    fc.oneof(fc.string({ maxLength: 40 }), fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 })),
    { maxKeys: 4 },
  ),
  body: fc.oneof(
    formBody,
    mutatedBody,
    fc.uint8Array({ maxLength: 200 }),
    fc.constantFrom(...HOSTILE_JSON).map((j) => `{"token":"a.b.c","data":${j}}`),
    fc.string({ maxLength: 60 }).map((t) => `token=${encodeURIComponent(t)}`),
    fc.constant(undefined),
  ),
  signed: fc.boolean(),
  asRequest: fc.boolean(),
});

function verifyOptions(scheme: VerifyScheme): VerifyWebhookOptions {
  switch (scheme) {
    case 'url-secret':
      return { secret: FUZZ_SECRET };
    case 'url-secret-account':
      return { secret: FUZZ_SECRET, expectedAccount: { id: 31204999, subdomain: 'acme' } };
    case 'chats':
      return { scheme: 'chats', secret: FUZZ_SECRET };
    case 'hmac':
      return { scheme: 'hmac', secret: FUZZ_SECRET };
    case 'salesbot-jwt':
      return { scheme: 'salesbot-jwt', secret: FUZZ_SECRET };
    case 'widget-jwt':
      return { scheme: 'widget-jwt', secret: FUZZ_SECRET, audience: 'https://x.test' };
    case 'disconnect':
      return { scheme: 'disconnect', secret: FUZZ_SECRET, clientUuid: 'uuid-1' };
  }
}

async function requestOf(c: VerifyCase): Promise<Request | WebhookRequestLike> {
  const headers: Record<string, string | string[]> = { ...c.headers };
  if (c.signed && c.body !== undefined && (c.scheme === 'chats' || c.scheme === 'hmac')) {
    const signed = await signWebhook({ scheme: c.scheme, secret: FUZZ_SECRET, body: c.body });
    Object.assign(headers, signed.headers);
  }
  if (c.asRequest) {
    try {
      const list = Object.entries(headers).flatMap(([k, v]) =>
        (Array.isArray(v) ? v : [v]).map((x) => [k, x] as [string, string]),
      );
      return new Request(new URL(c.url, 'https://x.test'), {
        method: 'POST',
        headers: list,
        ...(c.body !== undefined && { body: c.body as BodyInit }),
      });
    } catch {
      // Names or values a Request refuses: such a request never reaches a handler.
    }
  }
  return { url: c.url, headers, body: c.body ?? null };
}

/** Runs `verifyWebhook` on one case: a verification or a `WebhookVerificationError` only. */
export async function checkVerify(c: VerifyCase): Promise<Failure | undefined> {
  let failure: Failure | undefined;
  try {
    await verifyWebhook(await requestOf(c), verifyOptions(c.scheme));
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) failure = describeError(error);
  }
  const damage = prototypeDamage();
  return damage === undefined ? failure : { category: 'prototype pollution', detail: damage };
}

const handler = createWebhookHandler({
  verify: { secret: FUZZ_SECRET },
  on: { '*': () => undefined },
  onError: (error, context) => {
    if (context.phase === 'parse' || context.phase === 'verify') lastErrors.push(error);
  },
});
const lastErrors: unknown[] = [];

/**
 * Runs `createWebhookHandler` on one body: an expected status, and `onError` handed only
 * `WebhookParseError`/`WebhookVerificationError`.
 */
export async function checkHandler(body: string): Promise<Failure | undefined> {
  lastErrors.length = 0;
  let failure: Failure | undefined;
  try {
    const response = await handler(
      new Request(`https://x.test/kommo?secret=${FUZZ_SECRET}`, { method: 'POST', body }),
    );
    if (![200, 400, 413].includes(response.status)) {
      failure = { category: `answered ${String(response.status)}`, detail: body.slice(0, 200) };
    }
  } catch (error) {
    failure = describeError(error);
  }
  for (const error of lastErrors) {
    const wrong = error instanceof WebhookVerificationError ? undefined : untypedOrMasked(error);
    if (wrong !== undefined) failure ??= { ...wrong, category: `onError got ${wrong.category}` };
  }
  const damage = prototypeDamage();
  return damage === undefined ? failure : { category: 'prototype pollution', detail: damage };
}

/** Bodies for the handler check. */
export const handlerBody: fc.Arbitrary<string> = fc.oneof(formBody, mutatedBody);
