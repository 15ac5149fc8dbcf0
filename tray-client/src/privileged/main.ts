import { PRIVILEGED_CONFIG_FILE } from '../core/pacman/privileged-protocol';
import { runPrivileged } from './privileged-entry';

/** Runs pacman-sync-privileged on this process's stdin and stdout, and sets the exit code. */
export function runAsProgram(configFile: string, argv: readonly string[]): void {
  runPrivileged({ argv, stdin: process.stdin, stdout: process.stdout, configFile }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `pacman-sync-privileged: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 3;
    },
  );
}

// The installed program (ops/pkgbuild/pacman-sync-privileged starts it with a clean environment). Its
// configuration file is fixed here: nothing the caller passes can name another.
if (require.main === module) runAsProgram(PRIVILEGED_CONFIG_FILE, process.argv.slice(2));
