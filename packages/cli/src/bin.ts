#!/usr/bin/env node
/**
 * The `kommo` bin. Sets the exit code and lets Node exit by itself, so stdout is flushed
 * (and `kommo sandbox` keeps serving).
 *
 * @module
 */

import { main } from './cli.js';

// A closed pipe (`kommo export leads | head`) ends the output, not the process with a stack.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `kommo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
