import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a {@link captureServer} received, with the body as raw bytes. */
export interface CapturedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A loopback server that records every request and answers with `reply`. */
export async function captureServer(
  reply: (req: CapturedRequest, index: number, res: ServerResponse) => void,
): Promise<{ url: string; requests: CapturedRequest[]; close: () => Promise<void> }> {
  const requests: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: CapturedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(seen);
      reply(seen, requests.length - 1, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers JSON (or an empty body for `undefined`). */
export function answer(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * The Chats API request signature computed independently with node:crypto, from what went
 * over the wire: the raw body bytes, the headers and the path without the query.
 */
export function expectedChatsSignature(
  secret: string,
  request: Pick<CapturedRequest, 'method' | 'url' | 'headers' | 'body'>,
): { contentMd5: string; signature: string } {
  const contentMd5 = createHash('md5').update(request.body).digest('hex');
  const path = request.url.split('?')[0] ?? '';
  const message = [
    request.method.toUpperCase(),
    contentMd5,
    request.headers['content-type'] ?? '',
    request.headers['date'] ?? '',
    path,
  ].join('\n');
  return { contentMd5, signature: createHmac('sha1', secret).update(message).digest('hex') };
}

/** HMAC-SHA1 hex of a hook body, as amojo signs the hooks it sends (node:crypto). */
export function hookSignature(secret: string, body: string | Buffer): string {
  return createHmac('sha1', secret).update(body).digest('hex');
}
