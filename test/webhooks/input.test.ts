import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createWebhookHandler,
  signWebhook,
  toNodeHandler,
  verifyWebhook,
  WebhookParseError,
  WebhookVerificationError,
  type VerifyWebhookOptions,
  type WebhookErrorContext,
} from '../../src/index.js';

const SECRET = 'limits-secret-7d1c';
const FORM = 'application/x-www-form-urlencoded';
const TWO_MIB = 2 * 1024 * 1024;
const PREFIX = new TextEncoder().encode('account[id]=31204999&account[subdomain]=acme&x=');

/** The schemes that read the body, with what each needs to get that far. */
const BODY_SCHEMES: ReadonlyArray<[string, VerifyWebhookOptions, Record<string, string>]> = [
  ['chats', { scheme: 'chats', secret: SECRET }, { 'x-signature': 'ab'.repeat(20) }],
  ['hmac', { scheme: 'hmac', secret: SECRET }, { 'x-signature': 'ab'.repeat(32) }],
  ['salesbot-jwt', { scheme: 'salesbot-jwt', secret: SECRET }, {}],
  ['url-secret with expectedAccount', { secret: SECRET, expectedAccount: { id: 31204999 } }, {}],
];

/**
 * A body of `size` bytes made on demand in 64 KiB pieces, with no Content-Length; `pulled`
 * counts what the reader asked for, to prove it stopped early.
 */
function bigStream(size: number) {
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= size) return controller.close();
      const piece = new Uint8Array(Math.min(64 * 1024, size - counter.pulled)).fill(0x61);
      if (counter.pulled === 0) piece.set(PREFIX);
      counter.pulled += piece.byteLength;
      controller.enqueue(piece);
    },
  });
  return { stream, counter };
}

/** A body that delivers one byte every 100 ms (of `size`), then ends. */
function tricklingStream(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent >= size) return controller.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      controller.enqueue(new Uint8Array([PREFIX[sent % PREFIX.length] ?? 0x61]));
      sent++;
    },
  });
}

function streamingPost(url: string, body: ReadableStream<Uint8Array>, headers = {}): Request {
  // `duplex` is required for a stream body, and missing from the DOM lib's RequestInit.
  const init = { method: 'POST', headers: { 'content-type': FORM, ...headers }, body };
  return new Request(url, { ...init, duplex: 'half' } as RequestInit);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
}

function handlerWithErrors(options: { readTimeoutMs?: number } = {}) {
  const errors: Array<[unknown, WebhookErrorContext['phase']]> = [];
  const listener = vi.fn();
  const handler = createWebhookHandler({
    verify: { secret: SECRET },
    on: { '*': listener },
    onError: (error, context) => void errors.push([error, context.phase]),
    ...options,
  });
  return { handler, errors, listener };
}

describe('a body over maxBytes without Content-Length (Fetch API)', () => {
  it.each(BODY_SCHEMES)(
    'verifyWebhook settles with malformed/too_large for %s, reading little more than 1 MiB',
    async (_name, options, headers) => {
      const { stream, counter } = bigStream(TWO_MIB);
      const request = streamingPost(`https://x.test/kommo?secret=${SECRET}`, stream, headers);
      const error = await rejection(verifyWebhook(request, options));
      expect(error).toBeInstanceOf(WebhookVerificationError);
      expect((error as WebhookVerificationError).reason).toBe('malformed');
      const cause = (error as Error).cause;
      expect(cause).toBeInstanceOf(WebhookParseError);
      expect((cause as WebhookParseError).reason).toBe('too_large');
      expect(counter.pulled).toBeLessThan(1_048_576 + 4 * 64 * 1024);
      // The caller's request still holds its body (verification read a clone).
      expect(request.bodyUsed).toBe(false);
    },
  );

  it('createWebhookHandler answers 413 to a cloned Request whose original is never read', async () => {
    const { handler, errors, listener } = handlerWithErrors();
    const { stream, counter } = bigStream(TWO_MIB);
    const original = streamingPost(`https://x.test/kommo?secret=${SECRET}`, stream);
    const response = await handler(original.clone());
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.[1]).toBe('parse');
    expect((errors[0]?.[0] as WebhookParseError).reason).toBe('too_large');
    expect(counter.pulled).toBeLessThan(1_048_576 + 4 * 64 * 1024);
    expect(listener).not.toHaveBeenCalled();
  });

  it('createWebhookHandler still handles a cloned Request with a normal body', async () => {
    const { handler, errors, listener } = handlerWithErrors();
    const body = 'account[id]=31204999&leads[add][0][id]=7';
    const original = new Request(`https://x.test/kommo?secret=${SECRET}`, {
      method: 'POST',
      headers: { 'content-type': FORM },
      body,
    });
    expect((await handler(original.clone())).status).toBe(200);
    expect(errors).toEqual([]);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(await original.text()).toBe(body);
  });

  it('refuses a body that was already read with a typed read_failed, not a TypeError', async () => {
    const request = new Request(`https://x.test/kommo?secret=${SECRET}`, {
      method: 'POST',
      headers: { 'x-signature': 'ab'.repeat(32) },
      body: 'account[id]=1',
    });
    await request.text();
    const error = await rejection(verifyWebhook(request, { scheme: 'hmac', secret: SECRET }));
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(((error as Error).cause as WebhookParseError).reason).toBe('read_failed');
    const { handler, errors } = handlerWithErrors();
    expect((await handler(request)).status).toBe(400);
    expect((errors[0]?.[0] as WebhookParseError).reason).toBe('read_failed');
  });
});

/**
 * Steps the fake clock 100 ms at a time, with a real macrotask turn in between: Web Crypto
 * works on real threads, so a scheme's timers may start after any given step. It steps until
 * the promise settles, for up to 40 s of real time (a loaded CI machine with coverage on took
 * more than the former 600 steps' worth), then lets the test's own timeout report a hang.
 */
async function settleWithFakeTime<T>(promise: Promise<T>): Promise<T> {
  let done = false;
  void promise.finally(() => {
    done = true;
  });
  const started = performance.now();
  while (!done && performance.now() - started < 40_000) {
    await vi.advanceTimersByTimeAsync(100);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return promise;
}

describe('a body that trickles one byte every 100 ms (fake clock)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('createWebhookHandler answers 408 once the default 10 s read timeout passes', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { handler, errors, listener } = handlerWithErrors();
    const settled = vi.fn();
    const answer = handler(
      streamingPost(`https://x.test/k?secret=${SECRET}`, tricklingStream(1000)),
    );
    void answer.then(settled);
    await vi.advanceTimersByTimeAsync(9_900);
    expect(settled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(200);
    const response = await answer;
    expect(response.status).toBe(408);
    expect(response.headers.get('connection')).toBe('close');
    expect((errors[0]?.[0] as WebhookParseError).reason).toBe('read_timeout');
    expect(listener).not.toHaveBeenCalled();
  });

  it.each(BODY_SCHEMES)(
    'verifyWebhook settles with malformed/read_timeout for %s after readTimeoutMs',
    async (_name, options, headers) => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const request = streamingPost(
        `https://x.test/k?secret=${SECRET}`,
        tricklingStream(1000),
        headers,
      );
      const outcome = rejection(verifyWebhook(request, { ...options, readTimeoutMs: 2_000 }));
      const error = await settleWithFakeTime(outcome);
      expect(error).toBeInstanceOf(WebhookVerificationError);
      expect(((error as Error).cause as WebhookParseError).reason).toBe('read_timeout');
    },
    60_000,
  );
});

/* ---------------------------- over real node:http ---------------------------- */

interface Exchange {
  /** What the server answered, as text. */
  response: string;
  /** Body bytes the client wrote before the server answered or closed. */
  bytesSent: number;
}

/**
 * Sends a chunked POST over a raw socket: `flood` writes `size` bytes as fast as the socket
 * takes them, `trickle` one byte every 100 ms. Stops writing once an answer arrives; resolves
 * when the server closed the connection.
 */
function exchange(
  port: number,
  path: string,
  mode: 'flood' | 'trickle',
  size: number,
  headers: Record<string, string> = {},
): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let response = '';
    let bytesSent = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    const open = () => response === '' && !socket.destroyed && socket.writable;
    socket.on('data', (data: Buffer) => {
      response += data.toString('latin1');
    });
    // EPIPE/ECONNRESET once the server stops reading and closes: expected.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ response, bytesSent });
    });
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${FORM}\r\n` +
        `Transfer-Encoding: chunked\r\n${extra.join('')}\r\n`,
    );
    const writeChunk = (bytes: Uint8Array): boolean => {
      bytesSent += bytes.byteLength;
      socket.write(`${bytes.byteLength.toString(16)}\r\n`);
      socket.write(bytes);
      return socket.write('\r\n');
    };
    if (mode === 'flood') {
      const pump = () => {
        while (open() && bytesSent < size) {
          const piece = new Uint8Array(Math.min(64 * 1024, size - bytesSent)).fill(0x61);
          if (bytesSent === 0) piece.set(PREFIX);
          if (!writeChunk(piece)) return void socket.once('drain', pump);
        }
        if (open()) socket.write('0\r\n\r\n');
      };
      pump();
    } else {
      timer = setInterval(() => {
        if (!open()) return clearInterval(timer);
        writeChunk(new Uint8Array([PREFIX[bytesSent % PREFIX.length] ?? 0x61]));
        if (bytesSent >= size) {
          clearInterval(timer);
          socket.write('0\r\n\r\n');
        }
      }, 100);
    }
  });
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
  );
});

/** A loopback server that counts its open connections. */
async function serve(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ port: number; openConnections: () => number }> {
  const server = createServer(listener);
  servers.push(server);
  let open = 0;
  server.on('connection', (socket) => {
    open++;
    socket.on('close', () => open--);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, openConnections: () => open };
}

/** Closes are reported a turn after the client sees them. */
async function settled(openConnections: () => number): Promise<number> {
  for (let i = 0; i < 100 && openConnections() > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return openConnections();
}

/**
 * What Hono's and Next.js's Node servers do: hand the app a `Request` whose body streams from
 * the socket. The app's answer is written back as it is.
 */
function streamingBridge(app: (request: Request) => Promise<Response>) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || ['host', 'connection', 'transfer-encoding'].includes(name)) {
        continue;
      }
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const request = new Request(`http://127.0.0.1${req.url ?? '/'}`, {
      method: req.method ?? 'POST',
      headers,
      body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit);
    void app(request).then(async (response) => {
      res.statusCode = response.status;
      response.headers.forEach((value, name) => res.setHeader(name, value));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  };
}

describe('toNodeHandler over node:http, hostile bodies', () => {
  it('answers 413 to a 2 MiB chunked body, never calls the handler, and closes the connection', async () => {
    const { handler, errors, listener } = handlerWithErrors();
    const { port, openConnections } = await serve(
      (req, res) => void toNodeHandler(handler)(req, res),
    );
    const { response, bytesSent } = await exchange(port, `/k?secret=${SECRET}`, 'flood', TWO_MIB);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response.toLowerCase()).toContain('connection: close');
    expect(bytesSent).toBeGreaterThan(1_048_576);
    expect(listener).not.toHaveBeenCalled();
    // The adapter refused it before the handler saw a request.
    expect(errors).toEqual([]);
    expect(await settled(openConnections)).toBe(0);
  });

  it('answers 408 to a body trickling one byte every 100 ms, and closes the connection', async () => {
    const { handler, listener } = handlerWithErrors();
    const node = toNodeHandler(handler, { readTimeoutMs: 300 });
    const { port, openConnections } = await serve((req, res) => void node(req, res));
    const { response, bytesSent } = await exchange(port, `/k?secret=${SECRET}`, 'trickle', 200);
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
    expect(response.toLowerCase()).toContain('connection: close');
    // Answered long before the 200 bytes (20 s at this pace) were in.
    expect(bytesSent).toBeLessThan(50);
    expect(listener).not.toHaveBeenCalled();
    expect(await settled(openConnections)).toBe(0);
  });
});

describe('createWebhookHandler with a streaming Request over node:http (the Hono/Next.js shape)', () => {
  it('answers 413 to a 2 MiB chunked body handed over as a clone, with a typed onError', async () => {
    const { handler, errors, listener } = handlerWithErrors();
    const { port, openConnections } = await serve(
      streamingBridge((request) => handler(request.clone())),
    );
    const { response } = await exchange(port, `/k?secret=${SECRET}`, 'flood', TWO_MIB);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(errors.map(([e, phase]) => [phase, (e as WebhookParseError).reason])).toEqual([
      ['parse', 'too_large'],
    ]);
    expect(listener).not.toHaveBeenCalled();
    expect(await settled(openConnections)).toBe(0);
  });

  it('answers 408 to a trickling body after readTimeoutMs, with a typed onError', async () => {
    const { handler, errors } = handlerWithErrors({ readTimeoutMs: 300 });
    const { port, openConnections } = await serve(
      streamingBridge((request) => handler(request.clone())),
    );
    const { response, bytesSent } = await exchange(port, `/k?secret=${SECRET}`, 'trickle', 200);
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
    expect(bytesSent).toBeLessThan(50);
    expect(errors.map(([e, phase]) => [phase, (e as WebhookParseError).reason])).toEqual([
      ['parse', 'read_timeout'],
    ]);
    expect(await settled(openConnections)).toBe(0);
  });
});

describe('verifyWebhook with a streaming Request over node:http', () => {
  /** An app that verifies, and answers a refusal with 401 and `Connection: close`. */
  function verifyingApp(options: VerifyWebhookOptions, seen: unknown[]) {
    return async (request: Request): Promise<Response> => {
      try {
        await verifyWebhook(request, options);
        return new Response('ok');
      } catch (error) {
        seen.push(error);
        return new Response('no', { status: 401, headers: { connection: 'close' } });
      }
    };
  }

  it.each(BODY_SCHEMES)(
    'settles %s on a 2 MiB chunked body and on a trickling one, and the connection is released',
    async (_name, options, headers) => {
      const seen: unknown[] = [];
      const { port, openConnections } = await serve(
        streamingBridge(verifyingApp({ ...options, readTimeoutMs: 300 }, seen)),
      );
      const path = `/k?secret=${SECRET}`;
      const flood = await exchange(port, path, 'flood', TWO_MIB, headers);
      const trickle = await exchange(port, path, 'trickle', 200, headers);
      expect(flood.response).toMatch(/^HTTP\/1\.1 401 /);
      expect(trickle.response).toMatch(/^HTTP\/1\.1 401 /);
      expect(trickle.bytesSent).toBeLessThan(50);
      expect(
        seen.map((e) => [
          (e as WebhookVerificationError).reason,
          ((e as Error).cause as WebhookParseError).reason,
        ]),
      ).toEqual([
        ['malformed', 'too_large'],
        ['malformed', 'read_timeout'],
      ]);
      expect(await settled(openConnections)).toBe(0);
    },
  );

  it('still verifies a correctly signed chunked body that fits', async () => {
    const body = 'account[id]=31204999&leads[add][0][id]=7';
    const { headers } = await signWebhook({ scheme: 'hmac', secret: SECRET, body });
    const seen: unknown[] = [];
    const { port } = await serve(
      streamingBridge(verifyingApp({ scheme: 'hmac', secret: SECRET }, seen)),
    );
    const response = await fetch(`http://127.0.0.1:${String(port)}/k`, {
      method: 'POST',
      headers: { ...headers, 'content-type': FORM },
      body: Readable.toWeb(Readable.from([body.slice(0, 10), body.slice(10)])),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(200);
    expect(seen).toEqual([]);
  });
});
