import { DataSource } from 'typeorm';

import { buildDataSourceOptions } from '../src/database/data-source-options';
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
    ]);
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('migrations revert cleanly and apply again', async () => {
    const indexNames = async () =>
      (await dataSource.createQueryRunner().getTable('package_states'))!.indices.map((index) => index.name);
    expect(await indexNames()).toContain('IDX_package_states_id_content_hash');
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
  });
});
