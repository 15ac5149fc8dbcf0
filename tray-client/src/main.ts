// Entry point of the `pacman-sync` program. Modules load lazily: `pacman-sync waybar` runs on every bar
// start and refresh, so it loads only the status reader, and a usage error loads no HTTP or pacman code.
import type { CliDependencies, CliIo } from './cli/context';
import type { Settled } from './tray/gi';

function defaultIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** The fast path for Waybar: `waybar [--follow] [--config FILE]`, anything else goes through the CLI. */
function waybarArgs(argv: readonly string[]): { follow: boolean; configFlag: string | null } | null {
  if (argv[0] !== 'waybar') return null;
  let follow = false;
  let configFlag: string | null = null;
  for (let index = 1; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--follow' || arg === '-f') follow = true;
    else if ((arg === '--config' || arg === '-c') && index + 1 < argv.length) configFlag = argv[++index];
    else if (arg.startsWith('--config=')) configFlag = arg.slice('--config='.length);
    else return null;
  }
  return { follow, configFlag };
}

/** Runs one invocation; resolves with the exit code. */
export async function main(
  argv: readonly string[],
  io: CliIo = defaultIo(),
  deps: CliDependencies = {},
): Promise<number> {
  const waybar = waybarArgs(argv);
  if (waybar) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runWaybar } = require('./waybar/waybar') as typeof import('./waybar/waybar');
    return runWaybar(io, { ...waybar, signal: deps.signal });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runCli } = require('./cli/cli') as typeof import('./cli/cli');
  return runCli(argv, io, deps);
}

/**
 * What bin/pacman-sync.js calls at its top level: sets the exit code and lets pending output drain. The
 * tray runs inside a GLib main loop entered here, on the program's own stack (see runInGLibMainLoop):
 * this call then returns only when the tray has ended.
 */
export function run(argv: readonly string[]): void {
  const exitWith = (outcome: Settled<number>) => {
    if (outcome.ok) {
      process.exitCode = outcome.value;
      return;
    }
    const { error } = outcome;
    process.stderr.write(`pacman-sync: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  };
  if (!waybarArgs(argv)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { commandOf } = require('./cli/cli') as typeof import('./cli/cli');
    if (commandOf(argv) === 'tray') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runInGLibMainLoop } = require('./tray/gi') as typeof import('./tray/gi');
      const outcome = runInGLibMainLoop(() => main(argv));
      if (outcome) return exitWith(outcome);
    }
  }
  main(argv).then(
    (value) => exitWith({ ok: true, value }),
    (error: unknown) => exitWith({ ok: false, error }),
  );
}
