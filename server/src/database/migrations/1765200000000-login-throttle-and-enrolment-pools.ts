import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey } from 'typeorm';

import { ADVISORY_LOCK_NAMESPACE, LAST_ADMIN_LOCK } from '../advisory-locks';

/** The SQLSTATE (PostgreSQL) or message prefix (SQLite) the last-admin triggers raise; see database-errors.ts. */
export const LAST_ADMIN_SQLSTATE = 'PSLA1';
export const LAST_ADMIN_MESSAGE =
  'pacman-sync: the last enabled admin cannot be disabled, demoted or deleted';

/**
 * The second security pass:
 *
 * - `login_throttle`: failed-login counters and locks shared by every instance (one atomic upsert per
 *   attempt; see auth/login-throttle.ts). Times are integer milliseconds, so the statements that do the
 *   arithmetic are the same text on both engines.
 * - `rate_limit_windows`: API_RATE_LIMIT's counters, merged by every instance on PostgreSQL.
 * - `api_tokens.enroll_pool_id`: the pool an enrolment token registers endpoints into. Tokens created before
 *   keep NULL, which now means "into no pool": their endpoints wait, unassigned, for an admin (nothing a
 *   machine's config holds can reach a pool any more). Deleting the pool sets it back to NULL.
 * - Triggers that keep an enabled admin: the database refuses the change that would remove the last one,
 *   whichever code path makes it and however many instances race.
 */
export class LoginThrottleAndEnrolmentPools1765200000000 implements MigrationInterface {
  name = 'LoginThrottleAndEnrolmentPools1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const isPostgres = queryRunner.connection.driver.options.type === 'postgres';
    const milliseconds = (name: string, options: { default?: number } = {}) => ({
      name,
      type: 'bigint',
      ...(options.default !== undefined ? { default: options.default } : {}),
    });

    await queryRunner.createTable(
      new Table({
        name: 'login_throttle',
        columns: [
          { name: 'key', type: 'varchar', length: '200', isPrimary: true },
          { name: 'failures', type: 'integer' },
          milliseconds('window_start'),
          milliseconds('locked_until', { default: 0 }),
          milliseconds('penalty_ms'),
          milliseconds('next_attempt_at', { default: 0 }),
          milliseconds('last_success_at', { default: 0 }),
          milliseconds('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'rate_limit_windows',
        columns: [
          { name: 'key', type: 'varchar', length: '200', isPrimary: true },
          milliseconds('window_start'),
          { name: 'hits', type: 'integer' },
        ],
      }),
    );

    await queryRunner.addColumn(
      'api_tokens',
      new TableColumn({ name: 'enroll_pool_id', type: isPostgres ? 'uuid' : 'varchar', isNullable: true }),
    );
    await queryRunner.createForeignKey(
      'api_tokens',
      new TableForeignKey({
        columnNames: ['enroll_pool_id'],
        referencedTableName: 'pools',
        referencedColumnNames: ['id'],
        onDelete: 'SET NULL',
      }),
    );

    if (isPostgres) {
      // Row locks cannot serialise two transactions that each change a *different* admin; the advisory lock
      // does, and the check after it runs with a fresh snapshot (a VOLATILE function at READ COMMITTED),
      // so it sees what the transaction it waited for committed.
      await queryRunner.query(`
        CREATE FUNCTION pacman_sync_keep_an_admin() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_advisory_xact_lock(${ADVISORY_LOCK_NAMESPACE}, ${LAST_ADMIN_LOCK});
          IF NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND NOT disabled) THEN
            RAISE EXCEPTION '${LAST_ADMIN_MESSAGE}' USING ERRCODE = '${LAST_ADMIN_SQLSTATE}';
          END IF;
          RETURN NULL;
        END $$`);
      await queryRunner.query(`
        CREATE TRIGGER keep_an_admin_on_update AFTER UPDATE ON users FOR EACH ROW
        WHEN (OLD.role = 'admin' AND NOT OLD.disabled AND (NEW.role <> 'admin' OR NEW.disabled))
        EXECUTE FUNCTION pacman_sync_keep_an_admin()`);
      await queryRunner.query(`
        CREATE TRIGGER keep_an_admin_on_delete AFTER DELETE ON users FOR EACH ROW
        WHEN (OLD.role = 'admin' AND NOT OLD.disabled)
        EXECUTE FUNCTION pacman_sync_keep_an_admin()`);
    } else {
      // SQLite has one writer at a time, so the check inside the writing statement cannot race.
      const noAdminLeft = `NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND disabled = 0)`;
      await queryRunner.query(`
        CREATE TRIGGER keep_an_admin_on_update AFTER UPDATE ON users FOR EACH ROW
        WHEN OLD.role = 'admin' AND OLD.disabled = 0 AND (NEW.role <> 'admin' OR NEW.disabled <> 0)
          AND ${noAdminLeft}
        BEGIN SELECT RAISE(ABORT, '${LAST_ADMIN_MESSAGE}'); END`);
      await queryRunner.query(`
        CREATE TRIGGER keep_an_admin_on_delete AFTER DELETE ON users FOR EACH ROW
        WHEN OLD.role = 'admin' AND OLD.disabled = 0 AND ${noAdminLeft}
        BEGIN SELECT RAISE(ABORT, '${LAST_ADMIN_MESSAGE}'); END`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const isPostgres = queryRunner.connection.driver.options.type === 'postgres';
    await queryRunner.query('DROP TRIGGER keep_an_admin_on_delete' + (isPostgres ? ' ON users' : ''));
    await queryRunner.query('DROP TRIGGER keep_an_admin_on_update' + (isPostgres ? ' ON users' : ''));
    if (isPostgres) await queryRunner.query('DROP FUNCTION pacman_sync_keep_an_admin()');
    const tokens = (await queryRunner.getTable('api_tokens'))!;
    const foreignKey = tokens.foreignKeys.find((key) => key.columnNames.includes('enroll_pool_id'))!;
    await queryRunner.dropForeignKey('api_tokens', foreignKey);
    await queryRunner.dropColumn('api_tokens', 'enroll_pool_id');
    await queryRunner.dropTable('rate_limit_windows');
    await queryRunner.dropTable('login_throttle');
  }
}
