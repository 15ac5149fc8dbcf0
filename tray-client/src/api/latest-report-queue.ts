import { ServerUnreachableError } from './api-error';

/**
 * Holds state reports the server could not take. Only the newest state matters (a snapshot is the whole
 * package set, not a change), so a newer report replaces a pending one instead of queueing behind it,
 * and after an outage exactly one report — the latest — is delivered.
 */
export class LatestReportQueue<T, R> {
  private pending: T | null = null;
  private inFlight: Promise<R | null> | null = null;

  constructor(private readonly send: (report: T) => Promise<R>) {}

  get hasPending(): boolean {
    return this.pending !== null;
  }

  /**
   * Queues the report and tries to deliver it. Resolves with the server's answer, or null when the server
   * is unreachable (the report stays pending for the next flush). Other errors reach the caller, and the
   * report stays pending unless a newer one replaced it meanwhile.
   */
  async submit(report: T): Promise<R | null> {
    this.pending = report;
    return this.flush();
  }

  /** Delivers the pending report, if any; null when there was none or the server is still unreachable. */
  async flush(): Promise<R | null> {
    // One delivery at a time; a report submitted meanwhile is sent by the loop below once it finishes.
    while (this.inFlight) await this.inFlight.catch(() => null);
    if (this.pending === null) return null;
    const report = this.pending;
    this.inFlight = this.deliver(report);
    try {
      return await this.inFlight;
    } finally {
      this.inFlight = null;
    }
  }

  private async deliver(report: T): Promise<R | null> {
    try {
      const answer = await this.send(report);
      if (this.pending === report) this.pending = null;
      return answer;
    } catch (error) {
      if (error instanceof ServerUnreachableError) return null;
      throw error;
    }
  }
}
