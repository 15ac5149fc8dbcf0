import { DataSource, QueryRunner } from 'typeorm';

import { ADVISORY_LOCK_NAMESPACE, MAINTENANCE_LOCK } from '../database/advisory-locks';

/**
 * Decides which instance runs the periodic job. On PostgreSQL it is whichever instance holds the
 * maintenance advisory lock on its own session; the holder keeps it between runs, because releasing it
 * after each run would let an instance ticking at another phase run the job again within the same period.
 * When the holder's session ends (stop, crash, network) PostgreSQL frees the lock and another instance
 * takes it at its next tick. SQLite serves one instance, which always runs the job.
 */
export class FleetLock {
  private runner: QueryRunner | null = null;
  private held = false;

  constructor(private readonly dataSource: DataSource) {}

  /** Whether this instance runs the job now; throws (and lets go) when the database cannot answer. */
  async tryAcquire(): Promise<boolean> {
    if (this.dataSource.options.type !== 'postgres') return true;
    try {
      if (this.held && this.runner) {
        // A session lock lasts as long as the session: if the session still answers, the lock is ours.
        await this.runner.query('SELECT 1');
        return true;
      }
      if (!this.runner) {
        this.runner = this.dataSource.createQueryRunner();
        await this.runner.connect();
      }
      const rows: { locked: boolean }[] = await this.runner.query(
        'SELECT pg_try_advisory_lock($1, $2) AS locked',
        [ADVISORY_LOCK_NAMESPACE, MAINTENANCE_LOCK],
      );
      this.held = rows[0]?.locked === true;
      return this.held;
    } catch (error) {
      await this.drop(error);
      throw error;
    }
  }

  isHeld(): boolean {
    return this.held;
  }

  /** Gives the lock up (shutdown): another instance takes the job over at its next tick. */
  async release(): Promise<void> {
    if (!this.runner) return;
    try {
      // The connection goes back to the pool: it must not keep the lock there.
      if (this.held) await this.runner.query('SELECT pg_advisory_unlock_all()');
    } catch {
      // A broken session has already lost the lock.
    }
    await this.drop();
  }

  /** With an error, the pool destroys the connection instead of handing a broken one out again. */
  private async drop(error?: unknown): Promise<void> {
    // TypeORM's PostgreSQL runner releases with an error through this (not part of the QueryRunner type).
    const runner = this.runner as
      (QueryRunner & { releasePostgresConnection?: (error: Error) => Promise<void> }) | null;
    this.runner = null;
    this.held = false;
    if (!runner) return;
    if (error !== undefined && runner.releasePostgresConnection) {
      await runner.releasePostgresConnection(error as Error).catch(() => undefined);
    } else {
      await runner.release().catch(() => undefined);
    }
  }
}
