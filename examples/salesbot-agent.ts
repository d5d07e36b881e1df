/**
 * Scenario: an AI agent answers a client in a WhatsApp, Instagram or Telegram chat that belongs
 * to another integration. The Chats API cannot write there; a Salesbot can. The bot's
 * `widget_request` step POSTs to this receiver, which answers 200 at once, asks the agent, and
 * continues the bot with what to say (`kommo.salesbot.continue`, on the account's own host).
 *
 * Run: `npx tsx examples/salesbot-agent.ts` — a local sandbox plays Kommo: it runs a bot on a
 * lead, the bot calls this receiver, and the answer comes back to the bot. With `KOMMO_*` set
 * and `KOMMO_CLIENT_SECRET` (the integration's secret key), `--serve` keeps the receiver up for
 * a real account's bot. `--help` lists the options.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Kommo } from 'kommo-sdk';
import { connectOrSandbox } from 'kommo-sdk/sandbox';
import {
  MAX_SALESBOT_SHOW_LENGTH,
  bot,
  createSalesbotHandler,
  toNodeHandler,
  type SalesbotHandler,
} from 'kommo-sdk/salesbot';

/** Stands in for a model call: what the agent answers to the client's message. */
export async function agentReply(message: string): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 50)); // a model takes its time
  if (/ship|deliver/i.test(message)) return 'We ship to Lisbon in 3 working days.';
  if (/price|cost/i.test(message)) return 'The shelf is 420 EUR, assembly included.';
  return 'A manager will answer you shortly.';
}

/** The receiver: verify, answer 200, then continue the bot with the agent's words. */
export function createAgentServer(kommo: Kommo, secret: string): Server {
  const handler = createSalesbotHandler({
    kommo,
    secret,
    onRequest: async ({ data }): Promise<SalesbotHandler[]> => {
      const message = data['message'];
      const answer = await agentReply(typeof message === 'string' ? message : '');
      // Kommo shows at most 80 characters per `show`: cut at a word, never send more.
      const text =
        answer.length <= MAX_SALESBOT_SHOW_LENGTH
          ? answer
          : `${answer.slice(0, MAX_SALESBOT_SHOW_LENGTH - 1).replace(/\s+\S*$/, '')}…`;
      return [bot.show(text), bot.buttons('Anything else?', ['Yes', 'No, thanks'])];
    },
    onError: (error, { phase }) => console.error(`salesbot ${phase}:`, error),
  });
  const node = toNodeHandler(handler);
  return createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/salesbot') void node(req, res);
    else res.writeHead(404).end();
  });
}

const USAGE = `Usage: npx tsx examples/salesbot-agent.ts [--serve] [--port <n>]

Answers a Salesbot's widget_request step with an agent's reply. Without KOMMO_* variables a
local sandbox runs a bot on a lead and shows the continue it received.

Options:
  --serve     keep the receiver up for a real account (needs KOMMO_CLIENT_SECRET)
  --port <n>  port to listen on (default: PORT, else 0 for any free port)
  -h, --help  show this help
`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let flags;
  try {
    ({ values: flags } = parseArgs({
      options: {
        serve: { type: 'boolean' },
        port: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (flags.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const { kommo, sandbox, target } = await connectOrSandbox();
  const secret = sandbox?.oauth.clientSecret ?? process.env['KOMMO_CLIENT_SECRET'];
  if (!secret) {
    process.stderr.write(`Set KOMMO_CLIENT_SECRET (the integration's secret key)\n\n${USAGE}`);
    process.exit(2);
  }
  const server = createAgentServer(kommo, secret);
  const port = Number(flags.port ?? process.env['PORT'] ?? 0);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/salesbot`;
  console.log(`salesbot-agent → ${target}; receiver on ${url}`);
  if (flags.serve || !sandbox) {
    console.log('Put this URL (with your public host) in the bot’s widget_request step.');
  } else {
    // The sandbox plays Kommo: a bot whose widget_request step calls the receiver.
    const { id: botId } = sandbox.salesbot.addBot({
      name: 'Agent',
      widgetRequest: { url, data: { message: 'Do you ship to Lisbon?' } },
    });
    const lead = await kommo.leads.create({ name: 'Shelving for Lisbon' });
    await kommo.salesbot.run([{ bot_id: botId, entity_id: lead.id, entity_type: 'leads' }]);
    await sandbox.salesbot.flush();
    // The continue follows the 200; wait until the bot has it.
    for (let i = 0; i < 100 && sandbox.salesbot.runs[0]?.status === 'waiting'; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const run = sandbox.salesbot.runs[0];
    console.log(`bot ${String(botId)} on lead ${String(lead.id)}: ${String(run?.status)}`);
    console.log(JSON.stringify(run?.continued?.execute_handlers, null, 2));
    server.close();
    await sandbox.close();
  }
}
