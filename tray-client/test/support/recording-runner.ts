import {
  ProcessResult,
  ProcessRunner,
  RunOptions,
  SpawnProcessRunner,
} from '../../src/core/pacman/process-runner';

/** Records every program start, then really starts it: a spy at the edge a test is about. */
export class RecordingRunner implements ProcessRunner {
  /** Each start: the program, its arguments, and what it was given on stdin (pacman-sync-privileged's steps). */
  readonly calls: Array<{ program: string; args: readonly string[]; input?: string }> = [];
  private readonly real = new SpawnProcessRunner();

  run(program: string, args: readonly string[], options?: RunOptions): Promise<ProcessResult> {
    this.calls.push({ program, args, ...(options?.input === undefined ? {} : { input: options.input }) });
    return this.real.run(program, args, options);
  }
}
