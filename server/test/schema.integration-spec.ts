import { DataSource } from 'typeorm';

import { buildDataSourceOptions } from '../src/database/data-source-options';
import { User } from '../src/users/user.entity';
import { testConfig, testEngine } from './support/test-database';

describe(`schema on ${testEngine()}`, () => {
  let dataSource: DataSource;
  let cleanup: () => void;

  beforeAll(async () => {
    const test = await testConfig();
    cleanup = test.cleanup;
    dataSource = new DataSource(buildDataSourceOptions(test.config));
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    cleanup?.();
  });

  it('migrations build exactly the schema the entities describe', async () => {
    const applied = await dataSource.runMigrations();
    expect(applied.map((migration) => migration.name)).toEqual([
      'InitialSchema1764536400000',
      'AuthAndAudit1764540000000',
      'SnapshotHashById1764900000000',
      'LoginThrottleAndEnrolmentPools1765200000000',
      'PacmanHolds1765400000000',
    ]);
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('migrations revert cleanly and apply again', async () => {
    const endpointColumns = async () =>
      (await dataSource.createQueryRunner().getTable('endpoints'))!.columns.map((column) => column.name);
    expect(await endpointColumns()).toContain('pacman_holds');
    await dataSource.undoLastMigration();
    expect(await endpointColumns()).not.toContain('pacman_holds');
    expect(await endpointColumns()).toContain('has_archive');
    // Adding the column keeps the endpoints there are (SQLite rebuilds the table to do it).
    await dataSource.query(
      "INSERT INTO endpoints (id, name, hostname, token_hash) VALUES ('00000000-0000-4000-8000-000000000001', " +
        "'kept', 'kept.lan', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')",
    );
    await dataSource.runMigrations();
    expect(await dataSource.query('SELECT name, pacman_holds FROM endpoints')).toEqual([
      { name: 'kept', pacman_holds: null },
    ]);
    await dataSource.query('DELETE FROM endpoints');
    await dataSource.undoLastMigration();
    const indexNames = async () =>
      (await dataSource.createQueryRunner().getTable('package_states'))!.indices.map((index) => index.name);
    expect(await indexNames()).toContain('IDX_package_states_id_content_hash');
    const tokenColumns = async () =>
      (await dataSource.createQueryRunner().getTable('api_tokens'))!.columns.map((column) => column.name);
    expect(await tokenColumns()).toContain('enroll_pool_id');
    await dataSource.undoLastMigration();
    expect(await dataSource.createQueryRunner().hasTable('login_throttle')).toBe(false);
    expect(await dataSource.createQueryRunner().hasTable('rate_limit_windows')).toBe(false);
    expect(await tokenColumns()).not.toContain('enroll_pool_id');
    await dataSource.undoLastMigration();
    expect(await indexNames()).not.toContain('IDX_package_states_id_content_hash');
    await dataSource.undoLastMigration();
    expect(await dataSource.createQueryRunner().hasTable('audit_log')).toBe(false);
    expect(await dataSource.createQueryRunner().hasTable('pools')).toBe(true);
    await dataSource.undoLastMigration();
    expect(await dataSource.createQueryRunner().hasTable('pools')).toBe(false);
    await dataSource.runMigrations();
    expect(await dataSource.createQueryRunner().hasTable('sync_operations')).toBe(true);
    expect(await dataSource.createQueryRunner().hasTable('audit_log')).toBe(true);
    expect(await indexNames()).toContain('IDX_package_states_id_content_hash');
    expect(await dataSource.createQueryRunner().hasTable('login_throttle')).toBe(true);
    expect(await endpointColumns()).toContain('pacman_holds');
  });

  it('enrolment tokens made before pools could be named register into no pool afterwards', async () => {
    // Back to before the enrolment pools: the holds column goes first, being the later migration.
    await dataSource.undoLastMigration();
    await dataSource.undoLastMigration();
    const isPostgres = testEngine() === 'postgres';
    await dataSource.query(
      isPostgres
        ? `INSERT INTO api_tokens (id, name, role, can_enroll, token_hash, token_prefix)
           VALUES ($1, $2, 'viewer', true, $3, 'psk_old')`
        : `INSERT INTO api_tokens (id, name, role, can_enroll, token_hash, token_prefix)
           VALUES (?, ?, 'viewer', 1, ?, 'psk_old')`,
      ['6f1c0a52-7f6e-4b55-9a51-0c8f7e9d2a11', 'old-enroller', 'a'.repeat(64)],
    );
    await dataSource.runMigrations();
    const [token] = (await dataSource.query(
      `SELECT can_enroll, enroll_pool_id FROM api_tokens WHERE name = 'old-enroller'`,
    )) as Array<{ can_enroll: boolean | number; enroll_pool_id: string | null }>;
    expect({ canEnroll: Boolean(token.can_enroll), pool: token.enroll_pool_id }).toEqual({
      canEnroll: true,
      pool: null,
    });
  });

  it('the database refuses to remove the last enabled admin, whichever statement tries', async () => {
    const users = dataSource.getRepository(User);
    const only = await users.save(
      users.create({ username: 'only-admin', password_hash: 'x', role: 'admin', disabled: false }),
    );
    const viewer = await users.save(
      users.create({ username: 'a-viewer', password_hash: 'x', role: 'viewer', disabled: false }),
    );
    for (const change of [
      () => users.update({ id: only.id }, { role: 'viewer' }),
      () => users.update({ id: only.id }, { disabled: true }),
      () => users.createQueryBuilder().update().set({ role: 'viewer' }).execute(),
      () => users.delete({ id: only.id }),
      () => users.createQueryBuilder().delete().execute(),
    ]) {
      await expect(change()).rejects.toThrow(/last enabled admin/);
    }
    await users.update({ id: viewer.id }, { role: 'admin' });
    await users.update({ id: only.id }, { disabled: true });
    expect(await users.count({ where: { role: 'admin', disabled: false } })).toBe(1);
  });
});
