import nock from 'nock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// Every call of a `z.*` builder, by the source file it was made for: zod is replaced, for this
// file's module graph, by the same zod whose builders also note where they were called from.
// A call made while a family's module is evaluated counts for that family (the outermost schema
// module on the stack: schemas/common.ts, loaded by schemas/task.ts, counts for task.ts); a
// call made outside src/schemas counts for its own file.
const built = vi.hoisted(() => new Map<string, number>());

vi.mock('zod', async (importOriginal) => {
  const actual = await importOriginal<typeof import('zod')>();
  const caller = (stack: string | undefined): string => {
    const files = (stack ?? '')
      .split('\n')
      .slice(2)
      .flatMap((line) => /\/src\/([\w/.-]+\.ts)/.exec(line)?.[1] ?? []);
    return files.filter((f) => f.startsWith('schemas/')).at(-1) ?? files[0] ?? '(outside src)';
  };
  const z = new Proxy(actual.z, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || !/^[a-z]/.test(String(prop))) return value;
      return (...args: unknown[]) => {
        const file = caller(new Error().stack);
        built.set(file, (built.get(file) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { ...actual, z };
});

const HOST = 'https://acme.kommo.com';
const json = { 'content-type': 'application/hal+json' };

/** The SDK evaluated afresh, against the counting zod. */
async function freshSdk() {
  vi.resetModules();
  built.clear();
  return import('../../src/index.js');
}

function client(sdk: Awaited<ReturnType<typeof freshSdk>>) {
  return new sdk.Kommo({
    domain: 'acme.kommo.com',
    accessToken: 'test-token-0123456789',
    rateLimit: false,
  });
}

describe('schemas are built on first use of a family, never on import', () => {
  beforeEach(() => built.clear());

  it('importing the SDK and creating a client builds no zod schema', async () => {
    const sdk = await freshSdk();
    const kommo = client(sdk);
    expect(kommo.leads).toBeDefined();
    expect(kommo.contacts).toBeDefined();
    expect(Object.fromEntries(built)).toEqual({});
  });

  it("the first leads.list() builds the lead schemas and none of another family's", async () => {
    const sdk = await freshSdk();
    const kommo = client(sdk);
    nock(HOST)
      .get('/api/v4/leads')
      .query(true)
      .reply(200, { _page: 1, _embedded: { leads: [{ id: 1, name: 'A' }] } }, json);
    const page = await kommo.leads.list();
    expect(page.items).toEqual([{ id: 1, name: 'A' }]);
    // The counter works: the lead family's schemas were built (with what they build on), and
    // nothing else.
    expect([...built.keys()]).toEqual(['schemas/lead.ts']);
    expect(built.get('schemas/lead.ts')).toBeGreaterThan(100);
  });

  it("using a second family builds its schemas only, and the first family's are not rebuilt", async () => {
    const sdk = await freshSdk();
    const kommo = client(sdk);
    nock(HOST)
      .get('/api/v4/leads')
      .query(true)
      .twice()
      .reply(200, { _page: 1, _embedded: { leads: [{ id: 1 }] } }, json);
    nock(HOST).get('/api/v4/tasks/5').reply(200, { id: 5, text: 'Call' }, json);
    await kommo.leads.list();
    const afterLeads = new Map(built);
    await kommo.leads.list();
    await kommo.tasks.get(5);
    const added = [...built].filter(([file, n]) => n !== afterLeads.get(file)).map(([f]) => f);
    expect(added).toEqual(['schemas/task.ts']);
  });
});
