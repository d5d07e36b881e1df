/**
 * Group 2, per-page cost: the SDK's `list` of one 250-lead page (request, parse, validate)
 * against a raw `fetch` + `JSON.parse` of the same page, limiter off. CPU time of this process
 * (`process.cpuUsage()`, user + system) over many iterations, the two interleaved in rounds so
 * that background load hits both alike; the sandbox runs in a child process, so its own work
 * is not counted. Then the parse and the validation alone, on the same body, without I/O.
 */
import { Kommo } from '../src/index.js';
import { parseResponse } from '../src/core/schema.js';
import { LeadCollectionSchema } from '../src/schemas/lead.js';
import { cpuMsSince, median, round, startRemoteSandbox, verdict, type GroupResult } from './lib.js';

const TARGET_RATIO = 1.3;
const ROUNDS = 12;
const PER_ROUND = 15;
const WARMUP = 20;

export async function runPageCost(): Promise<GroupResult> {
  const sandbox = await startRemoteSandbox({ seed: { leads: 1000 }, rateLimit: false });
  try {
    const kommo = new Kommo({
      baseUrl: sandbox.url,
      accessToken: sandbox.accessToken,
      rateLimit: false,
    });
    // The same client without validation: splits the gap into transport and validation.
    const unvalidated = new Kommo({
      baseUrl: sandbox.url,
      accessToken: sandbox.accessToken,
      rateLimit: false,
      validateResponses: false,
    });
    const url = `${sandbox.url}/api/v4/leads?page=1&limit=250`;
    const headers = { authorization: `Bearer ${sandbox.accessToken}` };

    const viaSdk = async (): Promise<number> =>
      (await kommo.leads.list({ limit: 250 })).items.length;
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

    // Warm up: JIT, zod's compiled validators, the keep-alive connection.
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
    const ratio = sdkMs / rawMs;

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
    const pass = ratio <= TARGET_RATIO;
    const figures = {
      sdkCpuMsPerPage: round(sdkMs, 2),
      rawCpuMsPerPage: round(rawMs, 2),
      /** The SDK with `validateResponses: false`: request pipeline (ky, retries, parsing) only. */
      sdkUnvalidatedCpuMsPerPage: round(unvalidatedMs, 2),
      transportOverheadMsPerPage: round(unvalidatedMs - rawMs, 2),
      validationInFlowMsPerPage: round(sdkMs - unvalidatedMs, 2),
      cpuRatio: round(ratio, 2),
      jsonParseMsPerPage: round(parseMs, 2),
      validateMsPerPage: round(validateMs, 2),
      validateUsPerLead: round((validateMs / 250) * 1000, 1),
      pageBytes: Buffer.byteLength(text),
      iterations: ROUNDS * PER_ROUND,
      pass,
    };
    return {
      id: 'pageCost',
      title: '2. Per-page cost',
      figures,
      rows: [
        {
          group: '2',
          case: `list() of a 250-lead page vs fetch + JSON.parse (${Math.round(figures.pageBytes / 1024)} KiB), limiter off`,
          figure: `CPU ${figures.sdkCpuMsPerPage} vs ${figures.rawCpuMsPerPage} ms/page = ${figures.cpuRatio}×`,
          target: `≤ ${TARGET_RATIO}×`,
          verdict: verdict(pass),
        },
        {
          group: '2',
          case: '  gap split: SDK with validateResponses false',
          figure: `${figures.sdkUnvalidatedCpuMsPerPage} ms/page: request pipeline +${figures.transportOverheadMsPerPage} ms, validation +${figures.validationInFlowMsPerPage} ms`,
          target: 'reported',
          verdict: '—',
        },
        {
          group: '2',
          case: '  parse / validate alone (same body, no I/O)',
          figure: `JSON.parse ${figures.jsonParseMsPerPage} ms, validate ${figures.validateMsPerPage} ms (${figures.validateUsPerLead} µs/lead)`,
          target: 'reported',
          verdict: '—',
        },
      ],
    };
  } finally {
    await sandbox.close();
  }
}
