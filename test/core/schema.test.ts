import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ResponseValidationError } from '../../src/core/errors.js';
import { checkInPlace, parseResponse } from '../../src/core/schema.js';
import * as lead from '../../src/schemas/lead.js';
import { richLeadsPage } from '../fixtures/pages.js';

// The in-place check must accept and reject exactly what zod does, and return what zod
// returns, for every schema of the SDK: this file runs both on the fixture corpus and on
// mutations of it.

/** Every schema module of src/schemas (the barrel aside), found on disk: a new one is covered. */
const schemaDir = fileURLToPath(new URL('../../src/schemas/', import.meta.url));
const modules: Record<string, Record<string, unknown>> = Object.fromEntries(
  await Promise.all(
    readdirSync(schemaDir)
      .filter((file) => file.endsWith('.ts') && file !== 'index.ts')
      .map(
        async (file) =>
          [
            file.slice(0, -3).replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
            (await import(new URL(file, pathToFileURL(schemaDir)).href)) as Record<string, unknown>,
          ] as const,
      ),
  ),
);

const isSchema = (value: unknown): value is z.ZodType => value instanceof z.ZodType;

/** Every schema of every module: the exported ones and those its route schemas name. */
const schemas = new Map<string, z.ZodType>();
for (const [name, module] of Object.entries(modules)) {
  for (const [key, value] of Object.entries(module)) {
    if (isSchema(value)) schemas.set(`${name}.${key}`, value);
    else if (typeof value === 'function' && key.endsWith('Schemas') && value.length === 0) {
      const routeSchemas = (value as () => Record<string, unknown>)();
      for (const [role, schema] of Object.entries(routeSchemas))
        if (isSchema(schema)) schemas.set(`${name}.${key}().${role}`, schema);
    }
  }
}

/** The answers the SDK reads: what `parseResponse` runs on. */
const ANSWER_ROLES =
  /\.(item|page|ref|complexResult|typesAnswer|actionResult|summary|created|changed|answer|reviews|reviewItem|modeResult)$/;
const answers = [...schemas].filter(
  ([name]) => ANSWER_ROLES.test(name) || name === 'account.AccountSchema',
);

const fixtureDir = fileURLToPath(new URL('../fixtures/', import.meta.url));
const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, JSON.parse(readFileSync(`${fixtureDir}${f}`, 'utf8')) as unknown] as const);

/** A value and every object and array inside it (each distinct one once). */
function parts(value: unknown, out = new Map<string, unknown>()): Map<string, unknown> {
  if (typeof value === 'object' && value !== null) {
    out.set(JSON.stringify(value), value);
    for (const inner of Object.values(value)) parts(inner, out);
  } else {
    out.set(JSON.stringify(value) ?? 'undefined', value);
  }
  return out;
}

const corpus = new Map<string, unknown>();
for (const [, value] of fixtures) parts(value, corpus);
// The 16-custom-field leads page, whole and as parts (its parts repeat the fixture's lead).
const rich = richLeadsPage(250);
corpus.set('rich page', rich);

/**
 * Runs zod and the in-place check on `input`: zod never changes its input, and the in-place
 * check changes it only when it accepts, so it gets a copy only when zod accepts.
 */
function both(schema: z.ZodType, input: unknown) {
  const byZod = schema.safeParse(input);
  const inPlace = checkInPlace(schema, byZod.success ? structuredClone(input) : input);
  return { byZod, inPlace };
}

function expectSame(schema: z.ZodType, input: unknown, label: string): boolean {
  const { byZod, inPlace } = both(schema, input);
  if (inPlace.ok !== byZod.success)
    expect(inPlace.ok, `${label}: in-place ${inPlace.ok ? 'accepts' : 'rejects'}`).toBe(
      byZod.success,
    );
  // The native comparison first (tens of thousands of values), vitest's for the diff.
  if (byZod.success && !isDeepStrictEqual(inPlace.value, byZod.data))
    expect(inPlace.value, label).toStrictEqual(byZod.data);
  return byZod.success;
}

describe('the in-place check agrees with zod', () => {
  it(
    'on every fixture and every object and array inside one, for every schema of the SDK',
    { timeout: 120_000 },
    () => {
      expect(schemas.size).toBeGreaterThan(150);
      expect(corpus.size).toBeGreaterThan(500);
      let accepted = 0;
      for (const [name, schema] of schemas) {
        for (const [key, value] of corpus) {
          // The large page is an answer: run it against the answer schemas only.
          if (key === 'rich page' && !answers.some(([n]) => n === name)) continue;
          if (expectSame(schema, value, `${name} on ${key.slice(0, 80)}`)) accepted++;
        }
      }
      // Not a corpus every schema refuses: the answers of the fixtures are accepted.
      expect(accepted).toBeGreaterThan(300);
    },
  );

  it(
    'on mutations of the answers each answer schema accepts (types changed, keys dropped or added, nulls)',
    { timeout: 120_000 },
    () => {
      let mutated = 0;
      for (const [name, schema] of answers) {
        const accepted = fixtures
          .flatMap(([file, value]) => [...parts(value)].map(([, v]) => [file, v] as const))
          .filter(([, v]) => typeof v === 'object' && v !== null && schema.safeParse(v).success)
          .slice(0, 12);
        for (const [file, value] of accepted) {
          fc.assert(
            fc.property(mutation(value), (input) => {
              mutated++;
              expectSame(schema, input, `${name} on a mutation of ${file}`);
            }),
            { seed: 1515, numRuns: 40 },
          );
        }
      }
      expect(mutated).toBeGreaterThan(2000);
    },
  );
});

/** A copy of `value` with one change at a random place (or `value` itself, unchanged). */
function mutation(value: unknown): fc.Arbitrary<unknown> {
  const paths: Array<Array<string | number>> = [];
  const walk = (v: unknown, path: Array<string | number>): void => {
    paths.push(path);
    if (typeof v === 'object' && v !== null)
      for (const [k, inner] of Object.entries(v))
        walk(inner, [...path, Array.isArray(v) ? Number(k) : k]);
  };
  walk(value, []);
  const replacements: unknown[] = [null, 'text', '12', 42, 1.5, -1, true, {}, [], [1], { id: 'x' }];
  return fc
    .record({
      path: fc.constantFrom(...paths),
      how: fc.constantFrom('replace', 'delete', 'addKey', 'proto', 'wrap'),
      with: fc.constantFrom(...replacements),
    })
    .map(({ path, how, with: replacement }) => {
      const copy = structuredClone(value);
      if (path.length === 0) return how === 'wrap' ? [copy] : replacement;
      let parent: any = copy;
      for (const step of path.slice(0, -1)) parent = parent[step];
      const last = path[path.length - 1]!;
      const target = parent[last];
      switch (how) {
        case 'replace':
          parent[last] = replacement;
          break;
        case 'delete':
          if (Array.isArray(parent)) parent.splice(Number(last), 1);
          else delete parent[last];
          break;
        case 'addKey':
          if (typeof target === 'object' && target !== null && !Array.isArray(target))
            target['x_new_key'] = replacement;
          else parent[last] = replacement;
          break;
        case 'proto':
          // An own `__proto__` key, as JSON.parse makes it.
          if (typeof target === 'object' && target !== null && !Array.isArray(target))
            parent[last] = { ...target, ...JSON.parse('{"__proto__":{"polluted":true}}') };
          break;
        case 'wrap':
          parent[last] = [target];
          break;
      }
      return copy;
    });
}

describe('the in-place check returns the answer it was given', () => {
  it('keeps the objects of a page (no copy) and their unknown keys', () => {
    const page = richLeadsPage(3);
    const leads = (page['_embedded'] as { leads: Array<Record<string, unknown>> }).leads;
    const first = leads[0]!;
    const result = checkInPlace(lead.LeadCollectionSchema, page);
    expect(result.ok).toBe(true);
    expect(result.value).toBe(page);
    expect((result.value as typeof page)['_embedded']).toBe(page['_embedded']);
    expect(leads[0]).toBe(first);
    expect(first['some_field_added_later_by_vendor']).toBeDefined();
  });

  it('drops an own __proto__ key the way zod does, at any depth', () => {
    const answer = JSON.parse(
      '{"id":1,"__proto__":{"polluted":true},"_embedded":{"tags":[{"id":2,"__proto__":{"x":1}}]}}',
    ) as Record<string, unknown>;
    const result = checkInPlace(lead.LeadSchema, answer);
    expect(result.ok).toBe(true);
    expect(Object.hasOwn(answer, '__proto__')).toBe(false);
    expect(result.value).toStrictEqual(lead.LeadSchema.parse(JSON.parse(JSON.stringify(answer))));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('puts what zod returns where a schema rewrites a value (transform, default, strip, coerce)', () => {
    const schema = z.looseObject({
      id: z.number(),
      tags: z.array(z.string().transform((name) => ({ name }))),
      kind: z.string().default('plain'),
      stripped: z.object({ keep: z.number() }).optional(),
      count: z.coerce.number().optional(),
      either: z.union([z.number(), z.string().transform((s) => s.length)]).optional(),
    });
    const input = {
      id: 1,
      tags: ['a', 'b'],
      stripped: { keep: 1, drop: 2 },
      count: '7',
      either: 'four',
      extra: true,
    };
    const result = checkInPlace(schema, structuredClone(input));
    expect(result.ok).toBe(true);
    expect(result.value).toStrictEqual(schema.parse(structuredClone(input)));
    expect(result.value).toMatchObject({ kind: 'plain', tags: [{ name: 'a' }, { name: 'b' }] });
  });

  it('changes nothing when the answer is refused, even where a schema rewrites values', () => {
    const schema = z.looseObject({
      tags: z.array(z.string().transform((name) => ({ name }))),
      id: z.number(),
    });
    const input = { tags: ['a'], id: 'not a number' };
    expect(checkInPlace(schema, input).ok).toBe(false);
    expect(input).toStrictEqual({ tags: ['a'], id: 'not a number' });
  });
});

describe('parseResponse', () => {
  it('reports a wrong shape as a ResponseValidationError with zod’s path and message', () => {
    const page = richLeadsPage(2);
    (page['_embedded'] as { leads: Array<Record<string, unknown>> }).leads[1]!['id'] = '2';
    let caught: unknown;
    try {
      parseResponse(lead.LeadCollectionSchema, page, { what: 'leads', validate: true });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ResponseValidationError);
    const failure = caught as ResponseValidationError;
    expect(failure.issues).toEqual([
      {
        path: ['_embedded', 'leads', 1, 'id'],
        message: 'Invalid input: expected number, received string',
      },
    ]);
    expect(failure.message).toBe(
      'Unexpected answer shape for leads: _embedded.leads.1.id: Invalid input: expected number, received string',
    );
  });

  it('keeps the lenient rules: nulls, numbers sent as strings, unknown enum values, bare ids', () => {
    const answer = {
      id: 7,
      name: null,
      custom_fields_values: [
        { field_id: 1, field_type: 'a_type_kommo_adds_later', values: [{ value: '12.5' }] },
      ],
      _embedded: { tags: [5, { id: 6, name: 'vip' }], contacts: [9] },
    };
    expect(parseResponse(lead.LeadSchema, answer, { what: 'lead', validate: true })).toBe(answer);
  });

  it('runs a refinement that throws through zod, which throws as before', () => {
    const schema = z.looseObject({
      id: z.number().refine(() => {
        throw new Error('refinement failed hard');
      }),
    });
    expect(() => parseResponse(schema, { id: 1 }, { what: 'x', validate: true })).toThrow(
      'refinement failed hard',
    );
  });
});
