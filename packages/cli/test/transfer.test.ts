import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getFieldValue, type Kommo, type Lead } from 'kommo-sdk';
import { startSandbox, type Sandbox } from 'kommo-sdk/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { runKommo, tempDir, tokenFile } from './support/cli.js';
import { client } from './support/sandbox.js';

const EXTERNAL_ID = 1_280_101;
const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

async function account(
  options: Parameters<typeof startSandbox>[0],
): Promise<{ sandbox: Sandbox; args: string[]; kommo: Kommo }> {
  const sandbox = await startSandbox({ rateLimit: false, ...options });
  sandboxes.push(sandbox);
  const args = [
    '--base-url',
    sandbox.url,
    '--token-file',
    tokenFile(tempDir(), sandbox.accessToken),
  ];
  return { sandbox, args, kommo: client(sandbox.url, sandbox.accessToken) };
}

/** What an import must reproduce of a lead (its id lives on as the key). */
function essence(lead: Lead): Record<string, unknown> {
  return {
    name: lead.name,
    // Kommo stores no price as 0.
    price: lead.price ?? 0,
    status_id: lead.status_id,
    pipeline_id: lead.pipeline_id,
    responsible_user_id: lead.responsible_user_id,
    created_by: lead.created_by,
    created_at: lead.created_at,
    closed_at: lead.closed_at ?? null,
    tags: (lead._embedded?.tags ?? []).map((t) => (typeof t === 'number' ? t : t.name)).sort(),
    fields: (lead.custom_fields_values ?? [])
      .filter((f) => f.field_id !== EXTERNAL_ID)
      .map((f) => [f.field_id, (f.values ?? []).map((v) => v.enum_id ?? v.value)])
      .sort(),
  };
}

describe('kommo export and import', () => {
  it('exports 5,000 leads as CSV and imports them into a fresh sandbox, reproducing every one', async () => {
    const from = await account({ seed: { leads: 5000 } });
    const to = await account({ seed: false });
    const dir = tempDir();
    const file = join(dir, 'leads.csv');

    const exported = await runKommo(['export', 'leads', '--out', file, ...from.args]);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toContain('exported 5000 leads');
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(5001);
    expect(existsSync(`${file}.checkpoint.json`)).toBe(false);

    const imported = await runKommo([
      'import',
      'leads',
      file,
      '--key-field',
      'EXTERNAL_ID',
      '--json',
      ...to.args,
    ]);
    expect(imported.stderr).not.toContain('✗');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      rows: 5000,
      applied: 5000,
      failed: 0,
      unknown: 0,
      not_sent: 0,
      report: null,
    });

    const original = await from.kommo.leads.list().toArray({ max: 10_000 });
    const copies = await to.kommo.leads.list().toArray({ max: 10_000 });
    expect(copies).toHaveLength(5000);
    const byKey = new Map(copies.map((lead) => [getFieldValue(lead, EXTERNAL_ID) as string, lead]));
    expect(byKey.size).toBe(5000);
    for (const lead of original) {
      const copy = byKey.get(String(lead.id));
      expect(copy, `lead ${String(lead.id)}`).toBeDefined();
      expect(essence(copy as Lead)).toEqual(essence(lead));
    }
    // Chunks of 50 through the SDK's batches, paced by its limiter.
    const posts = to.sandbox.requests.filter(
      (r) => r.method === 'POST' && r.path === '/api/v4/leads',
    );
    expect(posts).toHaveLength(100);
    expect(posts.every((r) => r.bodyItems === 50)).toBe(true);
  });

  it('round-trips contacts as NDJSON, custom fields included', async () => {
    const from = await account({});
    const to = await account({ seed: false });
    const file = join(tempDir(), 'contacts.ndjson');
    expect((await runKommo(['export', 'contacts', '--out', file, ...from.args])).code).toBe(0);
    const imported = await runKommo([
      'import',
      'contacts',
      file,
      '--key-field',
      'EXTERNAL_ID',
      ...to.args,
    ]);
    expect(imported.code).toBe(0);
    const original = await from.kommo.contacts.list().toArray({ max: 1000 });
    const copies = await to.kommo.contacts.list().toArray({ max: 1000 });
    expect(copies).toHaveLength(original.length);
    const byKey = new Map(copies.map((c) => [getFieldValue(c, 782_398) as string, c]));
    for (const contact of original) {
      const copy = byKey.get(String(contact.id));
      expect(copy?.name).toBe(contact.name);
      expect(getFieldValue(copy, 'PHONE')).toBe(getFieldValue(contact, 'PHONE'));
      expect(getFieldValue(copy, 'EMAIL')).toBe(getFieldValue(contact, 'EMAIL'));
    }
  });

  it('writes the rows Kommo refuses to the report with its validation errors, and the others', async () => {
    const to = await account({ seed: false });
    const file = join(tempDir(), 'leads.csv');
    // Status 999 is no status of the account: the sandbox refuses that row like Kommo.
    writeFileSync(
      file,
      'id,name,price,status_id\n1,Good one,100,\n2,Bad status,200,999\n3,Good two,300,\n',
    );
    const imported = await runKommo([
      'import',
      'leads',
      file,
      '--key-field',
      'EXTERNAL_ID',
      '--chunk-size',
      '3',
      ...to.args,
    ]);
    expect(imported.code).toBe(1);
    expect(imported.stdout).toContain(`report: ${file}.report.ndjson`);
    const report = readFileSync(`${file}.report.ndjson`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(report).toHaveLength(1);
    expect(report[0]).toMatchObject({ row: 2, line: 3, key: '2', status: 'failed' });
    expect((report[0]?.['errors'] as unknown[]).length).toBeGreaterThan(0);
    // The rest of its chunk was refused with it (Kommo applies a request whole or not at all)
    // and sent again by itself.
    const names = async (): Promise<string[]> =>
      (await to.kommo.leads.list().toArray({ max: 10 })).map((l) => l.name ?? '').sort();
    expect(await names()).toEqual(['Good one', 'Good two']);
    expect(to.sandbox.requests.filter((r) => r.method === 'POST').map((r) => r.bodyItems)).toEqual([
      3, 2,
    ]);
    // Running it again sends nothing: the checkpoint says the job is over.
    const again = await runKommo([
      'import',
      'leads',
      file,
      '--key-field',
      'EXTERNAL_ID',
      '--json',
      ...to.args,
    ]);
    expect(JSON.parse(again.stdout)).toMatchObject({ applied: 2, failed: 1 });
    expect(again.stderr).toContain('says this import finished');
    expect(await names()).toEqual(['Good one', 'Good two']);
  });
});

describe('kommo import refuses bad input, naming the row, and writes nothing', () => {
  async function refused(
    content: string,
    extra: string[] = [],
    name = 'leads.csv',
  ): Promise<{ stderr: string; code: number | null; file: string }> {
    const to = await account({});
    const before = (await to.kommo.leads.list().toArray({ max: 1000 })).length;
    const file = join(tempDir(), name);
    writeFileSync(file, content);
    const result = await runKommo(['import', 'leads', file, ...extra, ...to.args]);
    expect((await to.kommo.leads.list().toArray({ max: 1000 })).length).toBe(before);
    expect(to.sandbox.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(existsSync(`${file}.checkpoint`)).toBe(false);
    return { ...result, file };
  }

  it('a malformed CSV row', async () => {
    const r = await refused('id,name,price\n1,One,10\n2,"Two,20\n3,Three,30\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/row \d+ \(line \d+\)/);
    expect(r.stderr).toContain('nothing was imported');
  });

  it('a row with a column too few', async () => {
    const r = await refused('id,name,price\n1,One,10\n2,Two\n3,Three,30\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('row 2 (line 3)');
  });

  it('a value of the wrong type, found before any row is sent', async () => {
    const rows = Array.from(
      { length: 120 },
      (_, i) => `${String(i + 1)},Lead ${String(i + 1)},${i === 110 ? 'ten' : '10'}`,
    );
    const r = await refused(`id,name,price\n${rows.join('\n')}\n`, ['--key-field', 'EXTERNAL_ID']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('row 111 (line 112): price: expected a number');
  });

  it('a missing key column', async () => {
    const r = await refused('name,price\nOne,10\n', ['--key-field', 'EXTERNAL_ID']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('has no "id" column');
  });

  it('an unknown column and an unknown option', async () => {
    const unknown = await refused('id,name,prise\n1,One,10\n');
    expect(unknown.stderr).toContain('unknown column "prise"');
    const option = await refused('id,name,cf.1271495\n1,One,Pigeon\n');
    expect(option.stderr).toContain(
      'row 1 (line 2): cf.1271495: "Entry channel" has no option "Pigeon"',
    );
  });

  it('an NDJSON line that is not JSON', async () => {
    const r = await refused('{"name":"One"}\n{"name":\n', [], 'leads.ndjson');
    expect(r.stderr).toContain('row 2 (line 2): not JSON');
  });

  it('--dry-run checks every row and sends nothing', async () => {
    const to = await account({});
    const file = join(tempDir(), 'leads.csv');
    writeFileSync(file, 'id,name,price\n1,One,10\n2,Two,20\n');
    const result = await runKommo([
      'import',
      'leads',
      file,
      '--dry-run',
      '--key-field',
      'EXTERNAL_ID',
      ...to.args,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('2 rows of');
    expect(to.sandbox.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(existsSync(`${file}.checkpoint`)).toBe(false);
  });

  it('an unknown entity (a usage error, exit code 2)', async () => {
    const to = await account({});
    const result = await runKommo(['import', 'deals', 'x.csv', ...to.args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'unknown entity "deals": use one of leads, contacts, companies',
    );
    expect(to.sandbox.requests).toEqual([]);
  });
});
