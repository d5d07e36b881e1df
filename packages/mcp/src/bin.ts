#!/usr/bin/env node
/**
 * The `kommo-mcp` bin. Exits when the MCP client closes stdin (stdio) or on SIGINT/SIGTERM
 * (HTTP); stdout belongs to the MCP protocol, so everything else goes to stderr.
 *
 * @module
 */

import { main } from './cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Sockets of a finished session (keep-alive) must not hold the process open.
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(
      `kommo-mcp: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
