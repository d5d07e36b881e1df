/**
 * The `kommo` command: every subcommand registered on one program.
 *
 * @module
 */

import { registerAuth } from './commands/auth.js';
import { registerCodegen } from './commands/codegen.js';
import { registerExport, registerImport } from './commands/transfer.js';
import { registerRequest } from './commands/request.js';
import { registerSandbox } from './commands/sandbox.js';
import { processIo, type Io } from './io.js';
import { runProgram } from './program.js';

/**
 * Runs `kommo` with `argv` (the words after the command name) and resolves with the exit code:
 * 0 ok, 1 failure, 2 usage.
 */
export function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  return runProgram(io, argv, [
    registerAuth,
    registerCodegen,
    registerExport,
    registerImport,
    registerRequest,
    registerSandbox,
  ]);
}
