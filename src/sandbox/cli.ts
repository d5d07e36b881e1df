#!/usr/bin/env node
/**
 * `npx kommo-sandbox`: runs the sandbox standalone, so any client (curl, another SDK, a
 * browser app) can use it.
 *
 * @module
 */

import { parseArgs } from 'node:util';
import { startSandbox, type SandboxOptions } from './server.js';

const USAGE = `Usage: kommo-sandbox [options]

Runs a local fake Kommo (amoCRM) API v4 account for tests and demos.

Options:
  --port <n>          Port to listen on (default 4010; 0 picks a free port)
  --host <addr>       Interface to bind (default 127.0.0.1; other hosts only on purpose)
  --seed <n>          Number of seeded leads (default 20; 100000 starts at once)
  --random <n>        Seed of the data generator (default 1)
  --empty             Start with users, pipelines and fields only (no leads, contacts, companies)
  --rate-limit <n>    Requests per second before 429 (default 7; 0 or "off" disables)
  --token <value>     The long-lived access token to accept (default: random)
  --token-ttl <sec>   Lifetime of OAuth access tokens (default 86400)
  --rotation <mode>   Refresh-token rotation: strict | grace (default strict)
  --quiet             Do not log requests
  -h, --help          Show this help

Prints the URL and an access token, then serves until SIGINT/SIGTERM.
`;

function fail(message: string): never {
  process.stderr.write(`kommo-sandbox: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function int(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    fail(`${name} must be an integer ≥ ${String(min)}, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        random: { type: 'string' },
        empty: { type: 'boolean' },
        'rate-limit': { type: 'string' },
        token: { type: 'string' },
        'token-ttl': { type: 'string' },
        rotation: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const rateRaw = values['rate-limit'];
  const rate =
    rateRaw === undefined ? undefined : rateRaw === 'off' ? 0 : int(rateRaw, '--rate-limit', 0);
  const rotation = values.rotation;
  if (rotation !== undefined && rotation !== 'strict' && rotation !== 'grace')
    fail('--rotation must be strict or grace');
  const leads = int(values.seed, '--seed', 0);
  const random = int(values.random, '--random', 0);
  const options: SandboxOptions = {
    port: int(values.port, '--port', 0) ?? 4010,
    seed: values.empty
      ? false
      : { ...(leads === undefined ? {} : { leads }), ...(random === undefined ? {} : { random }) },
    rateLimit: rate === undefined ? 7 : rate === 0 ? false : rate,
  };
  if (values.host !== undefined) options.host = values.host;
  if (values.token !== undefined) options.accessToken = values.token;
  const ttl = int(values['token-ttl'], '--token-ttl', 1);
  if (ttl !== undefined) options.accessTokenTtlSec = ttl;
  if (rotation !== undefined) options.refreshTokenRotation = rotation;

  const sandbox = await startSandbox(options);
  const out = process.stdout;
  // A closed pipe (`kommo-sandbox | head`) must not crash the server.
  out.on('error', () => undefined);
  out.write(`Kommo sandbox listening on ${sandbox.url}\n`);
  out.write(`Access token: ${sandbox.accessToken}\n`);
  out.write(`OAuth client id: ${sandbox.oauth.clientId}\n`);
  out.write(`OAuth client secret: ${sandbox.oauth.clientSecret}\n`);
  out.write(`OAuth redirect uri: ${sandbox.oauth.redirectUri}\n`);
  // Pasteable as it is, in bash, zsh and fish: the token inline, the URL quoted (`?` is a glob).
  out.write(
    `Try: curl -H 'Authorization: Bearer ${sandbox.accessToken}' '${sandbox.url}/api/v4/leads?limit=5'\n`,
  );

  let logged = 0;
  const timer = values.quiet
    ? undefined
    : setInterval(() => {
        const log = sandbox.requests;
        for (; logged < log.length; logged++) {
          const r = log[logged];
          if (r && r.durationMs > 0)
            out.write(
              `${String(r.status)} ${r.method} ${r.path}${r.query ? `?${r.query}` : ''} ${r.durationMs.toFixed(1)} ms\n`,
            );
        }
        if (logged > log.length) logged = log.length;
      }, 250);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    if (timer) clearInterval(timer);
    out.write(`\nReceived ${signal}, stopping…\n`);
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `kommo-sandbox: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
