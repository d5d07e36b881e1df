#!/usr/bin/env node
// The `kommo` bin: runs the built CLI (dist/bin.js). A file of its own so that npm links the
// bin in a fresh clone too, before anything is built, and says what to do there.
import { existsSync } from 'node:fs';
import process from 'node:process';

const built = new URL('../dist/bin.js', import.meta.url);
if (existsSync(built)) await import(built.href);
else {
  process.stderr.write(
    'kommo: kommo-cli is not built: run `npm run build && npm run build -w kommo-cli` in the repository\n',
  );
  process.exitCode = 1;
}
