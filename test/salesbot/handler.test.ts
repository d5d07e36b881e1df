import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestValidationError } from '../../src/index.js';
import {
  bot,
  createSalesbotHandler,
  fakeWidgetRequest,
  toNodeHandler,
  type SalesbotErrorContext,
  type SalesbotHandlerOptions,
  type SalesbotWidgetRequest,
} from '../../src/salesbot/index.js';
import { HOST, testClient } from '../support/client.js';
import { useSandbox } from '../support/sandbox.js';
import { fixture } from '../resources/support.js';

const { sandbox, client } = useSandbox();
const SECRET = 'integration-secret-0123456789';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => new Promise((resolve) => s.close(() => resolve(undefined)))),
  );
});

/** Serves `handler` over real `node:http` on a loopback port; returns its URL. */
async function serve(
  handler: (request: Request) => Promise<Response>,
  options?: Parameters<typeof toNodeHandler>[1],
  onAnswered?: () => void,
): Promise<string> {
  const node = toNodeHandler(handler, options);
  const server = createServer((req, res) => {
    // 'finish': the whole answer was handed to the operating system.
    if (onAnswered) res.on('finish', onAnswered);
    void node(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/salesbot`;
}

describe('createSalesbotHandler against the sandbox', () => {
  it('verifies a widget_request over node:http, answers 200 before the continue starts, and continues the bot with the handlers returned', async () => {
    const kommo = client();
    const seen: SalesbotWidgetRequest[] = [];
    const order: string[] = [];
    const handler = createSalesbotHandler({
      kommo,
      secret: sandbox().oauth.clientSecret,
      onRequest: (request) => {
        seen.push(request);
        order.push('onRequest');
        return [
          bot.show(`Order ${String(request.data['order'])} ships Monday`),
          bot.goto('answer', 2),
        ];
      },
      onError: (error) => {
        throw error;
      },
    });
    const url = await serve(handler, {}, () => order.push('answered'));
    const botId = sandbox().salesbot.addBot({ widgetRequest: { url, data: { order: 'A-17' } } }).id;
    const lead = await kommo.leads.create({ name: 'Lisbon shelving' });
    await kommo.salesbot.run([{ bot_id: botId, entity_id: lead.id, entity_type: 'leads' }]);
    await sandbox().salesbot.flush();
    await handler.drain();

    const run = sandbox().salesbot.runs[0]!;
    expect(run.delivery?.status).toBe(200);
    // Your code, and so the continue after it, start only once the 200 has been sent.
    expect(order).toEqual(['answered', 'onRequest']);
    expect(run.status).toBe('continued');
    expect(run.continued?.execute_handlers).toEqual([
      { handler: 'show', params: { type: 'text', value: 'Order A-17 ships Monday' } },
      { handler: 'goto', params: { type: 'answer', step: 2 } },
    ]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.target).toEqual({
      bot_type: 'salesbot',
      bot_id: botId,
      continue_id: run.continueId,
    });
    expect(seen[0]!.claims.entity_id).toBe(lead.id);
  });

  it('refuses handlers over Kommo’s limits before sending: onError gets the field, the bot still waits', async () => {
    const kommo = client();
    const errors: Array<[unknown, SalesbotErrorContext['phase']]> = [];
    const handler = createSalesbotHandler({
      kommo,
      secret: sandbox().oauth.clientSecret,
      onRequest: () => [bot.show('x'.repeat(81))],
      onError: (error, { phase }) => void errors.push([error, phase]),
    });
    const url = await serve(handler);
    const botId = sandbox().salesbot.addBot({ widgetRequest: { url } }).id;
    const lead = await kommo.leads.create({ name: 'Too long' });
    await kommo.salesbot.run([{ bot_id: botId, entity_id: lead.id, entity_type: 'leads' }]);
    await sandbox().salesbot.flush();
    await handler.drain();

    expect(sandbox().salesbot.runs[0]?.status).toBe('waiting');
    expect(errors).toHaveLength(1);
    expect(errors[0]![1]).toBe('continue');
    expect(errors[0]![0]).toBeInstanceOf(RequestValidationError);
    expect(sandbox().requests.filter((r) => r.path.includes('/continue/'))).toHaveLength(0);
  });
});

describe('createSalesbotHandler: what it refuses', () => {
  /** A handler continuing through nock on the account host; the handler list it was asked for. */
  function nockHandler(extra: Partial<SalesbotHandlerOptions> = {}) {
    const calls: SalesbotWidgetRequest[] = [];
    const errors: SalesbotErrorContext['phase'][] = [];
    const handler = createSalesbotHandler({
      kommo: testClient(),
      secret: SECRET,
      onRequest: (request) => {
        calls.push(request);
        return { data: { reply: 'ok' } };
      },
      onError: (_error, { phase }) => void errors.push(phase),
      ...extra,
    });
    return { handler, calls, errors };
  }

  it('continues on the account host from the ids, never at the body’s return_url, and once per delivery', async () => {
    const { handler, calls, errors } = nockHandler();
    const trap = nock('https://evil.example.com').post(/.*/).reply(202);
    nock(HOST)
      .post('/api/v4/salesbot/5521/continue/8812', { data: { reply: 'ok' } })
      .reply(202);
    const delivery = fixture('salesbot_widget_request.json') as { return_url: string };
    const forged = new URL(delivery.return_url);
    forged.host = 'evil.example.com';
    const make = () =>
      fakeWidgetRequest({
        url: 'https://hooks.example.com/salesbot',
        secret: SECRET,
        botId: 5521,
        continueId: 8812,
        account: { id: 31204999, subdomain: 'acme', host: forged.host },
      });
    expect((await handler(await make())).status).toBe(200);
    expect((await handler(await make())).status).toBe(200);
    await handler.drain();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.returnUrl).toBe(forged.toString());
    expect(trap.isDone()).toBe(false);
    expect(errors).toEqual([]);
    nock.cleanAll();
  });

  it('answers 401 to a forged or expired token, 400 to a body naming no bot, 405 to GET', async () => {
    const { handler, calls } = nockHandler();
    const url = 'https://hooks.example.com/salesbot';
    const forged = await fakeWidgetRequest({ url, secret: 'another-secret-0123456789' });
    const expired = await fakeWidgetRequest({ url, secret: SECRET, claims: { exp: 1 } });
    expect((await handler(forged)).status).toBe(401);
    expect((await handler(expired)).status).toBe(401);
    const good = await fakeWidgetRequest({ url, secret: SECRET });
    const { token } = (await good.json()) as { token: string };
    const noBot = new Request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, data: [], return_url: 'https://acme.kommo.com/api/v4/leads' }),
    });
    expect((await handler(noBot)).status).toBe(400);
    expect((await handler(new Request(url))).status).toBe(405);
    await handler.drain();
    expect(calls).toHaveLength(0);
  });

  it('answers 413 to a huge body and 408 to a slow one over node:http, without calling your code', async () => {
    const { handler, calls } = nockHandler();
    const url = new URL(await serve(handler, { maxBytes: 4096, readTimeoutMs: 200 }));
    const send = (write: (req: ReturnType<typeof httpRequest>) => void) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          { host: url.hostname, port: url.port, path: url.pathname, method: 'POST' },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        write(req);
      });
    const huge = await send((req) => {
      req.on('error', () => undefined);
      req.end(Buffer.alloc(1024 * 1024, 0x7b));
    });
    expect(huge).toBe(413);
    let slowReq: ReturnType<typeof httpRequest> | undefined;
    const slow = await send((req) => {
      slowReq = req;
      req.setHeader('content-type', 'application/json');
      req.write('{"token":"');
      // The rest never comes: the receiver stops waiting.
    });
    slowReq?.destroy();
    expect(slow).toBe(408);
    await handler.drain();
    expect(calls).toHaveLength(0);
  });
});
