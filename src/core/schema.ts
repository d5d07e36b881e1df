/**
 * Running schemas: the one place that checks an answer against its (lenient) response schema
 * and turns a mismatch into a {@link ResponseValidationError}, and the one place that checks
 * input against its (strict) schema and turns a mismatch into a {@link RequestValidationError}.
 *
 * Answers are checked in place. A zod parse of a `looseObject` builds a new object for every
 * object it meets (a page of 250 leads is ~10,000 objects and arrays copied) only to hand back
 * the same keys and values. {@link parseResponse} walks the parsed JSON against the same zod
 * schema instead, reading each schema's definition once, and returns the answer it was given:
 * unknown keys stay because nothing was rebuilt. zod stays the source of truth: a schema node
 * the walk does not model (a transform, a default, a refinement, a strip object…) is handed to
 * zod itself, whose output replaces the value once the whole answer has passed; and when the
 * walk rejects an answer, zod parses it again to name every issue, so errors read exactly as
 * before (and, should the two ever disagree, zod's verdict is the one returned).
 *
 * @module
 */

import type { z } from 'zod';
import { RequestValidationError, ResponseValidationError, type ValidationIssue } from './errors.js';

/** Parses `data` with `schema`; with validation off, returns it unchecked. */
export function parseResponse<S extends z.ZodType>(
  schema: S,
  data: unknown,
  context: { what: string; validate: boolean; requestId?: string | undefined },
): z.infer<S> {
  if (!context.validate) return data as z.infer<S>;
  const checked = checkInPlace(schema, data);
  if (checked.ok) return checked.value as z.infer<S>;
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new ResponseValidationError(
    `Unexpected answer shape for ${context.what}: ${result.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ')}`,
    {
      issues: result.error.issues.map((i) => ({
        path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
        message: i.message,
      })),
      body: data,
      requestId: context.requestId,
    },
  );
}

/**
 * Validates input strictly before anything is sent.
 *
 * @throws {@link RequestValidationError} naming every offending path (a misspelt key is named
 *   by its own path, e.g. `stauts_id`).
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: ValidationIssue[] = [];
  for (const issue of result.error.issues) {
    const base = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        issues.push({ path: [...base, key], message: `Unknown key "${key}"` });
    } else {
      issues.push({ path: base, message: issue.message });
    }
  }
  const summary = issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
  const more = issues.length > 5 ? ` (+${issues.length - 5} more)` : '';
  throw new RequestValidationError(`Invalid ${what}: ${summary}${more}`, issues);
}

/**
 * Refuses an update with no field: Kommo answers it with 400 "Request data can not be empty".
 *
 * @throws {@link RequestValidationError}
 */
export function requireSomeField<T extends object>(body: T, what: string): T {
  if (Object.keys(body).length === 0) {
    throw new RequestValidationError(`Invalid ${what}: give at least one field to change`, [
      { path: [], message: 'Empty update' },
    ]);
  }
  return body;
}

/**
 * A value built on first use and kept: how resource specs name their schemas (a thunk that
 * imports the family's schema module), so that nothing is built before a resource is used.
 */
export function lazy<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}

// ---------------------------------------------------------------------------------------------
// The in-place check.

/** The parts of a zod schema's internals the check reads (zod 4's `_zod`). */
interface Node {
  _zod: {
    def: Def;
    optin?: 'optional' | 'defaulted' | undefined;
    optout?: 'optional' | undefined;
    values?: ReadonlySet<unknown> | undefined;
    propValues?: Record<PropertyKey, ReadonlySet<unknown>> | undefined;
  };
  safeParse(value: unknown): { success: true; data: unknown } | { success: false };
}

interface Def {
  type: string;
  checks?: readonly unknown[] | undefined;
  /** A string or number format (`z.url()`, `z.email()`, `z.int()`): a check of the node's own. */
  format?: string | undefined;
  coerce?: boolean | undefined;
  innerType?: Node;
  element?: Node;
  shape?: Record<PropertyKey, Node>;
  catchall?: Node | undefined;
  options?: readonly Node[];
  discriminator?: PropertyKey | undefined;
  unionFallback?: boolean | undefined;
  inclusive?: boolean | undefined;
  values?: readonly unknown[];
  fn?: (value: unknown) => unknown;
  when?: unknown;
  abort?: unknown;
}

/** Where a value sits, so that a node zod handles can put zod's output in its place. */
type Holder = Record<PropertyKey, unknown>;
/** Whether `value` (found at `holder[key]`) passes; pushes replacements to `writes`. */
type Check = (value: unknown, holder: Holder, key: PropertyKey) => boolean;

/** A replacement deleting the key (zod drops own `__proto__` keys from the objects it builds). */
const DELETE = Symbol('delete');
/** Replacements of the current check, as `holder, key, value` triples, applied on success only. */
let writes: unknown[] = [];
const compiled = new WeakMap<object, Check>();

const isRecord = (v: unknown): v is Holder =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks `data` against `schema` without copying it. `ok` with the value zod would return
 * (the same object, with the rare parts zod rewrites replaced), or `ok: false` when zod would
 * reject it. For tests and {@link parseResponse}.
 */
export function checkInPlace(schema: z.ZodType, data: unknown): { ok: boolean; value: unknown } {
  const check = compile(schema);
  const box: Holder = { value: data };
  const outer = writes;
  writes = [];
  try {
    if (!check(data, box, 'value')) return { ok: false, value: undefined };
    for (let i = 0; i < writes.length; i += 3) {
      const holder = writes[i] as Holder;
      const key = writes[i + 1] as PropertyKey;
      const value = writes[i + 2];
      // The one deleted key is `__proto__` (an own key JSON.parse made), never a computed one.
      if (value === DELETE) Reflect.deleteProperty(holder, key);
      else holder[key] = value;
    }
    return { ok: true, value: box['value'] };
  } catch {
    // A refinement that throws: let zod run it, and throw or report as it does.
    return { ok: false, value: undefined };
  } finally {
    writes = outer;
  }
}

function compile(node: Node): Check {
  const known = compiled.get(node);
  if (known) return known;
  // A recursive schema meets itself while being compiled: point it at the finished check.
  compiled.set(node, (v, h, k) => done(v, h, k));
  const done = build(node);
  compiled.set(node, done);
  return done;
}

/** The node as zod runs it: zod's output replaces the value when it differs (a transform…). */
function byZod(node: Node): Check {
  return (v, h, k) => {
    const result = node.safeParse(v);
    if (!result.success) return false;
    if (result.data !== v) writes.push(h, k, result.data);
    return true;
  };
}

const pass: Check = () => true;

/**
 * Whether zod must judge a node itself: it has checks, a format (zod 4 keeps `z.url()`'s
 * format on the node, not in `checks`) or coercion.
 */
function zodRuns(def: Def): boolean {
  return (
    (def.checks !== undefined && def.checks.length > 0) || def.format !== undefined || !!def.coerce
  );
}

function build(node: Node): Check {
  const zod = node._zod;
  const def = zod.def;
  // Checks (`.min()`, `.int()`, `.refine()`…), formats and coercion are zod's to run.
  if (zodRuns(def)) return byZod(node);
  switch (def.type) {
    case 'string':
      return (v) => typeof v === 'string';
    case 'number':
      return (v) => typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'null':
      return (v) => v === null;
    case 'undefined':
      return (v) => v === undefined;
    case 'unknown':
    case 'any':
      return pass;
    case 'never':
      return () => false;
    case 'literal':
    case 'enum': {
      const values = zod.values;
      return values ? (v) => values.has(v) : byZod(node);
    }
    case 'optional': {
      const inner = def.innerType as Node;
      if (inner._zod.optin === 'defaulted') return byZod(node);
      const check = compile(inner);
      return (v, h, k) => v === undefined || check(v, h, k);
    }
    case 'nullable': {
      const check = compile(def.innerType as Node);
      return (v, h, k) => v === null || check(v, h, k);
    }
    case 'array': {
      const check = compile(def.element as Node);
      return (v) => {
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++)
          if (!check(v[i], v as unknown as Holder, i)) return false;
        return true;
      };
    }
    case 'object':
      return object(node, def);
    case 'union':
      if (def.discriminator === undefined) return union(node, def);
      return def.unionFallback ? byZod(node) : tagged(node, def);
    case 'custom': {
      const fn = def.fn;
      if (!fn || def.when !== undefined) return byZod(node);
      return (v) => {
        const verdict = fn(v);
        // An async refinement: zod refuses it in a synchronous parse; let it say so.
        if (verdict instanceof Promise) throw new Error('async refinement');
        return Boolean(verdict);
      };
    }
    default:
      return byZod(node);
  }
}

/** Leaf types an object checks inline, without a call: most fields of an answer are these. */
const enum Kind {
  Call,
  Number,
  String,
  Boolean,
  Any,
}

interface Field {
  key: string;
  kind: Kind;
  /** `null` passes (a nullable leaf). */
  nullable: boolean;
  /** `undefined` passes (an optional leaf). */
  optional: boolean;
  check: Check;
  /** Absent is fine: the key may be left out and zod then leaves it out. */
  omittable: boolean;
  /** Absent is judged by running the check on `undefined` (an optional-in, required-out node). */
  judgeAbsent: boolean;
}

/** How a field's schema reads as an inline leaf: `z.number().nullish()` is a nullable, optional number. */
function leaf(node: Node): Pick<Field, 'kind' | 'nullable' | 'optional'> {
  let nullable = false;
  let optional = false;
  for (let n = node; ;) {
    const def = n._zod.def;
    if (zodRuns(def)) break;
    if (def.type === 'optional' && def.innerType?._zod.optin !== 'defaulted') optional = true;
    else if (def.type === 'nullable') nullable = true;
    else {
      const kind =
        def.type === 'number'
          ? Kind.Number
          : def.type === 'string'
            ? Kind.String
            : def.type === 'boolean'
              ? Kind.Boolean
              : def.type === 'unknown' || def.type === 'any'
                ? Kind.Any
                : Kind.Call;
      if (kind !== Kind.Call) return { kind, nullable, optional };
      break;
    }
    n = def.innerType as Node;
  }
  return { kind: Kind.Call, nullable: false, optional: false };
}

function object(node: Node, def: Def): Check {
  const shape = def.shape ?? {};
  const catchall = def.catchall?._zod.def;
  // Without a catchall zod strips unknown keys; another catchall type checks each of them.
  const loose = catchall?.type === 'unknown' || catchall?.type === 'any';
  const strict = catchall?.type === 'never';
  if (
    (!loose && !strict) ||
    (catchall?.checks && catchall.checks.length > 0) ||
    Object.getOwnPropertySymbols(shape).length > 0 ||
    Object.hasOwn(shape, '__proto__')
  )
    return byZod(node);
  const keys = Object.keys(shape);
  const fields: Field[] = [];
  for (const key of keys) {
    const schema = shape[key] as Node;
    const field = schema._zod;
    // A default fills a missing key: zod's to do.
    if (field.optin === 'defaulted') return byZod(node);
    fields.push({
      key,
      ...leaf(schema),
      check: compile(schema),
      omittable: field.optin === 'optional' && field.optout === 'optional',
      judgeAbsent: field.optin === 'optional' && field.optout !== 'optional',
    });
  }
  const byKey: Record<string, Field> = Object.create(null) as Record<string, Field>;
  for (const field of fields) byKey[field.key] = field;
  const needed = fields.filter((f) => !f.omittable).length;
  // Reading an answer's own keys (`for…in`) is much faster than looking each declared key up
  // (most are absent, and a miss searches the prototype chain). A declared key that objects
  // inherit (`toString`…) would be missed that way: zod reads it, so read each key then.
  const exact = (v: Holder): boolean => byDeclaredKeys(v, fields, strict);
  if (keys.some((key) => key in Object.prototype)) return (v) => isRecord(v) && exact(v);
  return (v) => {
    if (!isRecord(v)) return false;
    let seen = 0;
    for (const key in v) {
      const field = byKey[key];
      if (field === undefined) {
        if (strict) return false;
        // zod leaves an own `__proto__` out of the object it builds.
        if (key === '__proto__') writes.push(v, key, DELETE);
        continue;
      }
      if (!field.omittable) seen++;
      const value = v[key];
      switch (field.kind) {
        case Kind.Number:
          if (typeof value === 'number' && Number.isFinite(value)) continue;
          break;
        case Kind.String:
          if (typeof value === 'string') continue;
          break;
        case Kind.Boolean:
          if (typeof value === 'boolean') continue;
          break;
        case Kind.Any:
          continue;
        default:
          if (field.check(value, v, key)) continue;
          return false;
      }
      if (value === null ? !field.nullable : value !== undefined || !field.optional) return false;
    }
    // A required key is missing (or inherited): judge every declared key the way zod does.
    return seen === needed || exact(v);
  };
}

/** The object check key by declared key, exactly as zod's object parse reads them. */
function byDeclaredKeys(v: Holder, fields: readonly Field[], strict: boolean): boolean {
  for (const field of fields) {
    const value = v[field.key];
    if (value === undefined && !(field.key in v)) {
      if (field.omittable) continue;
      if (field.judgeAbsent && field.check(undefined, v, field.key)) continue;
      return false;
    }
    if (!field.check(value, v, field.key)) return false;
  }
  if (strict) {
    const declared = new Set(fields.map((f) => f.key));
    for (const key in v) if (!declared.has(key)) return false;
  }
  return true;
}

/** A plain union: the first option that passes decides (what it replaced is kept). */
function union(node: Node, def: Def): Check {
  // An exclusive union (`z.xor`) needs exactly one option to pass: zod's to count.
  if (def.inclusive === false) return byZod(node);
  const options = (def.options ?? []).map(compile);
  return (v, h, k) => {
    const mark = writes.length;
    for (const option of options) {
      if (option(v, h, k)) return true;
      writes.length = mark;
    }
    return false;
  };
}

/** A discriminated union: the option is the one whose tag the value carries. */
function tagged(node: Node, def: Def): Check {
  const tag = def.discriminator as PropertyKey;
  const byTag = new Map<unknown, Check>();
  for (const option of def.options ?? []) {
    const values = option._zod.propValues?.[tag];
    // Shapes zod resolves only while parsing, or clashing tags: zod's own map decides.
    if (!values || values.size === 0) return byZod(node);
    for (const value of values) {
      if (byTag.has(value)) return byZod(node);
      byTag.set(value, compile(option));
    }
  }
  return (v, h, k) => {
    if (!isRecord(v)) return false;
    const option = byTag.get(v[tag]);
    return option !== undefined && option(v, h, k);
  };
}
