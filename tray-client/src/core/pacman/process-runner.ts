import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';

export interface ProcessResult {
  exitCode: number;
  stdout: string;
  /** stdout as bytes, for programs that print archives. */
  stdoutBytes: Buffer;
  /** stdout and stderr lines in arrival order, as a person watching the terminal would read them. */
  lines: string[];
}

export interface RunOptions {
  /** Called for every complete output line as it arrives (progress parsing). */
  onLine?: (line: string) => void;
  /**
   * Written to the program's stdin, which is then closed. Only pacman-sync-privileged reads stdin (the
   * steps of a plan); pacman itself is always started without one.
   */
  input?: string;
  /** The environment to start from instead of this process's own; LC_ALL=C is set either way. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The single place the client starts programs: an argument array, never a shell, stdin closed unless the
 * caller hands the program its input (so a stray `-` target could not read targets from it), and LC_ALL=C
 * so pacman's messages can be classified. Tests substitute it to prove a hostile plan never starts pacman.
 */
export interface ProcessRunner {
  run(program: string, args: readonly string[], options?: RunOptions): Promise<ProcessResult>;
}

export class ProgramNotFoundError extends Error {
  override readonly name = 'ProgramNotFoundError';

  constructor(readonly program: string) {
    super(`cannot start "${program}": not found or not executable`);
  }
}

export class SpawnProcessRunner implements ProcessRunner {
  run(program: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(program, [...args], {
        shell: false,
        stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        env: { ...(options.env ?? process.env), LC_ALL: 'C' },
      });
      if (child.stdin) {
        // A program that exits without reading its input must not crash this process with EPIPE.
        child.stdin.on('error', () => undefined);
        child.stdin.end(options.input);
      }
      const lines: string[] = [];
      const stdoutChunks: Buffer[] = [];
      const splitter = () => {
        let pending = '';
        return {
          push(chunk: string) {
            pending += chunk;
            const parts = pending.split('\n');
            pending = parts.pop() ?? '';
            for (const line of parts) emit(line);
          },
          flush() {
            if (pending !== '') emit(pending);
            pending = '';
          },
        };
      };
      const emit = (line: string) => {
        lines.push(line);
        options.onLine?.(line);
      };
      const out = splitter();
      const err = splitter();
      // Both are pipes (stdio above); only stdin's kind depends on the options.
      const { stdout, stderr } = child as { stdout: Readable; stderr: Readable };
      stdout.on('data', (chunk: Buffer) => {
        stdoutChunks.push(chunk);
        out.push(chunk.toString('utf8'));
      });
      stderr.on('data', (chunk: Buffer) => err.push(chunk.toString('utf8')));
      child.on('error', (error: NodeJS.ErrnoException) => {
        reject(
          error.code === 'ENOENT' || error.code === 'EACCES' ? new ProgramNotFoundError(program) : error,
        );
      });
      child.on('close', (code, signal) => {
        out.flush();
        err.flush();
        const stdoutBytes = Buffer.concat(stdoutChunks);
        resolve({
          exitCode: code ?? (signal ? 128 : 1),
          stdout: stdoutBytes.toString('utf8'),
          stdoutBytes,
          lines,
        });
      });
    });
  }
}
