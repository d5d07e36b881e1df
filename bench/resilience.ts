/**
 * Group 4, resilience cost: the 10,000-lead import of group 1 while the sandbox answers 5 % of
 * requests with a 500 and sends a burst of three 429s every few seconds.
 *
 * The import is what a careful user writes: one `createMany` with the documented `reconcile`
 * step (items whose chunk got a 5xx, so Kommo may or may not have written them, are looked up by
 * name; the SDK resends only the absent ones), then, should the SDK still report items
 * `not_sent` or `unknown`, another round for them. At the end the sandbox's own data is counted
 * by name: every lead must exist exactly once.
 */
import {
  BatchError,
  isKommoError,
  type BatchOptions,
  type LeadCreateParams,
  type LeadRef,
} from '../src/index.js';
import {
  rateLimited429s,
  round,
  serverThroughput,
  sleep,
  startRemoteSandbox,
  verdict,
  type GroupResult,
  type RemoteSandbox,
  type Row,
} from './lib.js';
import {
  CHUNK_SIZE,
  IMPORT_LEADS,
  QUIET_MS,
  RATE_LIMIT,
  clientFor,
  describeTuning,
  leadInputs,
  type Tuning,
} from './throughput.js';

const ERROR_RATE = 0.05;
const BURST_429 = 3;
const BURST_EVERY_MS = 3000;
const MAX_ROUNDS = 20;
/** The issue's bar: faults cost at most 30 % more time than the fault-free import. */
const TIME_RATIO_TARGET = 1.3;

export interface ResilienceRun {
  latencyMs: number;
  wallSec: number;
  /** The same import without faults (group 1), seconds. */
  faultFreeWallSec: number;
  /** wallSec ÷ faultFreeWallSec. */
  timeRatio: number;
  ratioOfLimit: number;
  requests: number;
  /** Every 429 the sandbox sent: injected bursts and its rate limit. */
  status429: number;
  /** The 429s its rate limit sent (the client went over 7 per second). */
  status429RateLimit: number;
  status5xx: number;
  /** `createMany` calls needed (1 + resend rounds). */
  rounds: number;
  /** Items reported `unknown` by `createMany` (their chunk got a 5xx). */
  unknown: number;
  /** Of those, found in the account when looked up (so not resent). */
  unknownPresent: number;
  /** Of those, absent when looked up (so resent). */
  unknownAbsent: number;
  /** Items reported `not_sent` and resent. */
  notSentResent: number;
  /** Items handed to `reconcile` (their chunk got a 5xx). */
  reconciled: number;
  /** Items reported `failed` (Kommo refused them): none expected. */
  failed: number;
  /** The error `code`/`writeOutcome` of the failed items, counted. */
  failedCodes: Record<string, number>;
  /** Leads missing from the account at the end. */
  lost: number;
  /** Extra copies of leads in the account at the end. */
  duplicated: number;
  pass: boolean;
}

/** Re-arms the fault rule every few seconds so that 429 bursts keep coming during the import. */
function armFaults(sandbox: RemoteSandbox, latencyMs: number): () => Promise<void> {
  let seed = 1;
  const rule = (): Parameters<RemoteSandbox['setFaults']>[0] => ({
    errorRate: ERROR_RATE,
    errorStatus: 500,
    burst429: BURST_429,
    seed: seed++,
    ...(latencyMs > 0 ? { latencyMs } : {}),
  });
  void sandbox.setFaults(rule());
  const timer = setInterval(() => void sandbox.setFaults(rule()), BURST_EVERY_MS);
  return async () => {
    clearInterval(timer);
    await sandbox.setFaults(latencyMs > 0 ? { latencyMs } : null);
  };
}

async function importWithFaults(
  sandbox: RemoteSandbox,
  latencyMs: number,
  faultFreeWallSec: number,
  tuning: Tuning,
): Promise<ResilienceRun> {
  const prefix = `bench-g4-${latencyMs}-`;
  const inputs = leadInputs(prefix, IMPORT_LEADS);
  const kommo = clientFor(sandbox, tuning);
  let reconciled = 0;
  const batchOptions: BatchOptions<LeadCreateParams, LeadRef> = {
    chunkSize: CHUNK_SIZE,
    ...(tuning.concurrency === undefined ? {} : { concurrency: tuning.concurrency }),
    // The documented caller step for `unknown` items: which of them exist, by name.
    reconcile: async (items) => {
      reconciled += items.length;
      const present = await findByName(
        kommo,
        prefix,
        items.map((item) => item.name ?? ''),
      );
      return items.map((item) => present.get(item.name ?? '') ?? null);
    },
  };
  const done = new Set<number>();
  const unknownEver = new Set<number>();
  let unknownPresent = 0;
  let unknownAbsent = 0;
  let notSentResent = 0;
  let failed = 0;
  const failedCodes: Record<string, number> = {};
  let rounds = 0;

  await sleep(QUIET_MS);
  await sandbox.clearRequests();
  const stopFaults = armFaults(sandbox, latencyMs);
  const started = performance.now();
  try {
    let pending = inputs.map((_, i) => i);
    while (pending.length > 0 && rounds < MAX_ROUNDS) {
      rounds++;
      const batch = pending;
      const unknownNow: number[] = [];
      const retry: number[] = [];
      try {
        await kommo.leads.createMany(
          batch.map((i) => inputs[i]!),
          batchOptions,
        );
        for (const i of batch) done.add(i);
      } catch (error) {
        if (!(error instanceof BatchError)) throw error;
        for (const r of error.results) {
          const i = batch[r.index]!;
          if (r.status === 'applied') done.add(i);
          else if (r.status === 'not_sent') retry.push(i);
          else if (r.status === 'unknown') unknownNow.push(i);
          else {
            failed++;
            const code = `${r.error?.code ?? 'no error'}${r.error?.writeOutcome ? `/${r.error.writeOutcome}` : ''}`;
            failedCodes[code] = (failedCodes[code] ?? 0) + 1;
          }
        }
      }
      notSentResent += retry.length;
      // Unknown: maybe written. Look each one up by name before resending it.
      for (const i of unknownNow) unknownEver.add(i);
      const present = await findByName(
        kommo,
        prefix,
        unknownNow.map((i) => inputs[i]!.name),
      );
      for (const i of unknownNow) {
        if (present.has(inputs[i]!.name ?? '')) {
          unknownPresent++;
          done.add(i);
        } else {
          unknownAbsent++;
          retry.push(i);
        }
      }
      pending = retry.sort((a, b) => a - b);
    }
  } finally {
    await stopFaults();
  }
  const wallSec = (performance.now() - started) / 1000;
  const log = await sandbox.log();
  const stats = await sandbox.stats();
  const counts = await sandbox.namesWithPrefix(prefix);
  let lost = 0;
  let duplicated = 0;
  for (const { name } of inputs) {
    const n = counts[name] ?? 0;
    if (n === 0) lost++;
    if (n > 1) duplicated += n - 1;
  }
  const t = serverThroughput(log);
  return {
    latencyMs,
    wallSec: round(wallSec, 2),
    faultFreeWallSec,
    timeRatio: round(wallSec / faultFreeWallSec, 2),
    ratioOfLimit: t.ratioOfLimit,
    requests: t.requests,
    status429: stats.status429,
    status429RateLimit: rateLimited429s(log),
    status5xx: log.filter((r) => r.status >= 500).length,
    rounds,
    unknown: unknownEver.size,
    unknownPresent,
    unknownAbsent,
    notSentResent,
    reconciled,
    failed,
    failedCodes,
    lost,
    duplicated,
    pass: lost === 0 && duplicated === 0 && failed === 0 && notSentResent === 0,
  };
}

/**
 * Which of `names` exist, through the SDK (`query` searches names): one query per block of 250
 * (names carry their block, `…b7-1803`), so a chunk costs one or two requests. A lookup that
 * meets the injected faults (a 429 burst after a 500 outlasts the retries) is tried again.
 */
async function findByName(
  kommo: ReturnType<typeof clientFor>,
  prefix: string,
  names: readonly string[],
): Promise<Map<string, LeadRef>> {
  const wanted = new Set(names);
  const blocks = new Set(names.map((n) => n.slice(0, n.lastIndexOf('-') + 1)));
  const found = new Map<string, LeadRef>();
  for (const block of blocks) {
    for (let attempt = 1; ; attempt++) {
      try {
        for await (const lead of kommo.leads.list({ query: block, limit: 250 })) {
          if (lead.name?.startsWith(prefix) && wanted.has(lead.name)) found.set(lead.name, lead);
        }
        break;
      } catch (error) {
        if (attempt >= 5 || !isKommoError(error)) throw error;
      }
    }
  }
  return found;
}

export async function runResilience(
  faultFree: ReadonlyMap<number, number>,
  latencies: readonly number[] = [0, 300],
  tuning: Tuning = {},
): Promise<GroupResult & { runs: ResilienceRun[] }> {
  const sandbox = await startRemoteSandbox({ rateLimit: RATE_LIMIT });
  const runs: ResilienceRun[] = [];
  try {
    for (const latencyMs of latencies) {
      await sandbox.reset();
      let baseline = faultFree.get(latencyMs);
      if (baseline === undefined) {
        // Group 1 did not run: measure the fault-free import here.
        if (latencyMs > 0) await sandbox.setFaults({ latencyMs });
        await sleep(QUIET_MS);
        const kommo = clientFor(sandbox, tuning);
        const t0 = performance.now();
        await kommo.leads.createMany(leadInputs(`bench-g4-base-${latencyMs}-`, IMPORT_LEADS), {
          chunkSize: CHUNK_SIZE,
          ...(tuning.concurrency === undefined ? {} : { concurrency: tuning.concurrency }),
        });
        baseline = round((performance.now() - t0) / 1000, 2);
      }
      runs.push(await importWithFaults(sandbox, latencyMs, baseline, tuning));
    }
  } finally {
    await sandbox.close();
  }
  const note = describeTuning(tuning);
  return {
    id: 'resilience',
    title: '4. Resilience cost',
    runs,
    figures: {
      ratioOfLimit: Math.min(...runs.map((r) => r.ratioOfLimit)),
      requests: runs.reduce((sum, r) => sum + r.requests, 0),
      status429: runs.reduce((sum, r) => sum + r.status429, 0),
      lost: runs.reduce((sum, r) => sum + r.lost, 0),
      duplicated: runs.reduce((sum, r) => sum + r.duplicated, 0),
      unknown: runs.reduce((sum, r) => sum + r.unknown, 0),
      runs,
    },
    rows: runs.flatMap((r): Row[] => [
      {
        group: '4',
        case: `import 10,000 leads, 5% 500 + bursts of ${BURST_429}×429 every ${BURST_EVERY_MS / 1000} s, +${r.latencyMs} ms${note}`,
        figure: `${r.wallSec} s = ${r.timeRatio}× fault-free (${r.faultFreeWallSec} s); ratio ${r.ratioOfLimit.toFixed(3)}, ${r.requests} req, ${r.status429}×429 (${r.status429RateLimit} from the limit), ${r.status5xx}×5xx, ${r.rounds} rounds`,
        target: `time ÷ fault-free ≤ ${TIME_RATIO_TARGET}, 1 round`,
        verdict: verdict(r.timeRatio <= TIME_RATIO_TARGET),
      },
      {
        group: '4',
        case: `  same run: leads in the account`,
        figure: `${r.lost} lost, ${r.duplicated} duplicated, ${r.failed} failed${
          r.failed > 0
            ? ` (${Object.entries(r.failedCodes)
                .map(([c, n]) => `${n} ${c}`)
                .join(', ')})`
            : ''
        }; ${r.reconciled} items to reconcile; after the call ${r.unknown} unknown (${r.unknownPresent} present, ${r.unknownAbsent} absent → resent), ${r.notSentResent} not_sent handed back`,
        target: '0 lost, 0 duplicated, 0 not_sent handed back',
        verdict: verdict(r.pass),
      },
    ]),
  };
}
