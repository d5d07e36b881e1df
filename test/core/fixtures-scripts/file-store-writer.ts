// Child process for the crash test: writes a new pair with FileTokenStore and stops between
// the temp-file write and the rename (or in the middle of writing), waiting to be killed.
import { FileTokenStore } from '../../../src/index.js';

const [path, stage] = process.argv.slice(2) as [string, 'before-rename' | 'mid-write'];
const store = new FileTokenStore(path, {
  beforeRename: async () => {
    if (stage !== 'before-rename') return;
    process.stdout.write('paused\n');
    await new Promise(() => undefined); // wait forever: the parent kills us here
  },
});
const big = 'x'.repeat(stage === 'mid-write' ? 50_000_000 : 10);
if (stage === 'mid-write') process.stdout.write('paused\n');
await store.set('acme.kommo.com', {
  access_token: 'access-NEW',
  refresh_token: 'refresh-NEW',
  token_type: 'Bearer',
  expires_at: 2_000_000_000,
  padding: big,
});
process.stdout.write('done\n');
