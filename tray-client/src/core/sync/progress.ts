export type SyncPhase = 'resolve' | 'download' | 'check' | 'install' | 'reason' | 'remove' | 'done';

export interface SyncProgress {
  phase: SyncPhase;
  /** Steps of this phase done so far (1-based once a step has started). */
  current: number;
  total: number;
  /** The package the step is about, when there is one. */
  package: string | null;
  /** pacman's line (or the client's own description of the step). */
  message: string;
}

export type ProgressListener = (progress: SyncProgress) => void;

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
  let lastPhase: SyncPhase | null = null;
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

const ACTION =
  /^(?:\(\s*\d+\/\d+\)\s+)?(installing|upgrading|downgrading|reinstalling|removing) (\S+?)(?:\.\.\.)?$/;
const DOWNLOAD = /^\s*(\S+) downloading\.\.\.$/;
const CHECK = /^(?:\(\s*\d+\/\d+\)\s+)?(checking [a-z ]+|loading package files)\.\.\.$/;

/**
 * Turns pacman's output lines into progress events. pacman prints "(n/m)" counters only on a terminal,
 * so the counts come from the caller, who knows how many packages the transaction holds.
 */
export class PacmanProgressParser {
  private installed = 0;
  private removed = 0;
  private downloaded = 0;

  constructor(
    private readonly totals: { install: number; remove: number; download: number },
    private readonly listener: ProgressListener,
  ) {}

  accept(line: string): void {
    const action = ACTION.exec(line);
    if (action) {
      const removing = action[1] === 'removing';
      const current = removing ? ++this.removed : ++this.installed;
      this.listener({
        phase: removing ? 'remove' : 'install',
        current,
        total: removing ? this.totals.remove : this.totals.install,
        package: action[2],
        message: line,
      });
      return;
    }
    const download = DOWNLOAD.exec(line);
    if (download) {
      this.listener({
        phase: 'download',
        current: ++this.downloaded,
        total: this.totals.download,
        package: download[1],
        message: line.trim(),
      });
      return;
    }
    if (CHECK.test(line)) {
      this.listener({ phase: 'check', current: 0, total: 0, package: null, message: line });
    }
  }
}
