/**
 * Streamable HTTP: the MCP endpoint `POST /mcp` for remote MCP clients, on loopback by
 * default. Every request must carry the bearer secret (`Authorization: Bearer …`), and its
 * `Host` and `Origin` must name this server, as the MCP specification asks of local HTTP
 * servers (a web page the user visits cannot reach it through DNS rebinding). Stateless: each
 * POST gets its own MCP server over the shared client, so nothing is kept between requests.
 *
 * @module
 */

import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { KommoMcp } from './server.js';

/** The path of the MCP endpoint. */
const MCP_PATH = '/mcp';

/** Host names that always mean this machine. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]', '::1'];

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  /** The server state whose tools are served. */
  mcp: KommoMcp;
  /** The bearer secret every request must present. */
  secret: string;
  /**
   * The interface to listen on. Anything but loopback exposes the account to the network:
   * put TLS in front of it.
   *
   * @defaultValue '127.0.0.1'
   */
  host?: string;
  /** @defaultValue 3030; `0` picks a free port */
  port?: number;
  /** More `Host` names to accept (the names clients reach a non-loopback bind by). */
  allowedHosts?: readonly string[];
  /** Browser origins to accept (`https://app.example.com`); by default only loopback ones. */
  allowedOrigins?: readonly string[];
  /**
   * The largest request body.
   *
   * @defaultValue 1048576 (1 MiB)
   */
  maxBodyBytes?: number;
}

/** A listening server. */
export interface RunningHttpServer {
  /** `http://127.0.0.1:3030/mcp`: what MCP clients connect to. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function refuse(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

function hostnameOf(value: string): string | undefined {
  try {
    return new URL(`http://${value}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Starts the Streamable HTTP endpoint.
 *
 * @throws `Error` when the port is taken or the secret is empty.
 * @example
 * ```ts
 * const http = await startHttpServer({ mcp, secret: process.env.KOMMO_MCP_SECRET!, port: 3030 });
 * console.error(`listening on ${http.url}`);
 * ```
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  if (options.secret === '') throw new Error('The HTTP transport needs a non-empty secret');
  const host = options.host ?? '127.0.0.1';
  const expected = digest(options.secret);
  const bound = host.toLowerCase().replace(/^\[|\]$/g, '');
  const wildcard = bound === '0.0.0.0' || bound === '::';
  const allowedHosts = new Set(
    [
      ...LOOPBACK_NAMES,
      ...(wildcard ? [] : [bound, `[${bound}]`]),
      ...(options.allowedHosts ?? []).map((h) => h.toLowerCase()),
    ].map((h) => hostnameOf(h) ?? h),
  );
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== MCP_PATH) return refuse(res, 404, `Not found: the MCP endpoint is ${MCP_PATH}`);

    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends `Host: evil.example`.
    const hostname = hostnameOf(req.headers.host ?? '');
    if (hostname === undefined || !allowedHosts.has(hostname))
      return refuse(res, 403, `Host not allowed: ${JSON.stringify(req.headers.host ?? '')}`);
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) {
      let originHost: string | undefined;
      try {
        originHost = new URL(origin).hostname.toLowerCase();
      } catch {
        originHost = undefined;
      }
      if (originHost === undefined || !LOOPBACK_NAMES.includes(originHost))
        return refuse(res, 403, `Origin not allowed: ${JSON.stringify(origin)}`);
    }

    const auth = req.headers.authorization ?? '';
    const match = /^Bearer[ ]+(.+)$/i.exec(auth);
    // Compared as digests: equal lengths for timingSafeEqual, no length leak.
    if (!match || !timingSafeEqual(digest((match[1] as string).trim()), expected)) {
      return refuse(
        res,
        401,
        'Missing or wrong bearer secret (Authorization: Bearer <KOMMO_MCP_SECRET>)',
        {
          'www-authenticate': 'Bearer realm="kommo-mcp"',
        },
      );
    }

    if (req.method !== 'POST') {
      // Stateless server: no server-initiated stream (GET) and no session to end (DELETE).
      return refuse(res, 405, 'Method not allowed: POST JSON-RPC messages to this endpoint', {
        allow: 'POST',
      });
    }
    // No sessionIdGenerator: stateless.
    const transport = new StreamableHTTPServerTransport({
      enableJsonResponse: true,
      maxRequestBodySize: maxBodyBytes,
    });
    const server = options.mcp.createServer();
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  };

  const http: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        refuse(res, 500, error instanceof Error ? error.message : 'Internal error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 3030, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}${MCP_PATH}`,
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}
