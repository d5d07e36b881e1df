/**
 * `kommo sandbox`: runs kommo-sdk's own sandbox server (the `kommo-sandbox` bin), so both
 * commands are one program with one set of options.
 *
 * @module
 */

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { CliError } from '../io.js';
import type { Wrap } from '../program.js';

/** The path of kommo-sdk's `kommo-sandbox` bin, from its package.json. */
function sandboxBin(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('kommo-sdk/package.json');
  const manifest = require(manifestPath) as { bin?: Record<string, string> };
  const bin = manifest.bin?.['kommo-sandbox'];
  if (bin === undefined) throw new CliError('kommo-sdk has no kommo-sandbox bin: update kommo-sdk');
  return join(dirname(manifestPath), bin);
}

/** Registers `kommo sandbox`. */
export function registerSandbox(program: Command, wrap: Wrap): void {
  program
    .command('sandbox')
    .description('Run a local fake Kommo account (the kommo-sandbox server) until Ctrl-C')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .argument(
      '[options...]',
      'the options of kommo-sandbox: --port <n> (default 4010), --seed <n>, --empty, --rate-limit <n|off>, --token <value>, --quiet, --help',
    )
    .action(
      wrap(async (_ctx, args) => {
        // Everything after `sandbox` goes to the server's own parser (its --help included); it
        // reads process.argv, and serves until SIGINT/SIGTERM.
        const bin = sandboxBin();
        process.argv = [process.argv[0] ?? 'node', bin, ...(args as string[])];
        await import(pathToFileURL(bin).href);
        return undefined;
      }),
    );
}
