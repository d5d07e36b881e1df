/**
 * The `kommo` program: commander wiring, the account flags on every command that talks to an
 * account, and the mapping of errors to exit codes (0 ok, 1 failure, 2 usage).
 *
 * @module
 */

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  ACCOUNT_OPTIONS,
  connectAccount,
  type AccountConnection,
  type AccountFlags,
  type AccountOptionName,
  type AccountOptionSpec,
} from './account.js';
import { describeError, EXIT, palette, type Io } from './io.js';
import { VERSION } from './version.js';

/** What a command's action gets besides its arguments. */
export interface CommandContext {
  readonly io: Io;
  /** Connects with the command's account flags (call `close()` when done). */
  connect(): Promise<AccountConnection>;
  /** The command's account flags as given. */
  readonly account: AccountFlags;
  /** Prints a warning on stderr (yellow on a terminal). */
  warn(message: string): void;
  /** Prints a progress or status line on stderr (dim on a terminal). */
  note(message: string): void;
}

const CAMEL: Record<AccountOptionName, string> = {
  domain: 'domain',
  'base-url': 'baseUrl',
  'token-file': 'tokenFile',
  token: 'token',
  store: 'store',
  'client-id': 'clientId',
  'client-secret-file': 'clientSecretFile',
  'redirect-uri': 'redirectUri',
  sandbox: 'sandbox',
};

/** Adds account flags (all of them, or the named ones) to a command. */
export function addAccountOptions(
  command: Command,
  names: readonly AccountOptionName[] = Object.keys(ACCOUNT_OPTIONS) as AccountOptionName[],
): Command {
  for (const name of names) {
    const spec: AccountOptionSpec = ACCOUNT_OPTIONS[name];
    const flags = `--${name}${spec.valueName ? ` ${spec.valueName}` : ''}`;
    command.addOption(new Option(flags, `${spec.description}${spec.env ? ` [${spec.env}]` : ''}`));
  }
  return command;
}

/** The account flags out of commander's (camelCase) option values. */
function accountFlagsOf(options: Record<string, unknown>): AccountFlags {
  const flags: Record<string, unknown> = {};
  for (const name of Object.keys(CAMEL) as AccountOptionName[]) {
    const value = options[CAMEL[name]];
    if (value !== undefined) flags[name] = value;
  }
  return flags;
}

/** Repeatable option values (`--query a=1 --query b=2`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Parses a positive integer option. */
export function positiveInt(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`--${name} must be an integer from 1 to ${String(max)}.`);
    return n;
  };
}

/** An action: the context, then commander's arguments; resolves with the exit code. */
type Action = (ctx: CommandContext, ...args: unknown[]) => Promise<number | undefined>;

/** Turns an {@link Action} into a commander action (context in, exit code out, errors described). */
export type Wrap = (action: Action) => (...args: unknown[]) => Promise<void>;

/** Registers one command on the program. */
export type Register = (program: Command, wrap: Wrap) => void;

/**
 * Builds the program with the given commands and runs it on `argv` (without `node` and the
 * script). Resolves with the exit code: commander's own usage errors (unknown option, missing
 * argument) are 2; `--help` and `--version` are 0.
 */
export async function runProgram(
  io: Io,
  argv: readonly string[],
  commands: readonly Register[],
): Promise<number> {
  const err = palette(io.stderr, io.env);
  let exitCode: number = EXIT.ok;
  const program = new Command('kommo')
    .description(
      'The Kommo (amoCRM) command line: log in once, generate typed custom fields, export and import with progress and resume, query any endpoint.',
    )
    .version(VERSION, '-V, --version')
    .exitOverride()
    .showHelpAfterError(err.dim('(add --help for usage)'))
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(err.red(s)),
    })
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 failure, 2 usage (nothing was sent).
Every command that talks to an account takes --domain or --base-url, credentials
(--token-file, or --store with --client-id/--client-secret-file/--redirect-uri, or the
KOMMO_* variables), or --sandbox. See docs/cli.md.`,
    );

  const wrap: Wrap =
    (action) =>
    async (...args) => {
      const command = args[args.length - 1] as Command;
      const account = accountFlagsOf(command.opts());
      const ctx: CommandContext = {
        io,
        account,
        connect: () => connectAccount(account, { env: io.env, warn: (m) => ctx.warn(m) }),
        warn: (m) => io.stderr.write(`${err.yellow(m)}\n`),
        note: (m) => io.stderr.write(`${err.dim(m)}\n`),
      };
      try {
        exitCode = (await action(ctx, ...args.slice(0, -1))) ?? EXIT.ok;
      } catch (error) {
        const { message, exitCode: code } = describeError(error);
        io.stderr.write(`${err.red(`kommo ${command.name()}: ${message}`)}\n`);
        exitCode = code;
      }
    };
  for (const register of commands) register(program, wrap);

  if (argv.length === 0) {
    io.stderr.write(program.helpInformation());
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
        return EXIT.ok;
      return EXIT.usage;
    }
    throw error;
  }
}
