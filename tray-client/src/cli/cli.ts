import { parseArgs } from 'node:util';

import { printable } from '../api/api-error';
import type { Command, OptionSpecs, OptionValues } from './command';
import { allCommands } from './commands';
import { CliContext, CliDependencies, CliIo } from './context';
import { errorCodeOf, EXIT, exitCodeFor, UsageError } from './exit-codes';

const GLOBAL_OPTIONS: OptionSpecs = {
  json: { type: 'boolean' },
  config: { type: 'string', short: 'c' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
};

const GLOBAL_HELP: Array<[string, string]> = [
  ['--json', 'machine-readable output (one JSON document on stdout)'],
  ['-c, --config FILE', 'client.conf to use (default $XDG_CONFIG_HOME/pacman-sync/client.conf)'],
  ['-v, --verbose', 'say when requests are retried'],
  ['-h, --help', 'this help'],
];

export const COMMANDS: readonly Command[] = allCommands;

export function version(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../package.json') as { version: string }).version;
}

/** Splits `[global options] <command> [options]`; global options may also follow the command. */
function splitCommand(argv: readonly string[]): { name: string | null; rest: string[] } {
  const rest: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (!arg.startsWith('-')) return { name: arg, rest: [...rest, ...argv.slice(index + 1)] };
    rest.push(arg);
    if ((arg === '--config' || arg === '-c') && index + 1 < argv.length) rest.push(argv[++index]);
  }
  return { name: null, rest };
}

/** The command argv runs: its name, `tray` when there is none, or null for --help and --version alone. */
export function commandOf(argv: readonly string[]): string | null {
  const { name, rest } = splitCommand(argv);
  if (name !== null) return name;
  return rest.some((arg) => ['-h', '--help', '-V', '--version'].includes(arg)) ? null : 'tray';
}

function parse(options: OptionSpecs, args: string[]): OptionValues {
  try {
    return parseArgs({
      args,
      options: { ...GLOBAL_OPTIONS, ...options },
      strict: true,
      allowPositionals: false,
    }).values as OptionValues;
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]}; see --help`);
  }
}

export function usageText(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'usage: pacman-sync [options] <command> [command options]',
    '',
    'Keeps this machine on its pool’s package set. Without a command, starts the tray indicator.',
    '',
    'commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'options:',
    ...table(GLOBAL_HELP),
    '  -V, --version            print the version',
    '',
    'exit codes: 0 ok, 1 error, 2 usage, 3 conflict or refused, 4 server unreachable',
    'Run "pacman-sync <command> --help" for a command’s options.',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  return [
    `usage: pacman-sync ${command.name} ${command.usage}`.trimEnd(),
    '',
    ...command.description,
    '',
    'options:',
    ...table([...command.optionHelp, ...GLOBAL_HELP]),
  ].join('\n');
}

function table(rows: Array<[string, string]>): string[] {
  return rows.map(([flag, text]) => `  ${flag.padEnd(23)}  ${text}`);
}

/** Runs one CLI invocation and returns its exit code; never throws, never calls process.exit. */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  deps: CliDependencies = {},
): Promise<number> {
  const json = argv.includes('--json');
  try {
    const { name, rest } = splitCommand(argv);
    if (name === null) {
      const values = parseArgs({
        args: rest,
        options: { ...GLOBAL_OPTIONS, version: { type: 'boolean', short: 'V' } },
        strict: false,
      }).values;
      if (values.version) {
        io.stdout.write(json ? `${JSON.stringify({ version: version() })}\n` : `pacman-sync ${version()}\n`);
        return EXIT.OK;
      }
      if (values.help) {
        io.stdout.write(`${usageText()}\n`);
        return EXIT.OK;
      }
      // No command: the tray, as DESIGN.md §8 says.
      return runCli(['tray', ...rest], io, deps);
    }
    const command = COMMANDS.find((candidate) => candidate.name === name);
    if (!command) throw new UsageError(`unknown command "${printable(name)}"; see pacman-sync --help`);
    const values = parse(command.options, rest);
    if (values.help) {
      io.stdout.write(`${commandHelp(command)}\n`);
      return EXIT.OK;
    }
    const context = new CliContext(
      io,
      {
        json: Boolean(values.json),
        configFlag: (values.config as string | undefined) ?? null,
        verbose: Boolean(values.verbose),
      },
      deps,
    );
    return await command.run(context, values);
  } catch (error) {
    const code = exitCodeFor(error);
    const message = printable(error instanceof Error ? error.message : String(error));
    io.stderr.write(`pacman-sync: ${message}\n`);
    if (code === EXIT.USAGE && !json) io.stderr.write('Run "pacman-sync --help" for usage.\n');
    if (json) {
      const details = (error as { details?: unknown }).details ?? null;
      io.stdout.write(
        `${JSON.stringify({ error: { code: errorCodeOf(error), message, details }, exit_code: code })}\n`,
      );
    }
    return code;
  }
}
