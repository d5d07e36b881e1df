import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from 'kommo-sdk/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_DIR, runKommo, tempDir, tokenFile } from './support/cli.js';
import { client } from './support/sandbox.js';

const exec = promisify(execFile);
const TSC = join(CLI_DIR, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');

let sandbox: Sandbox;
let args: string[];
// Inside the package, so the module's `import 'kommo-sdk'` resolves as in a user's project.
const dir = join(CLI_DIR, '.tmp', `codegen-${String(process.pid)}`);
const out = join(dir, 'kommo.generated.ts');

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: false });
  args = ['--base-url', sandbox.url, '--token-file', tokenFile(tempDir(), sandbox.accessToken)];
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      },
      files: ['kommo.generated.ts', 'use.ts'],
    }),
  );
  // What a user writes against the generated module.
  writeFileSync(
    join(dir, 'use.ts'),
    `import type { Lead } from 'kommo-sdk';
import { leadFields, contactFields, PIPELINES, USERS, LEAD_FIELD_IDS } from './kommo.generated.js';

declare const lead: Lead;
export const discount: number | null = leadFields.discountPercent.read(lead);
export const channel = leadFields.entryChannel.write('WhatsApp');
export const link: string | null = leadFields.calendarLink.read(lead);
export const phone = contactFields.phone.write([{ value: '+15550100', kind: 'MOB' }]);
export const won: 142 = PIPELINES.sales.statuses.closedWon;
export const lost: 143 = PIPELINES.partners.statuses.zakrytoINeRealizovano;
export const admin: number = USERS.oliviaAdmin;
export const id: 1280049 = LEAD_FIELD_IDS.calendarLink;
// @ts-expect-error: not an option of the field
leadFields.entryChannel.write('Carrier pigeon');
// @ts-expect-error: a number field takes numbers
leadFields.discountPercent.write(true);
`,
  );
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

async function tsc(): Promise<{ ok: boolean; output: string }> {
  try {
    await exec(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false']);
    return { ok: true, output: '' };
  } catch (error) {
    return { ok: false, output: String((error as { stdout?: string }).stdout ?? error) };
  }
}

type Helper = {
  id: number;
  name: string;
  type: string;
  options?: Record<string, { value: string }>;
  read(entity: unknown): unknown;
  write(value: unknown): unknown;
};

/** A value for a field type, and what reading it back must give. */
function sample(helper: Helper): { write: unknown; read: unknown } {
  const labels = Object.values(helper.options ?? {}).map((o) => o.value);
  switch (helper.type) {
    case 'url':
      return { write: 'https://example.com/calendar', read: 'https://example.com/calendar' };
    case 'text':
    case 'textarea':
    case 'tracking_data':
      return { write: `${helper.name}: Привет, мир`, read: `${helper.name}: Привет, мир` };
    case 'numeric':
      return { write: 12.5, read: 12.5 };
    case 'checkbox':
      return { write: true, read: true };
    case 'date':
      return { write: new Date('2025-03-01T00:00:00Z'), read: new Date('2025-03-01T00:00:00Z') };
    case 'date_time':
      return { write: new Date('2025-03-01T10:30:00Z'), read: new Date('2025-03-01T10:30:00Z') };
    case 'birthday':
      return { write: new Date('1990-05-17T00:00:00Z'), read: new Date('1990-05-17T00:00:00Z') };
    case 'select':
    case 'radiobutton':
      return { write: labels.at(-1), read: labels.at(-1) };
    case 'multiselect':
      return { write: labels.slice(0, 2), read: labels.slice(0, 2) };
    case 'multitext':
      return {
        write: [{ value: 'a-1@example.com', kind: labels[1] }, 'plain-2'],
        read: [
          { value: 'a-1@example.com', kind: labels[1] },
          { value: 'plain-2', kind: labels[0] },
        ],
      };
    default:
      throw new Error(`no sample for ${helper.type}`);
  }
}

describe('kommo codegen', () => {
  it('emits a module that type-checks, and the same bytes on an unchanged account', async () => {
    const first = await runKommo(['codegen', '--out', out, ...args]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('wrote');
    const text = readFileSync(out, 'utf8');
    const mtime = statSync(out).mtimeMs;
    expect(text).toContain("from 'kommo-sdk'");
    // Russian names become identifiers.
    expect(text).toContain('uspeshnoRealizovano: 142');

    const again = await runKommo(['codegen', '--out', out, '--json', ...args]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: false, written: false });
    expect(readFileSync(out, 'utf8')).toBe(text);
    expect(statSync(out).mtimeMs).toBe(mtime);
    expect(await runKommo(['codegen', '--out', out, '--check', ...args])).toMatchObject({
      code: 0,
    });

    const checked = await tsc();
    expect(checked.output).toBe('');
    expect(checked.ok).toBe(true);
  });

  it('round-trips every seeded field type through the sandbox with the generated helpers', async () => {
    const generated = (await import(/* @vite-ignore */ out)) as Record<
      string,
      Record<string, Helper>
    >;
    const kommo = client(sandbox.url, sandbox.accessToken);
    const covered = new Set<string>();
    for (const [entity, exported] of [
      ['leads', 'leadFields'],
      ['contacts', 'contactFields'],
      ['companies', 'companyFields'],
    ] as const) {
      const helpers = Object.values(generated[exported] ?? {});
      expect(helpers.length).toBeGreaterThan(3);
      const samples = new Map(helpers.map((h) => [h, sample(h)]));
      const values = helpers.map((h) => h.write(samples.get(h)?.write));
      const resource = kommo[entity] as unknown as {
        create(body: unknown): Promise<{ id: number }>;
        get(id: number): Promise<unknown>;
      };
      const { id } = await resource.create({
        name: `codegen ${entity}`,
        custom_fields_values: values,
      });
      const read = await resource.get(id);
      for (const helper of helpers) {
        expect({ field: helper.name, value: helper.read(read) }).toEqual({
          field: helper.name,
          value: samples.get(helper)?.read,
        });
        covered.add(helper.type);
      }
    }
    expect([...covered].sort()).toEqual(
      [
        'birthday',
        'checkbox',
        'date',
        'date_time',
        'multiselect',
        'multitext',
        'numeric',
        'radiobutton',
        'select',
        'text',
        'textarea',
        'tracking_data',
        'url',
      ].sort(),
    );
  });

  it('turns a field removed from the account into a compile error', async () => {
    await client(sandbox.url, sandbox.accessToken).customFields.delete('leads', 1_280_049);
    const check = await runKommo(['codegen', '--out', out, '--check', ...args]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('out of date');
    const regenerated = await runKommo(['codegen', '--out', out, ...args]);
    expect(regenerated.code).toBe(0);
    const checked = await tsc();
    expect(checked.ok).toBe(false);
    expect(checked.output).toMatch(/use\.ts.*Property 'calendarLink' does not exist/);
  });
});
