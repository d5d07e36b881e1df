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

let failed = 0;

/**
 * Runs one campaign: every input is checked and tallied (the run never stops early), then,
 * if anything failed, the same seed runs again so fast-check shrinks the first failure.
 */
async function campaign<T>(
  name: string,
  arbitrary: fc.Arbitrary<T>,
  numRuns: number,
  check: (value: T) => Failure | undefined | Promise<Failure | undefined>,
  family: (value: T) => string,
  before: Array<[T, string]> = [],
): Promise<void> {
  if (numRuns === 0 && before.length === 0) return;
  const tally: Tally = { inputs: 0, failures: new Map(), families: new Map() };
  const started = performance.now();
  for (const [value, label] of before) record(tally, await check(value), label);
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      record(tally, await check(value), family(value));
    }),
    { seed, numRuns },
  );
  const count = report(name, tally, performance.now() - started);
  if (count === 0) return;
  failed += count;
  try {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (value) => (await check(value)) === undefined),
      { seed, numRuns },
    );
  } catch (error) {
    const text = String(error).slice(0, 4000);
    console.log(`\nShrunk counterexample (seed ${String(seed)}):\n${text}`);
  }
}

// 1. parseWebhook: the deterministic sweep of built-in names at every depth, then random inputs.
await campaign(
  'parseWebhook',
  parseCase,
  runs,
  (c) => checkParse(c.input),
  (c) => c.family,
  builtinKeySweep().map((body) => [{ family: 'builtin-sweep', input: body }, 'builtin-sweep']),
);
// 2. verifyWebhook on every scheme, with hostile URLs, headers and bodies.
await campaign('verifyWebhook', verifyCase, verifyRuns, checkVerify, (c) => c.scheme);
// 3. createWebhookHandler: statuses and what onError receives.
await campaign('createWebhookHandler', handlerBody, handlerRuns, checkHandler, () => 'handler');

if (failed > 0) {
  console.log(`\n${String(failed)} failing inputs (seed ${String(seed)})`);
  process.exitCode = 1;
} else {
  console.log(`\nall inputs gave a result or a typed error (seed ${String(seed)})`);
}
