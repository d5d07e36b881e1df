import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getFieldValue } from 'kommo-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { runKommo, startKommo, tempDir, tokenFile, waitFor } from './support/cli.js';
import { client, sandboxProcess } from './support/sandbox.js';

const ROWS = 2000;
const EXTERNAL_ID = 1_280_101;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** An empty account in its own process, whose lead writes take a while (so some are in flight when the CLI dies). */
async function slowAccount(): Promise<{ args: string[]; url: string; accessToken: string }> {
  const sandbox = await sandboxProcess({
    seed: false,
    rateLimit: false,
    faults: { routes: ['/api/v4/leads'], methods: ['POST'], latencyMs: 150 },
  });
  closers.push(sandbox.close);
  return {
    ...sandbox,
    args: ['--base-url', sandbox.url, '--token-file', tokenFile(tempDir(), sandbox.accessToken)],
  };
}

function csv(): string {
  const file = join(tempDir(), 'leads.csv');
  const rows = Array.from(
    { length: ROWS },
    (_, i) => `${String(1000 + i)},Imported lead ${String(i + 1)},${String(i * 10)}`,
  );
  writeFileSync(file, `id,name,price\n${rows.join('\n')}\n`);
  return file;
}

/** Starts the import and kills it (SIGKILL) once about half of the rows are settled. */
async function killHalfway(args: string[]): Promise<number> {
  const run = startKommo(['import', 'leads', ...args]);
  let done = 0;
  await waitFor(
    () => {
      const all = [...run.output().stderr.matchAll(/import leads: (\d+)\/2000 rows/g)];
      done = Number(all.at(-1)?.[1] ?? 0);
      return done >= ROWS / 2;
    },
    'half of the rows',
    90_000,
  );
  run.child.kill('SIGKILL');
  const result = await run.done;
  expect(result.signal).toBe('SIGKILL');
  return done;
}

describe('a job killed midway', () => {
  it('resumed with a key field, ends with every row exactly once in the account', async () => {
    const account = await slowAccount();
    const file = csv();
    const args = [file, '--key-field', 'EXTERNAL_ID', ...account.args];
    const killedAt = await killHalfway(args);
    expect(killedAt).toBeLessThan(ROWS);
    const journal = readFileSync(`${file}.checkpoint`, 'utf8');
    expect(journal).not.toContain('"finished"');

    const resumed = await runKommo(['import', 'leads', ...args, '--json']);
    expect(resumed.stderr).toContain('resuming');
    // Two chunks are in flight at almost any moment: the killed job left some unknown, and the
    // resumed one looked them up by key before sending the absent ones.
    expect(resumed.stderr).toMatch(
      /looking up [1-9]\d* row\(s\) of unknown outcome by EXTERNAL_ID/,
    );
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(resumed.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      rows: ROWS,
      applied: ROWS,
      failed: 0,
      unknown: 0,
      resumed: true,
      duplicate_keys: [],
    });

    const leads = await client(account.url, account.accessToken)
      .leads.list()
      .toArray({ max: 10_000 });
    const keys = leads.map((lead) => getFieldValue(lead, EXTERNAL_ID) as string);
    expect(leads).toHaveLength(ROWS);
    expect(new Set(keys).size).toBe(ROWS);
    expect(new Set(keys)).toEqual(
      new Set(Array.from({ length: ROWS }, (_, i) => String(1000 + i))),
    );
  });

  it('resumed without a key field, reports the rows of unknown outcome instead of sending them twice', async () => {
    const account = await slowAccount();
    const file = csv();
    await killHalfway([file, ...account.args]);
    const lines = readFileSync(`${file}.checkpoint`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; chunk?: number });
    const settled = new Set(lines.filter((l) => l.type === 'settled').map((l) => l.chunk));
    const inFlight = lines.filter((l) => l.type === 'sent' && !settled.has(l.chunk));

    const resumed = await runKommo(['import', 'leads', ...[file, ...account.args], '--json']);
    const summary = JSON.parse(resumed.stdout) as {
      unknown: number;
      applied: number;
      report: string | null;
    };
    const unknown = inFlight.length * 50;
    expect(unknown).toBeGreaterThan(0);
    expect(summary.unknown).toBe(unknown);
    expect(summary.applied).toBe(ROWS - unknown);
    expect(resumed.code).toBe(1);
    expect(summary.report).toBe(`${file}.report.ndjson`);
    const report = readFileSync(`${file}.report.ndjson`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status: string });
    expect(report.map((r) => r.status)).toEqual(Array.from({ length: unknown }, () => 'unknown'));

    const names = (
      await client(account.url, account.accessToken).leads.list().toArray({ max: 10_000 })
    ).map((l) => l.name);
    // Nothing twice; the unknown rows are there or not, but never resent.
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(ROWS - unknown);
    expect(names.length).toBeLessThanOrEqual(ROWS);
  });

  it('an export killed midway continues from its checkpoint, every lead once', async () => {
    const sandbox = await sandboxProcess({
      seed: { leads: 3000 },
      rateLimit: false,
      faults: { routes: ['/api/v4/leads'], methods: ['GET'], latencyMs: 300 },
    });
    closers.push(sandbox.close);
    const args = [
      '--base-url',
      sandbox.url,
      '--token-file',
      tokenFile(tempDir(), sandbox.accessToken),
    ];
    const dir = tempDir();
    const out = join(dir, 'leads.ndjson');
    const run = startKommo(['export', 'leads', '--out', out, ...args]);
    await waitFor(
      () => /export leads: (1[0-9]{3}|[2-9][0-9]{3}) rows/.test(run.output().stderr),
      'a third of the leads',
    );
    run.child.kill('SIGKILL');
    await run.done;
    const checkpoint = JSON.parse(readFileSync(`${out}.checkpoint.json`, 'utf8')) as {
      rows: number;
    };
    expect(checkpoint.rows).toBeGreaterThan(0);
    expect(checkpoint.rows).toBeLessThan(3000);

    const resumed = await runKommo(['export', 'leads', '--out', out, ...args]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(
      `resuming the export after page ${String(checkpoint.rows / 250)}`,
    );
    const ids = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { id: number }).id);
    expect(ids).toHaveLength(3000);
    expect(new Set(ids).size).toBe(3000);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });
});
