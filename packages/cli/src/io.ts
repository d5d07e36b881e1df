/**
 * What every command shares: exit codes, the errors that choose them, colours (only on a
 * terminal, never with `NO_COLOR`), and the streams a command writes to.
 *
 * @module
 */

import type { Readable } from 'node:stream';
import { ConfigurationError, isKommoError, KommoApiError, RequestValidationError } from 'kommo-sdk';

/** The exit codes, documented in docs/cli.md. */
export const EXIT = {
  /** It worked. */
  ok: 0,
  /** It failed: Kommo refused, the network failed, rows were rejected, a check found changes. */
  failure: 1,
  /** The command line (or the configuration it names) is wrong: nothing was sent. */
  usage: 2,
} as const;

/** A wrong command line: unknown entity, bad flag value, missing argument. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A failure with a message meant for the user as it is. Exit code 1 unless told. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}

/** A writable stream as commands see it. */
export interface OutStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

/** The streams and environment of one run (process.* in the bin; fakes in tests). */
export interface Io {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly stdin: Readable & { isTTY?: boolean | undefined };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process's own streams and variables. */
export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

type Paint = (text: string) => string;

/** Colour functions for one stream: identities unless it is a terminal and `NO_COLOR` is unset. */
export interface Palette {
  readonly enabled: boolean;
  readonly red: Paint;
  readonly green: Paint;
  readonly yellow: Paint;
  readonly dim: Paint;
  readonly bold: Paint;
}

const sgr =
  (open: number, close: number): Paint =>
  (text) =>
    `\u001b[${String(open)}m${text}\u001b[${String(close)}m`;

/**
 * The palette of a stream. Four SGR codes do not need a library; the rule that matters is
 * https://no-color.org: any non-empty `NO_COLOR` turns colours off, and so does a pipe.
 */
export function palette(stream: OutStream, env: Io['env']): Palette {
  const noColor = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '';
  const enabled = stream.isTTY === true && !noColor && env['TERM'] !== 'dumb';
  const id: Paint = (text) => text;
  return {
    enabled,
    red: enabled ? sgr(31, 39) : id,
    green: enabled ? sgr(32, 39) : id,
    yellow: enabled ? sgr(33, 39) : id,
    dim: enabled ? sgr(2, 22) : id,
    bold: enabled ? sgr(1, 22) : id,
  };
}

/** Writes one JSON value on stdout (two-space indent, trailing newline): `--json` and `request`. */
export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * The message and exit code of an error thrown by a command. Kommo's refusals carry the status,
 * Kommo's own wording and the request id; validation errors list their paths. Tokens never
 * appear: the SDK's messages are redacted already.
 */
export function describeError(error: unknown): { message: string; exitCode: number } {
  if (error instanceof UsageError) return { message: error.message, exitCode: EXIT.usage };
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof ConfigurationError) return { message: error.message, exitCode: EXIT.usage };
  if (error instanceof RequestValidationError) {
    const issues = error.issues
      .slice(0, 10)
      .map((i) => `  ${i.path.length > 0 ? i.path.join('.') : '(input)'}: ${i.message}`);
    return { message: [error.message, ...issues].join('\n'), exitCode: EXIT.usage };
  }
  if (error instanceof KommoApiError) {
    const lines = [error.message];
    for (const v of error.validationErrors.slice(0, 10))
      for (const e of v.errors) lines.push(`  ${e.path}: ${e.code} ${e.detail}`);
    if (error.requestId) lines.push(`  request id: ${error.requestId}`);
    return { message: lines.join('\n'), exitCode: EXIT.failure };
  }
  if (isKommoError(error)) return { message: error.message, exitCode: EXIT.failure };
  if (error instanceof Error) return { message: error.message, exitCode: EXIT.failure };
  return { message: String(error), exitCode: EXIT.failure };
}

/** Reads all of stdin as text. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
