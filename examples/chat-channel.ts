/**
 * A minimal custom chat channel: a terminal chat whose messages reach Kommo through the Chats
 * API (amojo), and whose replies come back from Kommo as signed hooks.
 *
 * Against the local sandbox (the default) the sandbox plays Kommo: your lines land in the CRM
 * as an incoming lead with a talk, and a "manager" answers each one.
 *
 *   npx tsx examples/chat-channel.ts                        # interactive: type, Enter; /quit
 *   npx tsx examples/chat-channel.ts --say "Hi" --say "Price of the 14\" model?"
 *
 * With a real channel (ids and secret from Kommo support), set `KOMMO_CHANNEL_ID`,
 * `KOMMO_CHANNEL_SECRET` and the account (`KOMMO_DOMAIN` + `KOMMO_ACCESS_TOKEN`), and expose
 * `--port` at the webhook URL you registered: replies then come from your managers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Kommo } from 'kommo-sdk';
import {
  KommoChats,
  chatMessage,
  createChatsHandler,
  getAccountAmojoId,
  toNodeHandler,
  type ChatsHandler,
} from 'kommo-sdk/chats';
import { FileChatInbox } from 'kommo-sdk/chats/file-inbox';
import { startSandbox, type Sandbox } from 'kommo-sdk/sandbox';

const HELP = `Usage: npx tsx examples/chat-channel.ts [--say <text>]... [--port <n>] [--name <client>]

A terminal chat channel talking to Kommo (the local sandbox unless KOMMO_CHANNEL_ID,
KOMMO_CHANNEL_SECRET, KOMMO_DOMAIN and KOMMO_ACCESS_TOKEN are set).

  --say <text>   send this message and wait for the reply (repeatable); no prompt
  --port <n>     port of the hook receiver (default: a free one)
  --name <name>  the client's name (default: Maria Cliente)
  -h, --help     show this help`;

/** What one run did, for tests. */
export interface ChatChannelResult {
  /** The scope id of the connection. */
  scopeId: string;
  /** Replies received from Kommo, in order. */
  replies: string[];
}

/** A running channel: send a client's line, see replies arrive. */
interface Channel {
  say(text: string): Promise<void>;
  replies: string[];
  scopeId: string;
  close(): Promise<void>;
}

async function listen(server: Server, port: number): Promise<string> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
}

/** Starts the channel: hook receiver, connection, and (in the sandbox) a replying manager. */
async function openChannel(options: {
  port: number;
  clientName: string;
  onReply: (text: string) => void;
  sandbox?: { sandbox: Sandbox; kommo: Kommo } | undefined;
}): Promise<Channel> {
  const real =
    !options.sandbox && process.env['KOMMO_CHANNEL_ID'] && process.env['KOMMO_CHANNEL_SECRET'];
  let sandbox: Sandbox | undefined;
  // A sandbox the caller started (the demo's) is used as it is, and left running.
  const ownSandbox = !options.sandbox;
  let kommo: Kommo;
  let chats: KommoChats;
  const channelId = process.env['KOMMO_CHANNEL_ID'] ?? 'b0b0cafe-0000-4000-8000-000000000001';
  const secret = process.env['KOMMO_CHANNEL_SECRET'] ?? 'local-channel-secret-0123456789abcdef';
  if (real) {
    kommo = new Kommo({
      domain: process.env['KOMMO_DOMAIN'] ?? '',
      accessToken: process.env['KOMMO_ACCESS_TOKEN'] ?? '',
    });
    chats = new KommoChats({
      channelId,
      channelSecret: secret,
      platform: kommo.domain.endsWith('.amocrm.ru') ? 'amocrm' : 'kommo',
    });
  } else if (options.sandbox) {
    ({ sandbox, kommo } = options.sandbox);
    chats = new KommoChats({ channelId, channelSecret: secret, baseUrl: sandbox.url });
  } else {
    sandbox = await startSandbox({ seed: false });
    kommo = new Kommo({ baseUrl: sandbox.url, accessToken: sandbox.accessToken });
    chats = new KommoChats({ channelId, channelSecret: secret, baseUrl: sandbox.url });
  }

  // The receiver: verify, store durably, answer 200, then show the reply.
  const dir = await mkdtemp(join(tmpdir(), 'chat-channel-'));
  const replies: string[] = [];
  let waiting: (() => void) | undefined;
  const handler: ChatsHandler = createChatsHandler({
    secret,
    inbox: new FileChatInbox(join(dir, 'inbox.jsonl')),
    on: {
      message: (event) => {
        for (const m of event.messages) {
          const text = m.message.text || `[${m.message.type}] ${m.message.media ?? ''}`;
          replies.push(text);
          options.onReply(text);
        }
        waiting?.();
      },
    },
    onError: (error, { phase }) => {
      console.error(`  ! ${phase}: ${error instanceof Error ? error.message : String(error)}`);
    },
  });
  const node = toNodeHandler(handler);
  const server = createServer((req, res) => void node(req, res));
  const receiverUrl = await listen(server, options.port);

  if (sandbox) {
    // What Kommo support does when it registers your channel.
    sandbox.chats.registerChannel({
      channelId,
      secret,
      webhookUrl: `${receiverUrl}/kommo/chats/:scope_id`,
      title: 'Terminal chat',
    });
  }
  const scopeId = await chats.connect(await getAccountAmojoId(kommo), { title: 'Terminal chat' });
  const conversationId = `terminal-${String(process.pid)}`;
  const client = { id: `client-${String(process.pid)}`, name: options.clientName };
  await chats.createChat(scopeId, { conversationId, user: client });

  return {
    scopeId,
    replies,
    async say(text) {
      const answered = new Promise<void>((resolve) => (waiting = resolve));
      await chats.sendMessage(scopeId, {
        conversationId,
        sender: client,
        message: chatMessage.text(text),
      });
      if (sandbox) {
        // In the sandbox a manager answers from the CRM: a signed hook to our receiver.
        const [hook] = await sandbox.chats.reply({
          conversationId,
          text: `Thanks! We got: "${text}"`,
        });
        if (hook?.status !== 'delivered')
          throw new Error(`the reply hook was not delivered (${hook?.error ?? 'no answer'})`);
        await answered;
      }
    },
    async close() {
      await handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownSandbox) await sandbox?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Sends `lines` as the client and returns the replies (what the scripted mode does). With
 * `sandbox`, the channel runs on that sandbox and client (the demo's) and leaves it running;
 * otherwise on a sandbox of its own, or on the real channel the environment names.
 */
export async function chatChannel(
  lines: readonly string[],
  log: (line: string) => void,
  options: {
    port?: number;
    clientName?: string;
    sandbox?: { sandbox: Sandbox; kommo: Kommo };
  } = {},
): Promise<ChatChannelResult> {
  const channel = await openChannel({
    port: options.port ?? 0,
    clientName: options.clientName ?? 'Maria Cliente',
    onReply: (text) => log(`manager › ${text}`),
    sandbox: options.sandbox,
  });
  try {
    log(`connected: scope ${channel.scopeId}`);
    for (const text of lines) {
      log(`you › ${text}`);
      await channel.say(text);
    }
    return { scopeId: channel.scopeId, replies: [...channel.replies] };
  } finally {
    await channel.close();
  }
}

async function main(values: {
  say?: string[] | undefined;
  port: string;
  name: string;
}): Promise<void> {
  // ./.env when there is one (Node ≥ 20.12); variables already set win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`✗ --port must be a port number, got "${values.port}"`);
    process.exitCode = 2;
    return;
  }
  if (values.say && values.say.length > 0) {
    await chatChannel(values.say, (line) => console.log(line), { port, clientName: values.name });
    return;
  }
  const channel = await openChannel({
    port,
    clientName: values.name,
    onReply: (text) => console.log(`\nmanager › ${text}`),
  });
  console.log(`connected (scope ${channel.scopeId}); type a message, /quit to leave`);
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'you › ' });
  try {
    rl.prompt();
    // Lines typed (or piped) while a reply is awaited wait in the iterator's buffer.
    for await (const line of rl) {
      const text = line.trim();
      if (text === '/quit') break;
      if (text !== '') await channel.say(text);
      rl.prompt();
    }
  } finally {
    rl.close();
    await channel.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        say: { type: 'string', multiple: true },
        port: { type: 'string', default: '0' },
        name: { type: 'string', default: 'Maria Cliente' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // An unknown flag or a missing value: say so, show the usage, exit 2.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  main(values).catch((error: unknown) => {
    console.error(
      `✗ ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    process.exitCode = 1;
  });
}
