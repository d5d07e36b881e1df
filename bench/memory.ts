/**
 * Group 3, memory: a `for await` walk of 100,000 leads (400 pages of 250), readAhead at its
 * default, limiter off. The walk runs in a child process started with `--expose-gc` (the
 * baseline is a collected heap) and the sandbox in another, so only the client's heap is
 * measured. Peak = the highest `heapUsed` seen after each page, garbage included; live = the
 * heap after a forced collection every 10,000 leads (a leak shows as a slope there); retained =
 * after a forced collection at the end.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { round, root, startRemoteSandbox, tsExecArgv, verdict, type GroupResult } from './lib.js';

const LEADS = 100_000;
const TARGET_MB = 30;
const MB = 1024 * 1024;

interface ChildReport {
  count: number;
  idSum: number;
  wallSec: number;
  baseline: number;
  peak: number;
  endBeforeGc: number;
  retained: number;
  samples: number[];
}

export async function runMemory(): Promise<GroupResult> {
  const sandbox = await startRemoteSandbox({ seed: { leads: LEADS }, rateLimit: false });
  try {
    const child = fork(
      fileURLToPath(new URL('./memory-child.ts', import.meta.url)),
      [sandbox.url, sandbox.accessToken, String(LEADS)],
      { cwd: root, execArgv: tsExecArgv(['--expose-gc']), stdio: 'inherit' },
    );
    const report = await new Promise<ChildReport>((resolve, reject) => {
      child.once('message', (m) => resolve(m as ChildReport));
      child.once('exit', (code) => reject(new Error(`memory child exited (${String(code)})`)));
    });
    const peakGrowthMB = (report.peak - report.baseline) / MB;
    const retainedGrowthMB = (report.retained - report.baseline) / MB;
    const pass = report.count === LEADS && peakGrowthMB <= TARGET_MB;
    const figures = {
      leads: report.count,
      wallSec: round(report.wallSec, 1),
      baselineMB: round(report.baseline / MB, 1),
      peakGrowthMB: round(peakGrowthMB, 1),
      retainedGrowthMB: round(retainedGrowthMB, 2),
      liveHeapAfterGcEvery10kLeadsMB: report.samples.map((s) =>
        round((s - report.baseline) / MB, 1),
      ),
      pass,
    };
    return {
      id: 'memory',
      title: '3. Memory',
      figures,
      rows: [
        {
          group: '3',
          case: `for await over ${LEADS.toLocaleString('en')} leads, pages of 250, limiter off`,
          figure: `peak heap +${figures.peakGrowthMB} MB over baseline (${figures.baselineMB} MB); live after GC every 10k: ${figures.liveHeapAfterGcEvery10kLeadsMB.join(' ')} MB; +${figures.retainedGrowthMB} MB retained at the end; ${report.count} leads in ${figures.wallSec} s`,
          target: `peak ≤ +${TARGET_MB} MB`,
          verdict: verdict(pass),
        },
      ],
    };
  } finally {
    await sandbox.close();
  }
}
