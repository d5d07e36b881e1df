/**
 * `kommo codegen`: the account's custom fields, pipelines and users as a TypeScript module.
 *
 * @module
 */

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { isKommoError, type Kommo } from 'kommo-sdk';
import {
  CODEGEN_ENTITIES,
  generateModule,
  type CodegenEntity,
  type CodegenField,
  type CodegenInput,
} from '../codegen/generate.js';
import { EXIT, palette, printJson } from '../io.js';
import { addAccountOptions, type Wrap } from '../program.js';

const LIMIT = 10_000;

/** Reads what codegen needs from the account (a handful of paced requests). */
async function readCodegenInput(kommo: Kommo, host: string): Promise<CodegenInput> {
  const account = await kommo.account.get();
  const fields: Partial<Record<CodegenEntity, readonly CodegenField[]>> = {};
  for (const entity of CODEGEN_ENTITIES) {
    // Customers exist only where the account turned them on.
    if (
      entity === 'customers' &&
      (account.customers_mode == null || account.customers_mode === 'disabled')
    )
      continue;
    try {
      fields[entity] = await kommo.customFields.list(entity).toArray({ max: LIMIT });
    } catch (error) {
      if (entity === 'customers' && isKommoError(error)) continue;
      throw error;
    }
  }
  const pipelines = (await kommo.pipelines.list().toArray({ max: LIMIT })).map((p) => ({
    id: p.id,
    name: p.name,
    statuses: (p._embedded?.statuses ?? []).map((s) => ({ id: s.id, name: s.name })),
  }));
  const users = (await kommo.users.list().toArray({ max: LIMIT })).map((u) => ({
    id: u.id,
    name: u.name,
    active: u.rights?.is_active ?? undefined,
  }));
  // The account's own name for itself, not the URL: a sandbox's port changes every run.
  const name = account.subdomain ? `${account.subdomain} (id ${String(account.id)})` : host;
  return { host: name, fields, pipelines, users };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Registers `kommo codegen`. */
export function registerCodegen(program: Command, wrap: Wrap): void {
  const command = program
    .command('codegen')
    .description(
      'Generate a TypeScript module of the account: custom fields with typed read/write helpers, pipeline statuses, users',
    )
    .option('-o, --out <file>', 'where to write the module', 'src/kommo.generated.ts')
    .option('--stdout', 'print the module instead of writing it')
    .option('--check', 'write nothing; exit 1 when the file is not up to date (for CI)')
    .option('--json', 'print a summary as JSON')
    .addHelpText(
      'after',
      `
The module imports kommo-sdk. Re-running on an unchanged account changes nothing; a field
removed from the account disappears, so code that used it stops compiling.

Example:
  kommo codegen --domain acme --out src/kommo.generated.ts
  # then: leadFields.budget.read(lead) → number | null; leadFields.source.write('Website')`,
    );
  addAccountOptions(command);
  command.action(
    wrap(async (ctx, opts) => {
      const options = opts as { out: string; stdout?: boolean; check?: boolean; json?: boolean };
      const conn = await ctx.connect();
      let input: CodegenInput;
      try {
        input = await readCodegenInput(conn.kommo, conn.key);
      } finally {
        await conn.close();
      }
      const text = generateModule(input);
      if (options.stdout) {
        ctx.io.stdout.write(text);
        return EXIT.ok;
      }
      const path = resolve(options.out);
      const before = await readIfExists(path);
      const changed = before !== text;
      if (changed && !options.check) {
        await mkdir(dirname(path), { recursive: true });
        // Whole or nothing: an editor or a watcher never sees half a module.
        const tmp = `${path}.${String(process.pid)}.tmp`;
        await writeFile(tmp, text, 'utf8');
        await rename(tmp, path);
      }
      const counts = Object.fromEntries(
        Object.entries(input.fields).map(([entity, list]) => [entity, list.length]),
      );
      const summary = {
        out: options.out,
        changed,
        written: changed && !options.check,
        fields: counts,
        pipelines: input.pipelines.length,
        users: input.users.length,
      };
      if (options.json) printJson(ctx.io, summary);
      else {
        const out = palette(ctx.io.stdout, ctx.io.env);
        const what = Object.entries(counts)
          .map(([entity, n]) => `${String(n)} ${entity} fields`)
          .join(', ');
        ctx.io.stdout.write(
          `${options.check ? (changed ? out.red('✗ out of date:') : out.green('✓ up to date:')) : changed ? out.green('✓ wrote') : out.green('✓ unchanged:')} ${options.out} (${what}, ${String(input.pipelines.length)} pipelines, ${String(input.users.length)} users)\n`,
        );
      }
      return options.check && changed ? EXIT.failure : EXIT.ok;
    }),
  );
}
