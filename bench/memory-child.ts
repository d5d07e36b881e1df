/**
 * Group 3's client, in its own process with `--expose-gc` so the baseline is a collected heap:
 * walks every lead of the sandbox with `for await` and samples the heap after each page.
 * Forked by `bench/memory.ts` with the sandbox's URL and token; answers over IPC.
 */
import { Kommo } from '../src/index.js';

const [url, accessToken, expectedText] = process.argv.slice(2);
const expected = Number(expectedText);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !url || !accessToken) throw new Error('run with --expose-gc, a URL and a token');

const heap = (): number => process.memoryUsage().heapUsed;
const kommo = new Kommo({ baseUrl: url, accessToken, rateLimit: false });
// Baseline: the client exists and the code is loaded; one small request warms the HTTP stack.
await kommo.leads.list({ limit: 1 });
gc();
gc();
const baseline = heap();
let peak = baseline;
let count = 0;
let idSum = 0;
const samples: number[] = [];
const started = performance.now();
for await (const lead of kommo.leads.list({ limit: 250 })) {
  count++;
  idSum += lead.id;
  if (count % 250 === 0) {
    const h = heap();
    if (h > peak) peak = h;
    // Every 10,000 leads, collect and note the live heap: growth that persists shows as a
    // slope here, while the peak above also holds garbage not yet collected.
    if (count % 10_000 === 0) {
      gc();
      samples.push(heap());
    }
  }
}
const wallSec = (performance.now() - started) / 1000;
const endBeforeGc = heap();
gc();
gc();
const retained = heap();
process.send?.({
  expected,
  count,
  idSum,
  wallSec,
  baseline,
  peak,
  endBeforeGc,
  retained,
  samples,
});
process.disconnect?.();
