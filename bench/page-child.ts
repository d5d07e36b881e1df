/**
 * A server in its own process that answers every request with one fixed page: the 250 copies
 * of the fixtures' richest lead (16 custom fields) that `test/fixtures/pages.ts` builds. The
 * per-page benchmark reads it where the sandbox's seeded leads are too plain to be the worst
 * case. Out of process for the same reason as the sandbox (its CPU is not the client's).
 *
 * Not run by hand: `bench/page-cost.ts` forks it; it sends its port, then serves until killed.
 */
import { createServer } from 'node:http';
import { richLeadsPage } from '../test/fixtures/pages.js';

const body = Buffer.from(JSON.stringify(richLeadsPage(250)));
const server = createServer((_request, response) => {
  response.writeHead(200, {
    'content-type': 'application/hal+json',
    'content-length': body.byteLength,
  });
  response.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.(typeof address === 'object' && address ? address.port : 0);
});
