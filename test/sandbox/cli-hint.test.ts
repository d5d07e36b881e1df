import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('npm run sandbox', () => {
  it('starts the sandbox from a clone and prints a curl line that works when pasted', async () => {
    // Its own process group: npm → sh → tsx → node, all stopped together by the group's pid.
    const child = spawn('npm', ['run', '--silent', 'sandbox', '--', '--port', '0', '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    try {
      const hint = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: string) => {
          out += chunk;
          const line = /^Try: (.+)$/m.exec(out)?.[1];
          if (line) resolve(line);
        });
        child.on('exit', (code) => reject(new Error(`exited with ${String(code)}: ${out}`)));
      });
      expect(hint).toMatch(/^curl /);
      // Pasted into a shell as printed: no variable to export first, the URL quoted.
      const { stdout } = await promisify(execFile)('bash', ['-c', hint], {
        env: { PATH: process.env['PATH'] ?? '' },
      });
      const body = JSON.parse(stdout) as { _embedded: { leads: unknown[] } };
      expect(body._embedded.leads).toHaveLength(5);
    } finally {
      const exited = once(child, 'exit');
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  }, 60_000);
});
