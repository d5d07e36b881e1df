/** Runs the built `kommo` bin as a child process, as users do. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI_DIR = join(import.meta.dirname, '..', '..');
export const BIN = join(CLI_DIR, 'bin', 'kommo.js');

/** An environment with no KOMMO_* variable and a private config folder. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('KOMMO_') && k !== 'NO_COLOR') env[k] = v;
  env['XDG_CONFIG_HOME'] = mkdtempSync(join(tmpdir(), 'kommo-cli-config-'));
  return { ...env, ...extra };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the bin; `done` resolves when it exits. */
export function startKommo(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
): { child: ChildProcessWithoutNullStreams; done: Promise<RunResult>; output: () => RunResult } {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: options.env ?? cleanEnv(),
    cwd: options.cwd ?? CLI_DIR,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  if (options.input !== undefined) child.stdin.end(options.input);
  const done = new Promise<RunResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, output: () => ({ code: null, signal: null, stdout, stderr }) };
}

/** Runs the bin to the end. */
export function runKommo(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
): Promise<RunResult> {
  const run = startKommo(args, { input: '', ...options });
  return run.done;
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'kommo-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a token file and returns its path. */
export function tokenFile(dir: string, token: string): string {
  const path = join(dir, 'token.txt');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return path;
}

/** Resolves when `predicate` holds on the output, polling it. */
export async function waitFor(
  check: () => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
