/**
 * Progress of a long job on stderr: a bar on a terminal (cli-progress), plain lines otherwise
 * (at most two a second, and always the last one), so logs and tests can read it. The bar
 * has no colours (the shades preset), so NO_COLOR has nothing to turn off.
 *
 * @module
 */

import cliProgress from 'cli-progress';
import type { Io } from '../io.js';

/** The counters a job reports (the same names as the SDK's coming batch `onProgress`). */
export interface JobProgress {
  /** Rows in the job (undefined while unknown: an export). */
  total: number | undefined;
  /** Rows whose outcome is settled. */
  done: number;
  applied: number;
  failed: number;
  notSent: number;
  unknown: number;
}

/** Shows progress; `stop()` prints the last state. */
export interface ProgressView {
  update(p: JobProgress): void;
  stop(): void;
}

/**
 * A progress view for `label` (`import leads`). Without a total (an export: Kommo does not
 * count), it shows rows so far.
 */
export function progressView(
  io: Io,
  label: string,
  counting: 'outcomes' | 'rows' = 'outcomes',
): ProgressView {
  if (io.stderr.isTTY === true && io.env['TERM'] !== 'dumb') {
    const bar = new cliProgress.SingleBar(
      {
        format:
          counting === 'rows'
            ? `${label}: {value} rows | {duration_formatted}`
            : `${label} {bar} {percentage}% | {value}/{total} rows | applied {applied} failed {failed} unknown {unknown} | {eta_formatted}`,
        stream: io.stderr as unknown as NodeJS.WritableStream,
        hideCursor: true,
        clearOnComplete: false,
        barsize: 24,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        const payload = { applied: p.applied, failed: p.failed, unknown: p.unknown };
        if (!started) {
          bar.start(p.total ?? 0, p.done, payload);
          started = true;
        } else {
          if (p.total !== undefined) bar.setTotal(p.total);
          bar.update(p.done, payload);
        }
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let lastAt = 0;
  let pending: JobProgress | undefined;
  const line = (p: JobProgress): void => {
    const of = p.total === undefined ? '' : `/${String(p.total)}`;
    if (counting === 'rows') {
      io.stderr.write(`${label}: ${String(p.done)} rows\n`);
      return;
    }
    io.stderr.write(
      `${label}: ${String(p.done)}${of} rows (applied ${String(p.applied)}, failed ${String(p.failed)}, unknown ${String(p.unknown)}, to send ${String(p.notSent)})\n`,
    );
  };
  return {
    update(p) {
      pending = p;
      const now = Date.now();
      if (now - lastAt >= 500) {
        lastAt = now;
        line(p);
        pending = undefined;
      }
    },
    stop() {
      if (pending) line(pending);
    },
  };
}
