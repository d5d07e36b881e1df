// Child process: another process of the same app saves a new pair through FileTokenStore (the
// user re-authorized there), while the parent's client still holds the dead pair.
import { FileTokenStore } from '../../../src/index.js';

const [path, key, name] = process.argv.slice(2) as [string, string, string];
await new FileTokenStore(path).set(key, {
  access_token: `access-${name}`,
  refresh_token: `refresh-${name}`,
  token_type: 'Bearer',
  expires_at: Math.floor(Date.now() / 1000) + 86_400,
});
process.stdout.write('saved\n');
