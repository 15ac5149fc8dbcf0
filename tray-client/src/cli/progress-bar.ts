import type { SyncProgress } from '../core/sync/progress';
import { overallPercent } from '../operations/operation-runner';
import type { OutputStream } from './context';

const BAR_WIDTH = 24;

/**
 * A one-line progress bar redrawn in place on a terminal. On anything else (a pipe, a log file) it
 * draws nothing, so scripted output stays clean.
 */
export class ProgressBar {
  private drawn = false;

  constructor(private readonly stream: OutputStream) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(event: SyncProgress): void {
    if (!this.enabled) return;
    const percent = overallPercent(event);
    const filled = Math.round((percent / 100) * BAR_WIDTH);
    const what = event.package ? `${event.phase} ${event.package}` : event.message;
    const line = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}% ${what}`;
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    this.stream.write(`\r\u001b[K${line.slice(0, width)}`);
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn) this.stream.write('\r\u001b[K');
    this.drawn = false;
  }
}
