/**
 * Builds what the end-to-end tests start: the root package (kommo-sdk), the CLI (whose
 * kommo-cli/account the server imports) and the server's bin, all through node_modules as users
 * get them. `SKIP_BUILD=1` skips it when all three are built already (CI builds first).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const mcp = join(import.meta.dirname, '..', '..');
const cli = join(mcp, '..', 'cli');
const root = join(mcp, '..', '..');

export default function setup(): void {
  const built = [
    join(root, 'dist', 'index.js'),
    join(cli, 'dist', 'account.js'),
    join(mcp, 'dist', 'bin.js'),
  ].every((file) => existsSync(file));
  if (process.env['SKIP_BUILD'] === '1' && built) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  for (const cwd of [root, cli, mcp])
    execFileSync(npm, ['run', 'build', '--silent'], { cwd, stdio: 'inherit' });
}
