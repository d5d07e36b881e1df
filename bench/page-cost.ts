/**
 * Group 2, per-page cost: the SDK's `list` of one 250-lead page (request, parse, validate)
 * against a raw `fetch` + `JSON.parse` of the same page, limiter off. CPU time of this process
 * (`process.cpuUsage()`, user + system) over many iterations, the two interleaved in rounds so
 * that background load hits both alike; the server runs in a child process, so its own work
 * is not counted. Then the parse and the validation alone, on the same body, without I/O.
 *
 * Two pages: the sandbox's seeded leads, and the worst case, 250 leads of 16 custom fields
 * each (`test/fixtures/pages.ts`, served by `bench/page-child.ts`).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Kommo } from '../src/index.js';
import { parseResponse } from '../src/core/schema.js';
import { LeadCollectionSchema } from '../src/schemas/lead.js';
import {
  cpuMsSince,
  median,
  round,
  startRemoteSandbox,
  tsExecArgv,
  verdict,
  type GroupResult,
  type Row,
} from './lib.js';

/** Issue 15's gate (its target is 1.2×). */
const TARGET_RATIO = 1.35;
const ROUNDS = 16;
const PER_ROUND = 15;
const WARMUP = 20;

interface PageCost {
  sdkCpuMsPerPage: number;
  rawCpuMsPerPage: number;
  /** The SDK with `validateResponses: false`: request pipeline (ky, retries, parsing) only. */
  sdkUnvalidatedCpuMsPerPage: number;
  transportOverheadMsPerPage: number;
  validationInFlowMsPerPage: number;
  cpuRatio: number;
  jsonParseMsPerPage: number;
  validateMsPerPage: number;
  validateUsPerLead: number;
  pageBytes: number;
  iterations: number;
  pass: boolean;
}

/** Measures one page served at `baseUrl` (any token is accepted by the page server). */
async function measure(baseUrl: string, accessToken: string): Promise<PageCost> {
  const kommo = new Kommo({ baseUrl, accessToken, rateLimit: false });
  // The same client without validation: splits the gap into transport and validation.
  const unvalidated = new Kommo({
    baseUrl,
    accessToken,
    rateLimit: false,
    validateResponses: false,
  });
  const url = `${baseUrl}/api/v4/leads?page=1&limit=250`;
  const headers = { authorization: `Bearer ${accessToken}` };

  const viaSdk = async (): Promise<number> => (await kommo.leads.list({ limit: 250 })).items.length;
  const viaSdkUnvalidated = async (): Promise<number> =>
    (await unvalidated.leads.list({ limit: 250 })).items.length;
  const viaFetch = async (): Promise<number> => {
    const response = await fetch(url, { headers });
    const body = JSON.parse(await response.text()) as { _embedded: { leads: unknown[] } };
    return body._embedded.leads.length;
  };
  const timed = async (fn: () => Promise<number>, n: number): Promise<number> => {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) if ((await fn()) !== 250) throw new Error('short page');
    return cpuMsSince(start) / n;
  };

  // Warm up: JIT, the compiled checks, the keep-alive connection.
  await timed(viaSdk, WARMUP);
  await timed(viaSdkUnvalidated, WARMUP);
  await timed(viaFetch, WARMUP);
  const sdk: number[] = [];
  const sdkUnvalidated: number[] = [];
  const raw: number[] = [];
  const order = [
    () => timed(viaSdk, PER_ROUND).then((ms) => sdk.push(ms)),
    () => timed(viaSdkUnvalidated, PER_ROUND).then((ms) => sdkUnvalidated.push(ms)),
    () => timed(viaFetch, PER_ROUND).then((ms) => raw.push(ms)),
  ];
  for (let r = 0; r < ROUNDS; r++) {
    // Rotate which goes first so that none always follows another's garbage.
    for (let k = 0; k < order.length; k++) await order[(r + k) % order.length]!();
  }
  const sdkMs = median(sdk);
  const unvalidatedMs = median(sdkUnvalidated);
  const rawMs = median(raw);
  // The median of each round's own ratio: the two sides of a round ran under the same load,
  // which a ratio of the overall medians would not guarantee on a shared machine.
  const ratio = median(sdk.map((ms, r) => ms / raw[r]!));

  // Parse and validation alone, on the same page body.
  const text = await (await fetch(url, { headers })).text();
  const parseOnly = (): unknown => JSON.parse(text);
  const parseAndValidate = (): unknown =>
    parseResponse(LeadCollectionSchema, JSON.parse(text), { what: 'leads', validate: true });
  const cpuPer = (fn: () => unknown, n: number): number => {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) fn();
    return cpuMsSince(start) / n;
  };
  cpuPer(parseAndValidate, 20);
  const parses: number[] = [];
  const totals: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    parses.push(cpuPer(parseOnly, PER_ROUND));
    totals.push(cpuPer(parseAndValidate, PER_ROUND));
  }
  const parseMs = median(parses);
  const validateMs = Math.max(0, median(totals) - parseMs);
  return {
    sdkCpuMsPerPage: round(sdkMs, 2),
    rawCpuMsPerPage: round(rawMs, 2),
    sdkUnvalidatedCpuMsPerPage: round(unvalidatedMs, 2),
    transportOverheadMsPerPage: round(unvalidatedMs - rawMs, 2),
    validationInFlowMsPerPage: round(sdkMs - unvalidatedMs, 2),
    cpuRatio: round(ratio, 2),
    jsonParseMsPerPage: round(parseMs, 2),
    validateMsPerPage: round(validateMs, 2),
    validateUsPerLead: round((validateMs / 250) * 1000, 1),
    pageBytes: Buffer.byteLength(text),
    iterations: ROUNDS * PER_ROUND,
    pass: ratio <= TARGET_RATIO,
  };
}

function rows(label: string, f: PageCost): Row[] {
  return [
    {
      group: '2',
      case: `list() of ${label} vs fetch + JSON.parse (${Math.round(f.pageBytes / 1024)} KiB), limiter off`,
      figure: `CPU ${f.sdkCpuMsPerPage} vs ${f.rawCpuMsPerPage} ms/page = ${f.cpuRatio}×`,
      target: `≤ ${TARGET_RATIO}× (target 1.2×)`,
      verdict: verdict(f.pass),
    },
    {
      group: '2',
      case: '  gap split: SDK with validateResponses false',
      figure: `${f.sdkUnvalidatedCpuMsPerPage} ms/page: request pipeline +${f.transportOverheadMsPerPage} ms, validation +${f.validationInFlowMsPerPage} ms`,
      target: 'reported',
      verdict: '—',
    },
    {
      group: '2',
      case: '  parse / validate alone (same body, no I/O)',
      figure: `JSON.parse ${f.jsonParseMsPerPage} ms, validate ${f.validateMsPerPage} ms (${f.validateUsPerLead} µs/lead)`,
      target: 'reported',
      verdict: '—',
    },
  ];
}

/** Starts `bench/page-child.ts` and resolves with its URL and a way to stop it. */
async function startRichPageServer(): Promise<{ url: string; close: () => void }> {
  const child = fork(fileURLToPath(new URL('./page-child.ts', import.meta.url)), [], {
    execArgv: tsExecArgv(),
    stdio: 'inherit',
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve(message as number));
    child.once('exit', (code) => reject(new Error(`page server exited (${String(code)})`)));
  });
  return { url: `http://127.0.0.1:${port}`, close: () => child.kill() };
}

export async function runPageCost(): Promise<GroupResult> {
  const sandbox = await startRemoteSandbox({ seed: { leads: 1000 }, rateLimit: false });
  let seeded: PageCost;
  try {
    seeded = await measure(sandbox.url, sandbox.accessToken);
  } finally {
    await sandbox.close();
  }
  const server = await startRichPageServer();
  let rich: PageCost;
  try {
    rich = await measure(server.url, 'bench-token-0123456789');
  } finally {
    server.close();
  }
  return {
    id: 'pageCost',
    title: '2. Per-page cost',
    figures: { ...seeded, customFields16: rich },
    rows: [
      ...rows('a 250-lead page (sandbox)', seeded),
      ...rows('250 leads of 16 custom fields', rich),
    ],
  };
}
