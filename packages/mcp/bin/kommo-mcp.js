#!/usr/bin/env node
// The `kommo-mcp` bin: runs the built server (dist/bin.js). A file of its own so that npm links
// the bin in a fresh clone too, before anything is built, and says what to do there (on stderr:
// stdout is the MCP stdio channel).
import { existsSync } from 'node:fs';
import process from 'node:process';

const built = new URL('../dist/bin.js', import.meta.url);
if (existsSync(built)) await import(built.href);
else {
  process.stderr.write(
    'kommo-mcp: kommo-mcp is not built: run `npm run build && npm run build -w kommo-cli && npm run build -w kommo-mcp` in the repository\n',
  );
  process.exitCode = 1;
}
