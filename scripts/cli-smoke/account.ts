// A tool that takes the kommo CLI's account flags (what kommo-mcp does), type-checked against
// the packed kommo-cli and kommo-sdk.
import { parseArgs } from 'node:util';
import {
  ACCOUNT_OPTIONS,
  accountParseArgsOptions,
  connectAccount,
  formatAccountHelp,
  type AccountConnection,
  type AccountFlags,
} from 'kommo-cli/account';
import type { Kommo } from 'kommo-sdk';

const { values } = parseArgs({
  args: ['--sandbox'],
  options: { ...accountParseArgsOptions(), verbose: { type: 'boolean' } },
  strict: true,
});
const flags: AccountFlags = values;
const conn: AccountConnection = await connectAccount(flags, { warn: (m) => console.error(m) });
const kommo: Kommo = conn.kommo;
const account = await kommo.account.get();
await conn.close();
if (account.name !== 'Sandbox Sales') throw new Error(`unexpected account ${String(account.name)}`);
if (!formatAccountHelp().includes(ACCOUNT_OPTIONS['base-url'].env)) throw new Error('help');
console.log(`kommo-cli/account: connected to ${account.name} through --sandbox`);
