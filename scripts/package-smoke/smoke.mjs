import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Kommo, isKommoError, ConfigurationError, VERSION } from 'kommo-sdk';

const require = createRequire(import.meta.url);
const { start } = require('./server.cjs');
const server = await start();
try {
  const kommo = new Kommo({ baseUrl: server.url, accessToken: 'smoke-token-esm' });
  const account = await kommo.request({ method: 'GET', path: '/api/v4/account' });
  assert.equal(account.id, 31204999);
  assert.equal(await kommo.request({ method: 'GET', path: '/api/v4/leads' }), null);
  assert.equal(server.seen[0].auth, 'Bearer smoke-token-esm');
  assert.equal(server.seen[0].ua, `kommo-sdk/${VERSION}`);
  assert.throws(
    () => new Kommo({ domain: 'evil.io', accessToken: 'x' }),
    (e) => e instanceof ConfigurationError && isKommoError(e),
  );
  console.log('import: ok');
} finally {
  server.close();
}
