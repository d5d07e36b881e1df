/**
 * Scenario: find the ids of the account's custom fields, write a value of each common type on
 * a lead with the `cf` builders, and read them back with `getFieldValue`.
 *
 * Run: `npx tsx examples/custom-fields.ts` (sandbox), or with `KOMMO_*` set: the fields are
 * picked by type from your account's own definitions, so nothing is hard-coded (`--yes` is
 * required there: it creates a lead).
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  cacheFor,
  cf,
  getFieldValue,
  type CustomField,
  type CustomFieldValueInput,
  type Kommo,
} from 'kommo-sdk';
import { connectOrSandbox } from 'kommo-sdk/sandbox';

/** What the scenario wrote and read back, for the demo's checks. */
export interface CustomFieldsResult {
  leadId: number;
  /** Field id → the value read back. */
  written: Array<{ fieldId: number; name: string; type: string; value: unknown }>;
}

/** A value for a field of a known type, or `undefined` to skip the field. */
function valueFor(field: CustomField): CustomFieldValueInput | undefined {
  const firstEnum = field.enums?.[0];
  switch (field.type) {
    case 'text':
      return cf.text(field.id, 'Written by kommo-sdk');
    case 'textarea':
      return cf.textarea(field.id, 'Line one\nLine two');
    case 'numeric':
      return cf.numeric(field.id, 12.5);
    case 'checkbox':
      return cf.checkbox(field.id, true);
    case 'url':
      return cf.url(field.id, 'https://example.com/booking');
    case 'date':
      return cf.date(field.id, new Date(Date.UTC(2026, 11, 24)));
    case 'select':
    case 'radiobutton':
      return firstEnum ? cf.select(field.id, { enum_id: firstEnum.id }) : undefined;
    case 'multiselect':
      return field.enums && field.enums.length > 0
        ? cf.multiselect(
            field.id,
            field.enums.slice(0, 2).map((e) => ({ enum_id: e.id })),
          )
        : undefined;
    default:
      return undefined;
  }
}

/** Runs the scenario; `log` prints one line of readable output. */
export async function customFields(
  kommo: Kommo,
  log: (line: string) => void,
): Promise<CustomFieldsResult> {
  const fields = await cacheFor(kommo).customFields('leads');
  log(
    `${fields.length} lead fields: ${fields
      .map((f) => `${f.name ?? ''} (${f.id}, ${f.type ?? '?'})`)
      .slice(0, 6)
      .join(', ')}…`,
  );
  // One writable field per type; API-only and computed fields are skipped.
  const picked = new Map<string, CustomField>();
  for (const field of fields) {
    if (field.is_computed || !field.type || picked.has(field.type)) continue;
    if (valueFor(field)) picked.set(field.type, field);
  }
  const values = [...picked.values()].flatMap((f) => {
    const v = valueFor(f);
    return v ? [v] : [];
  });
  const { id: leadId } = await kommo.leads.create({
    name: 'Custom fields demo',
    custom_fields_values: values,
  });
  const lead = await kommo.leads.get(leadId);
  const written = [...picked.values()].map((f) => ({
    fieldId: f.id,
    name: f.name ?? String(f.id),
    type: f.type ?? '?',
    value: getFieldValue(lead, f.id),
  }));
  log(`lead ${leadId} written with ${values.length} fields, read back:`);
  for (const w of written) log(`  ${w.name} [${w.type}] = ${JSON.stringify(w.value)}`);
  return { leadId, written };
}

const USAGE = `Usage: npx tsx examples/custom-fields.ts [--yes]

Finds the account's lead fields, writes a value of each common type on a new lead with the
cf builders, and reads them back with getFieldValue.

Connects to the account of the KOMMO_* variables (set, or in ./.env; see .env.example),
or starts a local Kommo sandbox when none is set.

Options:
  --yes       write to a real account (required there)
  -h, --help  show this help
`;

async function main(flags: { yes?: boolean | undefined }): Promise<void> {
  // ./.env when there is one (Node ≥ 20.12); variables already set win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const conn = await connectOrSandbox();
  if (conn.mode === 'account' && flags.yes !== true) {
    console.error(
      `✗ custom-fields creates a lead in ${conn.target}: run again with --yes to go ahead`,
    );
    process.exitCode = 1;
    return;
  }
  console.log(`custom-fields → ${conn.target}`);
  try {
    await customFields(conn.kommo, (line) => console.log(`  ${line}`));
  } finally {
    await conn.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let flags;
  try {
    ({ values: flags } = parseArgs({
      options: { yes: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    // An unknown flag or a missing value: say so, show the usage, exit 2.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (flags.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  main(flags).catch((error: unknown) => {
    // SDK errors never carry a token: one line is enough.
    console.error(
      `✗ ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    process.exitCode = 1;
  });
}
