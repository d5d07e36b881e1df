const assert = require('node:assert/strict');
const { Kommo, isKommoError, ConfigurationError } = require('kommo-sdk');
const { start } = require('./server.cjs');

(async () => {
  const server = await start();
  try {
    const kommo = new Kommo({ baseUrl: server.url, accessToken: 'smoke-token-cjs' });
    const account = await kommo.request({ method: 'GET', path: '/api/v4/account' });
    assert.equal(account.id, 31204999);
    assert.equal(server.seen[0].auth, 'Bearer smoke-token-cjs');
    assert.throws(
      () => new Kommo({ domain: 'evil.io', accessToken: 'x' }),
      (e) => e instanceof ConfigurationError && isKommoError(e),
    );
    console.log('require: ok');
  } finally {
    server.close();
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
