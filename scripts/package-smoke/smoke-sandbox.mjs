// The `kommo-sandbox` bin from the installed tarball: starts, prints its URL and token, serves the
// SDK (imported from the same tarball), and stops on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { Kommo, SlidingWindowRateLimiter } from 'kommo-sdk';
import { startSandbox } from 'kommo-sdk/sandbox';

// The installed bin (what `npx kommo-sandbox` runs), started with this node binary so that
// SIGTERM reaches the server itself: npx, or a `node` shim on PATH, would orphan it.
const child = spawn(process.execPath, ['./node_modules/.bin/kommo-sandbox', '--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
const { url, token } = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`kommo-sandbox did not start: ${out}`)), 20_000);
  child.stdout.on('data', (d) => {
    out += d.toString();
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    const token = /Access token: (\S+)/.exec(out)?.[1];
    if (url && token) {
      clearTimeout(timer);
      resolve({ url, token });
    }
  });
  child.on('exit', (code) => reject(new Error(`kommo-sandbox exited with ${code}: ${out}`)));
});
try {
  const kommo = new Kommo({ baseUrl: url, accessToken: token });
  const account = await kommo.request({ method: 'GET', path: '/api/v4/account' });
  assert.equal(typeof account.id, 'number');
  const lead = await kommo.leads.create({ name: 'From the packed package' });
  assert.equal((await kommo.leads.get(lead.id)).name, 'From the packed package');
} finally {
  child.kill('SIGTERM');
}
const [code, signal] = await new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])));
// A clean stop: exit 0, or the CLI re-raising SIGTERM after closing the server.
assert.ok(
  code === 0 || signal === 'SIGTERM',
  `kommo-sandbox stops cleanly on SIGTERM (code ${code}, signal ${signal})`,
);

// The library entry of the sandbox works from the tarball too.
const sandbox = await startSandbox();
try {
  const kommo = new Kommo({ baseUrl: sandbox.url, accessToken: sandbox.accessToken });
  assert.ok((await kommo.users.list().toArray({ max: 50 })).length > 0);
} finally {
  await sandbox.close();
}
// Pacing learns when each request was written (undici's diagnostics channels) from the packed
// ESM and CommonJS builds alike, loaded side by side in one process.
{
  const require = createRequire(import.meta.url);
  const cjs = require('kommo-sdk');
  // No rate limit on the sandbox: the two builds' calls must not draw 429s (and retries).
  const sandbox = await startSandbox({ rateLimit: false });
  try {
    for (const [build, sdk] of [
      ['import', { Kommo, SlidingWindowRateLimiter }],
      ['require', cjs],
    ]) {
      const inner = new sdk.SlidingWindowRateLimiter({ requestsPerSecond: 50 });
      const seen = { sent: 0, written: 0 };
      const limiter = {
        async acquire(key, signal, request) {
          const slot = await inner.acquire(key, signal, request);
          return {
            sent: () => (seen.sent++, slot.sent()),
            written: () => (seen.written++, slot.written()),
            answered: (status) => slot.answered(status),
            released: (reusable) => slot.released(reusable),
          };
        },
      };
      const kommo = new sdk.Kommo({
        baseUrl: sandbox.url,
        accessToken: sandbox.accessToken,
        rateLimit: { limiter },
      });
      await Promise.all(Array.from({ length: 6 }, () => kommo.users.list().toArray({ max: 5 })));
      assert.equal(seen.sent, 6, `${build}: six requests sent`);
      assert.equal(seen.written, 6, `${build}: each request reported written`);
    }
  } finally {
    await sandbox.close();
  }
}
console.log('npx kommo-sandbox: ok');
// The killed child's stdio pipes can outlive it on some systems; nothing of the SDK is pending.
process.exit(0);
