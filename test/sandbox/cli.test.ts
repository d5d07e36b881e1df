import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';

describe('CLI', () => {
  it('prints the URL and a token, serves, and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/sandbox/cli.ts', '--port', '0', '--seed', '3', '--quiet'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    const ready = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('Access token:')) resolve();
      });
    });
    await ready;
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
    const token = /Access token: (\S+)/.exec(out)![1]!;
    const res = await fetch(`${url}/api/v4/leads`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const listed: any = await res.json();
    expect(listed._embedded.leads).toHaveLength(3);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('prints usage for --help and refuses unknown options', async () => {
    const run = async (args: string[]): Promise<{ code: number; out: string; err: string }> => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/cli.ts', ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const [code] = (await once(child, 'exit')) as [number];
      return { code, out, err };
    };
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: kommo-sandbox');
    const bad = await run(['--nope']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("Unknown option '--nope'");
  });
});
