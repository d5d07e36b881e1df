/**
 * Salesbot: how fast a `widget_request` is answered. The sandbox (in this process) runs a bot
 * whose step calls a `createSalesbotHandler` over `node:http`; the receiver verifies the token,
 * answers 200, and only then runs `onRequest` (here a 50 ms stand-in for a model) and the
 * continue. Figures: the time from the request's arrival to the 200 handed to the OS (Kommo
 * waits 2 s), and from `kommo.salesbot.run` to the bot continued.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Kommo } from '../src/index.js';
import { bot, createSalesbotHandler, toNodeHandler } from '../src/salesbot/index.js';
import { startSandbox } from '../src/sandbox/index.js';
import { median, round, sleep, verdict, type GroupResult } from './lib.js';

const RUNS = 40;
/** Kommo gives up on a `widget_request` after 2 s. */
const KOMMO_WAIT_MS = 2000;

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0;
}

export async function runSalesbot(): Promise<GroupResult> {
  const sandbox = await startSandbox({ rateLimit: false });
  const kommo = new Kommo({
    baseUrl: sandbox.url,
    accessToken: sandbox.accessToken,
    rateLimit: false,
  });
  const handler = createSalesbotHandler({
    kommo,
    secret: sandbox.oauth.clientSecret,
    onRequest: async () => {
      await sleep(50);
      return [bot.show('Thanks, a manager will answer shortly')];
    },
  });
  const answered: number[] = [];
  const node = toNodeHandler(handler);
  const server = createServer((req, res) => {
    const arrived = performance.now();
    res.on('finish', () => answered.push(performance.now() - arrived));
    void node(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/salesbot`;
  const continued: number[] = [];
  try {
    const { id } = sandbox.salesbot.addBot({ widgetRequest: { url } });
    const lead = await kommo.leads.create({ name: 'bench' });
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await kommo.salesbot.run([{ bot_id: id, entity_id: lead.id, entity_type: 'leads' }]);
      await sandbox.salesbot.flush();
      await handler.drain();
      if (sandbox.salesbot.runs[i]?.status === 'continued')
        continued.push(performance.now() - started);
    }
  } finally {
    server.close();
    await sandbox.close();
  }
  const answerP95 = round(p95(answered), 1);
  return {
    id: 'salesbot',
    title: 'Salesbot widget_request',
    figures: {
      runs: RUNS,
      answeredMedianMs: round(median(answered), 1),
      answeredP95Ms: answerP95,
      continuedMedianMs: round(median(continued), 1),
      continued: continued.length,
    },
    rows: [
      {
        group: 'salesbot',
        case: `widget_request answered 200 (p95 of ${String(RUNS)})`,
        figure: `${String(answerP95)} ms`,
        target: `< ${String(KOMMO_WAIT_MS)} ms (Kommo's wait)`,
        verdict: verdict(answerP95 < KOMMO_WAIT_MS),
      },
      {
        group: 'salesbot',
        case: 'run → bot continued (median, 50 ms model)',
        figure: `${String(round(median(continued), 1))} ms, ${String(continued.length)}/${String(RUNS)} continued`,
        target: '—',
        verdict: '—',
      },
    ],
  };
}
