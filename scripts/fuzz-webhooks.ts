/**
 * The webhook fuzz campaign (`npm run fuzz`): 100,000 generated `parseWebhook` inputs plus
 * smaller `verifyWebhook` and handler runs, with a fixed seed, against the promise that every
 * input gives a result or a typed error and leaves the prototypes alone.
 *
 * Options (flags win over the environment):
 *   --seed N      / FUZZ_SEED    the seed (default 13)
 *   --runs N      / FUZZ_RUNS    parseWebhook inputs (default 100000)
 *   --verify N    / FUZZ_VERIFY  verifyWebhook cases (default runs / 10)
 *   --handler N   / FUZZ_HANDLER createWebhookHandler bodies (default runs / 20)
 *
 * Every failure is tallied by category; then the first one is shrunk by fast-check, which
 * prints the seed, the path and the smallest counterexample. Exit code 1 on any failure.
 */
import fc from 'fast-check';
import {
  builtinKeySweep,
  checkHandler,
  checkParse,
  checkVerify,
  handlerBody,
  parseCase,
  verifyCase,
  type Failure,
} from '../test/webhooks/fuzz-inputs.js';

function option(flag: string, env: string, fallback: number): number {
  const i = process.argv.indexOf(flag);
  const raw = i === -1 ? process.env[env] : process.argv[i + 1];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${flag} must be a whole number`);
  return n;
}

const seed = option('--seed', 'FUZZ_SEED', 13);
const runs = option('--runs', 'FUZZ_RUNS', 100_000);
const verifyRuns = option('--verify', 'FUZZ_VERIFY', Math.round(runs / 10));
const handlerRuns = option('--handler', 'FUZZ_HANDLER', Math.round(runs / 20));

console.log(
  `webhook fuzz: seed ${String(seed)}, ${String(runs)} parse inputs, ${String(verifyRuns)} verify cases, ${String(handlerRuns)} handler bodies`,
);

interface Tally {
  inputs: number;
  failures: Map<string, { count: number; example: string }>;
  families: Map<string, number>;
}

function record(tally: Tally, failure: Failure | undefined, family: string): void {
  tally.inputs++;
  tally.families.set(family, (tally.families.get(family) ?? 0) + 1);
  if (failure === undefined) return;
  const key = `[${family}] ${failure.category}`;
  const entry = tally.failures.get(key) ?? { count: 0, example: failure.detail };
  entry.count++;
  tally.failures.set(key, entry);
}

function report(name: string, tally: Tally, ms: number): number {
  const families = [...tally.families].map(([f, n]) => `${f} ${String(n)}`).join(', ');
  console.log(
    `\n${name}: ${String(tally.inputs)} inputs in ${(ms / 1000).toFixed(1)} s (${families})`,
  );
  let total = 0;
  for (const [category, { count, example }] of [...tally.failures].sort(
    (a, b) => b[1].count - a[1].count,
  )) {
    total += count;
    console.log(
      `  FAIL ${String(count)} × ${category}\n      e.g. ${example.split('\n')[0] ?? ''}`,
    );
  }
  if (total === 0) console.log('  no failures');
  return total;
}

const newTally = (): Tally => ({ inputs: 0, failures: new Map(), families: new Map() });
let failed = 0;

// 1. parseWebhook: the deterministic sweep of built-in names at every depth, then random inputs.
{
  const tally = newTally();
  const started = performance.now();
  for (const body of builtinKeySweep()) record(tally, checkParse(body), 'builtin-sweep');
  fc.assert(
    fc.property(parseCase, ({ family, input }) => {
      record(tally, checkParse(input), family);
    }),
    { seed, numRuns: runs },
  );
  const count = report('parseWebhook', tally, performance.now() - started);
  if (count > 0) {
    failed += count;
    shrink(() =>
      fc.assert(
        fc.property(parseCase, ({ input }) => checkParse(input) === undefined),
        { seed, numRuns: runs },
      ),
    );
  }
}

// 2. verifyWebhook on every scheme, with hostile URLs, headers and bodies.
if (verifyRuns > 0) {
  const tally = newTally();
  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(verifyCase, async (c) => {
      record(tally, await checkVerify(c), c.scheme);
    }),
    { seed, numRuns: verifyRuns },
  );
  const count = report('verifyWebhook', tally, performance.now() - started);
  if (count > 0) {
    failed += count;
    await shrinkAsync(() =>
      fc.assert(
        fc.asyncProperty(verifyCase, async (c) => (await checkVerify(c)) === undefined),
        { seed, numRuns: verifyRuns },
      ),
    );
  }
}

// 3. createWebhookHandler: statuses and what onError receives.
if (handlerRuns > 0) {
  const tally = newTally();
  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(handlerBody, async (body) => {
      record(tally, await checkHandler(body), 'handler');
    }),
    { seed, numRuns: handlerRuns },
  );
  const count = report('createWebhookHandler', tally, performance.now() - started);
  if (count > 0) {
    failed += count;
    await shrinkAsync(() =>
      fc.assert(
        fc.asyncProperty(handlerBody, async (body) => (await checkHandler(body)) === undefined),
        { seed, numRuns: handlerRuns },
      ),
    );
  }
}

function shrink(run: () => void): void {
  try {
    run();
  } catch (error) {
    console.log(`\nShrunk counterexample (seed ${String(seed)}):\n${String(error).slice(0, 4000)}`);
  }
}

async function shrinkAsync(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    console.log(`\nShrunk counterexample (seed ${String(seed)}):\n${String(error).slice(0, 4000)}`);
  }
}

if (failed > 0) {
  console.log(`\n${String(failed)} failing inputs (seed ${String(seed)})`);
  process.exitCode = 1;
} else {
  console.log(`\nall inputs gave a result or a typed error (seed ${String(seed)})`);
}
