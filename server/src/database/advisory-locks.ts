import { DataSource, MigrationExecutor } from 'typeorm';

/**
 * PostgreSQL advisory lock keys of the server, as (namespace, key) pairs so they cannot collide with
 * another application's single-bigint locks on a shared database. 0x70734e63 spells "psNc".
 */
export const ADVISORY_LOCK_NAMESPACE = 0x70734e63;
export const MIGRATIONS_LOCK = 1;
export const MAINTENANCE_LOCK = 2;
/** Taken by the trigger that keeps an enabled admin (see the LoginThrottleAndEnrolmentPools migration). */
export const LAST_ADMIN_LOCK = 3;

/**
 * Runs the pending migrations while holding a session-level advisory lock, so instances started together
 * against one PostgreSQL migrate one after another: the first applies them, the others wait, then find
 * nothing left to do. SQLite serves a single instance and needs no lock.
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'postgres') {
    await dataSource.runMigrations();
    return;
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1, $2)', [ADVISORY_LOCK_NAMESPACE, MIGRATIONS_LOCK]);
    try {
      // On the session that holds the lock, so the lock and the migrations share its fate.
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = dataSource.options.migrationsTransactionMode ?? 'all';
      await executor.executePendingMigrations();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1, $2)', [ADVISORY_LOCK_NAMESPACE, MIGRATIONS_LOCK]);
    }
  } finally {
    await runner.release();
  }
}
