import { SyncPlan, SystemState } from '@pacman-sync/shared';

import { ApplySummary, PacmanAdapter } from '../pacman/pacman-adapter';
import { PacmanError, PacmanErrorCode, UnsafeTargetError } from '../pacman/pacman-errors';
import { ProgressListener, SyncProgress } from './progress';

export type SyncFailureCode = PacmanErrorCode | 'UNSAFE_TARGET';

/** The result of one sync or revert, in the shape the operation's complete/fail report needs. */
export type SyncOutcome =
  | {
      status: 'completed';
      summary: ApplySummary;
      /** The state after the sync, or null if it cannot be read (the sync itself still succeeded). */
      state: SystemState | null;
    }
  | {
      status: 'failed';
      error: { code: SyncFailureCode; message: string; output_tail: string[] };
      /** The state after the failure (unchanged for a failed transaction), or null if it cannot be read. */
      state: SystemState | null;
    };

export interface SyncRunOptions {
  acceptUnavailable?: boolean;
  /** Receives progress at most every `progressIntervalMs`, plus every phase change and the last event. */
  onProgress?: ProgressListener;
  progressIntervalMs?: number;
}

export class SyncBusyError extends Error {
  override readonly name = 'SyncBusyError';

  constructor() {
    super('a sync is already running in this client');
  }
}

/**
 * Runs one plan end to end for the CLI, daemon and tray alike: apply it, then read the state that
 * resulted so the caller can report both. pacman failures become a failed outcome (never an exception),
 * because a failed operation is a normal thing to report to the server.
 */
export class SyncRunner {
  private running = false;

  constructor(private readonly pacman: PacmanAdapter) {}

  get busy(): boolean {
    return this.running;
  }

  async run(plan: SyncPlan, options: SyncRunOptions = {}): Promise<SyncOutcome> {
    if (this.running) throw new SyncBusyError();
    this.running = true;
    try {
      const onProgress = options.onProgress
        ? throttleProgress(options.onProgress, options.progressIntervalMs ?? 250)
        : undefined;
      let summary: ApplySummary;
      try {
        summary = await this.pacman.applyPlan(plan, {
          acceptUnavailable: options.acceptUnavailable,
          onProgress,
        });
      } catch (error) {
        return { status: 'failed', error: describeFailure(error), state: await this.stateOrNull() };
      }
      return { status: 'completed', summary, state: await this.stateOrNull() };
    } finally {
      this.running = false;
    }
  }

  private async stateOrNull(): Promise<SystemState | null> {
    try {
      return await this.pacman.readInstalledState();
    } catch {
      return null;
    }
  }
}

function describeFailure(error: unknown): { code: SyncFailureCode; message: string; output_tail: string[] } {
  if (error instanceof PacmanError) {
    return { code: error.code, message: error.message, output_tail: [...error.outputTail] };
  }
  if (error instanceof UnsafeTargetError)
    return { code: 'UNSAFE_TARGET', message: error.message, output_tail: [] };
  // Anything else is a bug or an environment problem (disk full, permissions): still an outcome to report.
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'TRANSACTION_FAILED', message, output_tail: [] };
}

/**
 * Limits progress to what a server and a progress bar can use: pacman may print hundreds of lines a
 * second. Phase changes and each phase's last step always pass, so nothing important is lost.
 */
export function throttleProgress(
  listener: ProgressListener,
  intervalMs: number,
  now: () => number = () => Date.now(),
): ProgressListener {
  let lastSent = -Infinity;
  let lastPhase: SyncProgress['phase'] | null = null;
  return (progress) => {
    const time = now();
    const phaseChanged = progress.phase !== lastPhase;
    const lastStep = progress.total > 0 && progress.current === progress.total;
    if (!phaseChanged && !lastStep && time - lastSent < intervalMs) return;
    lastSent = time;
    lastPhase = progress.phase;
    listener(progress);
  };
}
