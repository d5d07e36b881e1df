/**
 * Release readiness: the version is 0.x and has a CHANGELOG entry, the tarball holds only what
 * users need, and `npm publish --dry-run` passes. Run after `npm run build`:
 * npx tsx scripts/check-release.ts
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  name: string;
};
const problems: string[] = [];

if (!/^0\.\d+\.\d+(-[\w.]+)?$/.test(pkg.version))
  problems.push(`version ${pkg.version} is not 0.x`);
const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
if (!changelog.includes(`## [${pkg.version}]`))
  problems.push(`CHANGELOG.md has no "## [${pkg.version}]" section`);

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const packed = JSON.parse(
  execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
  }),
) as Array<{
  files: Array<{ path: string }>;
}>;
const files = packed[0]?.files.map((f) => f.path) ?? [];
const allowed =
  /^(dist\/[\w.-]+\.(js|cjs|d\.ts|d\.cts)|package\.json|README\.md|LICENSE|CHANGELOG\.md|THIRD_PARTY_NOTICES\.md)$/;
for (const file of files) if (!allowed.test(file)) problems.push(`the tarball would ship ${file}`);
for (const needed of [
  'dist/index.js',
  'dist/index.cjs',
  'dist/index.d.ts',
  'dist/index.d.cts',
  'dist/webhooks.js',
  'dist/sandbox.js',
  'dist/redis.js',
  'dist/sandbox-cli.js',
  'LICENSE',
]) {
  if (!files.includes(needed)) problems.push(`the tarball lacks ${needed}`);
}

execFileSync(npm, ['publish', '--dry-run', '--ignore-scripts'], { cwd: root, stdio: 'ignore' });

if (problems.length > 0) {
  console.error(`release check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(
  `release check: ${pkg.name}@${pkg.version}, ${files.length} files, publish --dry-run ok`,
);
