/**
 * A sandbox in its own process, so that its clock stamps arrivals without waiting for a busy
 * test process (the pacing test counts 429s by arrival). `tsx sandbox-server.ts '<json
 * SandboxOptions>'` prints `{ url, accessToken }` on one line, then answers one JSON line per
 * command line on stdin: `clear` (the request log and counters), `stats`. It stops when stdin
 * closes.
 */
import { createInterface } from 'node:readline';
import { startSandbox, type SandboxOptions } from 'kommo-sdk/sandbox';

const sandbox = await startSandbox(JSON.parse(process.argv[2] ?? '{}') as SandboxOptions);
process.stdout.write(`${JSON.stringify({ url: sandbox.url, accessToken: sandbox.accessToken })}\n`);
const lines = createInterface({ input: process.stdin });
lines.on('line', (command) => {
  if (command === 'clear') sandbox.clearRequests();
  const answer =
    command === 'stats'
      ? { stats: sandbox.stats, rejected: sandbox.requests.filter((r) => r.status === 429) }
      : { ok: command === 'clear' };
  process.stdout.write(`${JSON.stringify(answer)}\n`);
});
lines.on('close', () => void sandbox.close().then(() => process.exit(0)));
