/**
 * A sandbox in its own process, for tests that kill the CLI: `tsx sandbox-server.ts '<json
 * SandboxOptions>'` prints one JSON line `{ url, accessToken }` and serves until stdin closes
 * or SIGTERM.
 */
import { startSandbox, type SandboxOptions } from 'kommo-sdk/sandbox';

const options = JSON.parse(process.argv[2] ?? '{}') as SandboxOptions;
const sandbox = await startSandbox(options);
process.stdout.write(`${JSON.stringify({ url: sandbox.url, accessToken: sandbox.accessToken })}\n`);
const stop = (): void => {
  void sandbox.close().then(() => process.exit(0));
};
process.stdin.on('end', stop).resume();
process.on('SIGTERM', stop);
