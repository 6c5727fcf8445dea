import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { book } from './commands/book';
import { configCheck } from './commands/config-check';
import { evaluate } from './commands/evaluate';
import { explain } from './commands/explain';
import { exportCommand } from './commands/export';
import { importCommand } from './commands/import';
import { record } from './commands/record';
import { replay } from './commands/replay';
import { reportCommand } from './commands/report';
import { serve } from './commands/serve';
import { sync } from './commands/sync';
import { simulate } from './commands/simulate';

// Headless entry point: `npm run -s surveil -- <command> [options]`.
// A command is one file in ./commands exporting a `CliCommand`, plus one
// line in COMMANDS below; parsing, help and exit codes are handled here.

/** Exit codes shared by all commands. */
export const EXIT = {
  ok: 0,
  /** The command ran and found a problem (bad config, failed run). */
  failure: 1,
  /** The command line itself was wrong. */
  usage: 2,
} as const;

/** Where a command writes; injectable so commands can be run in-process. */
export interface CliIo {
  /** Writes one line to standard output. */
  out(line: string): void;
  /** Writes one line to standard error. */
  err(line: string): void;
}

/** One option of a command, in `node:util` parseArgs terms plus help text. */
export interface CliOption {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Placeholder shown in help for string options, e.g. `DIR`. */
  readonly valueName?: string;
  readonly description: string;
  /** String options only: may be given several times (the value is then an array). */
  readonly multiple?: boolean;
}

/** Parsed command line handed to a command. */
export interface CliArgs {
  /** A `multiple` option's value is a string[] at run time: read it with {@link optionValues}. */
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** Every value of a string option (a `multiple` one holds an array), trimmed, split at commas, empty ones dropped. */
export function optionValues(args: CliArgs, name: string): string[] {
  const raw = args.values[name] as unknown;
  const list = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? (raw as unknown[]).filter((v): v is string => typeof v === 'string') : [];
  return list.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** A subcommand. `name` is the words that select it: `config check`. */
export interface CliCommand {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  readonly options?: Readonly<Record<string, CliOption>>;
  /** Usage text for positional arguments (`<file>`); absent means none are accepted. */
  readonly positionals?: string;
  run(args: CliArgs, io: CliIo): number | Promise<number>;
}

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly CliCommand[] = [book, configCheck, evaluate, explain, exportCommand, importCommand, record, replay, reportCommand, serve, simulate, sync];

const PROGRAM = 'surveil';

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Runs one command line (without `node script`), returning the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo = processIo, commands = COMMANDS): Promise<number> {
  if (argv.length === 0) {
    io.err(programUsage(commands));
    return EXIT.usage;
  }
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(programUsage(commands));
    return EXIT.ok;
  }

  const command = findCommand(argv, commands);
  if (command === undefined) {
    const words = argv.filter((a) => !a.startsWith('-')).join(' ');
    io.err(`${PROGRAM}: unknown command "${words || argv.join(' ')}"`);
    io.err('');
    io.err(programUsage(commands));
    return EXIT.usage;
  }

  const rest = argv.slice(command.name.split(' ').length);
  let args: CliArgs;
  try {
    const parsed = parseArgs({
      args: [...rest],
      options: { ...toParseArgsOptions(command.options ?? {}), help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: command.positionals !== undefined,
    });
    args = { values: parsed.values, positionals: parsed.positionals };
  } catch (error) {
    io.err(`${PROGRAM} ${command.name}: ${describeParseError(error)}`);
    io.err('');
    io.err(commandUsage(command));
    return EXIT.usage;
  }

  if (args.values.help === true) {
    io.out(commandUsage(command));
    return EXIT.ok;
  }

  try {
    return await command.run(args, io);
  } catch (error) {
    // Operators get one line; SURVEIL_DEBUG=1 shows the stack for developers.
    io.err(`${PROGRAM} ${command.name}: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.SURVEIL_DEBUG === '1' && error instanceof Error && error.stack) io.err(error.stack);
    return EXIT.failure;
  }
}

/** The longest command whose words start the command line. */
function findCommand(argv: readonly string[], commands: readonly CliCommand[]): CliCommand | undefined {
  let best: CliCommand | undefined;
  for (const command of commands) {
    const words = command.name.split(' ');
    const matches = words.every((word, i) => argv[i] === word);
    if (matches && (best === undefined || words.length > best.name.split(' ').length)) best = command;
  }
  return best;
}

function toParseArgsOptions(options: Readonly<Record<string, CliOption>>) {
  const out: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, option] of Object.entries(options)) {
    out[name] = option.short === undefined ? { type: option.type } : { type: option.type, short: option.short };
    if (option.multiple) out[name].multiple = true;
  }
  return out;
}

// parseArgs messages carry advice about `--` that does not fit here; keep the first sentence.
function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split(/\.\s/)[0] ?? message;
  return first.charAt(0).toLowerCase() + first.slice(1);
}

function programUsage(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `Run "${PROGRAM} <command> --help" for a command's options.`,
  ].join('\n');
}

function commandUsage(command: CliCommand): string {
  const entries = Object.entries(command.options ?? {}).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
    return [flag, o.description] as const;
  });
  entries.push(['-h, --help', 'show this help']);
  const width = Math.max(...entries.map(([flag]) => flag.length));
  const positionals = command.positionals ? ` ${command.positionals}` : '';
  return [
    `Usage: ${PROGRAM} ${command.name} [options]${positionals}`,
    '',
    command.summary,
    '',
    'Options:',
    ...entries.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
  ].join('\n');
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `surveil ... | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    throw error;
  });
  // exitCode rather than exit(): lets buffered stdout drain when piped.
  process.exitCode = await runCli(process.argv.slice(2));
}
