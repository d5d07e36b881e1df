// Child process for the crash test: a channel's hook receiver on node:http with a file inbox.
// `hang`: every listener blocks forever after saying so (the parent kills us mid-processing);
// `work`: every message id is appended to the output file once processed.
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChatsHandler, toNodeHandler } from '../../../src/chats/index.js';
import { FileChatInbox } from '../../../src/chats/file-inbox.js';

const [inboxPath, outPath, mode, secret] = process.argv.slice(2) as [
  string,
  string,
  'hang' | 'work',
  string,
];
const handler = createChatsHandler({
  secret,
  inbox: new FileChatInbox(inboxPath),
  retry: { baseDelayMs: 10, maxDelayMs: 50 },
  on: {
    message: async (event) => {
      if (mode === 'hang') {
        process.stdout.write(`processing ${event.message.message.id}\n`);
        await new Promise(() => undefined);
      }
      appendFileSync(outPath, `${event.message.message.id}\n`);
    },
  },
});
const node = toNodeHandler(handler);
const server = createServer((req, res) => void node(req, res));
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
