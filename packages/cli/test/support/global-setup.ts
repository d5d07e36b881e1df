/**
 * Builds what the end-to-end tests run: the root package (kommo-sdk, whose dist the bin
 * imports through node_modules/kommo-sdk) and the bin itself. `SKIP_BUILD=1` skips it when
 * both are built already (CI builds first).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const cli = join(import.meta.dirname, '..', '..');
const root = join(cli, '..', '..');

export default function setup(): void {
  const built =
    existsSync(join(root, 'dist', 'index.js')) && existsSync(join(cli, 'dist', 'bin.js'));
  if (process.env['SKIP_BUILD'] === '1' && built) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  execFileSync(npm, ['run', 'build', '--silent'], { cwd: cli, stdio: 'inherit' });
}
