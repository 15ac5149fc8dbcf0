import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex, TableUnique } from 'typeorm';

import { DatabaseEngine, jsonColumnType, timestampColumnType } from '../column-types';

/**
 * The schema of seed-design.md plus DESIGN.md's additions. Written with TypeORM's Table API so the
 * same migration runs on SQLite and PostgreSQL; the few types that differ come from column-types.ts,
 * the same functions the entities use.
 */
export class InitialSchema1764536400000 implements MigrationInterface {
  name = 'InitialSchema1764536400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const engine: DatabaseEngine =
      queryRunner.connection.driver.options.type === 'postgres' ? 'postgres' : 'better-sqlite3';
    const isPostgres = engine === 'postgres';
    const json = jsonColumnType(engine);
    const timestamp = timestampColumnType(engine);
    const uuid = isPostgres ? 'uuid' : 'varchar';
    const now = isPostgres ? 'now()' : "datetime('now')";
    // SQLite keeps booleans as integers; TypeORM compares the default as it writes it.
    const falseDefault = isPostgres ? false : 0;
    const id = isPostgres
      ? {
          name: 'id',
          type: 'uuid',
          isPrimary: true,
          isGenerated: true,
          generationStrategy: 'uuid' as const,
          default: 'uuid_generate_v4()',
        }
      : { name: 'id', type: 'varchar', isPrimary: true };
    const created = (name = 'created_at') => ({ name, type: timestamp, default: now });

    if (isPostgres) await queryRunner.query('CREATE EXTENSION IF NOT EXISTS "uuid-ossp"');

    await queryRunner.createTable(
      new Table({
        name: 'pools',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'description', type: 'text', isNullable: true },
          { name: 'sync_policy', type: json },
          created(),
          created('updated_at'),
        ],
        uniques: [new TableUnique({ columnNames: ['name'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'endpoints',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'hostname', type: 'varchar', length: '255' },
          { name: 'pool_id', type: uuid, isNullable: true },
          { name: 'last_seen', type: timestamp, isNullable: true },
          { name: 'sync_status', type: 'varchar', length: '50', default: "'unknown'" },
          { name: 'token_hash', type: 'varchar', length: '64' },
          { name: 'report_interval', type: 'integer', default: 300 },
          { name: 'latest_state_id', type: uuid, isNullable: true },
          { name: 'repositories_hash', type: 'varchar', length: '80', isNullable: true },
          { name: 'package_cache', type: json, isNullable: true },
          { name: 'has_archive', type: 'boolean', default: falseDefault },
          created(),
          created('updated_at'),
        ],
        indices: [new TableIndex({ name: 'IDX_endpoints_pool_id', columnNames: ['pool_id'] })],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['pool_id'],
            referencedTableName: 'pools',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'package_states',
        columns: [
          id,
          { name: 'pool_id', type: uuid, isNullable: true },
          { name: 'endpoint_id', type: uuid, isNullable: true },
          { name: 'state_data', type: json },
          { name: 'content_hash', type: 'varchar', length: '80' },
          { name: 'pacman_version', type: 'varchar', length: '64' },
          { name: 'architecture', type: 'varchar', length: '32' },
          { name: 'package_count', type: 'integer' },
          { name: 'is_target', type: 'boolean', default: falseDefault },
          { name: 'set_at', type: timestamp, isNullable: true },
          { name: 'set_by', type: 'varchar', length: '255', isNullable: true },
          created(),
        ],
        indices: [
          new TableIndex({
            name: 'IDX_package_states_endpoint_created',
            columnNames: ['endpoint_id', 'created_at'],
          }),
          new TableIndex({ name: 'IDX_package_states_content_hash', columnNames: ['content_hash'] }),
          new TableIndex({
            name: 'UQ_package_states_pool_target',
            columnNames: ['pool_id'],
            isUnique: true,
            where: 'is_target = true',
          }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['pool_id'],
            referencedTableName: 'pools',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
          new TableForeignKey({
            columnNames: ['endpoint_id'],
            referencedTableName: 'endpoints',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
      }),
    );

    // endpoints and package_states point at each other; the second edge is added once both exist.
    await queryRunner.createForeignKey(
      'endpoints',
      new TableForeignKey({
        columnNames: ['latest_state_id'],
        referencedTableName: 'package_states',
        referencedColumnNames: ['id'],
        onDelete: 'SET NULL',
      }),
    );

    const stateReference = (column: string) =>
      new TableForeignKey({
        columnNames: [column],
        referencedTableName: 'package_states',
        referencedColumnNames: ['id'],
        onDelete: 'SET NULL',
      });

    await queryRunner.createTable(
      new Table({
        name: 'sync_operations',
        columns: [
          id,
          { name: 'pool_id', type: uuid, isNullable: true },
          { name: 'endpoint_id', type: uuid },
          { name: 'operation_type', type: 'varchar', length: '50' },
          { name: 'status', type: 'varchar', length: '50' },
          { name: 'details', type: json, isNullable: true },
          { name: 'before_state_id', type: uuid, isNullable: true },
          { name: 'after_state_id', type: uuid, isNullable: true },
          { name: 'target_state_id', type: uuid, isNullable: true },
          { name: 'error', type: 'text', isNullable: true },
          created(),
          { name: 'claimed_at', type: timestamp, isNullable: true },
          created('updated_at'),
          { name: 'completed_at', type: timestamp, isNullable: true },
        ],
        indices: [
          new TableIndex({
            name: 'UQ_sync_operations_active_per_endpoint',
            columnNames: ['endpoint_id'],
            isUnique: true,
            where: "status IN ('pending', 'in_progress') AND operation_type IN ('sync', 'revert')",
          }),
          new TableIndex({
            name: 'IDX_sync_operations_endpoint_created',
            columnNames: ['endpoint_id', 'created_at'],
          }),
          new TableIndex({ name: 'IDX_sync_operations_status', columnNames: ['status'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['pool_id'],
            referencedTableName: 'pools',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
          new TableForeignKey({
            columnNames: ['endpoint_id'],
            referencedTableName: 'endpoints',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
          stateReference('before_state_id'),
          stateReference('after_state_id'),
          stateReference('target_state_id'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'repository_contents',
        columns: [
          { name: 'content_hash', type: 'varchar', length: '80', isPrimary: true },
          { name: 'packages', type: json },
          { name: 'package_count', type: 'integer' },
          created(),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'repositories',
        columns: [
          id,
          { name: 'endpoint_id', type: uuid },
          { name: 'repo_name', type: 'varchar', length: '255' },
          { name: 'position', type: 'integer' },
          { name: 'repo_url', type: 'varchar', length: '500', isNullable: true },
          { name: 'content_hash', type: 'varchar', length: '80' },
          created('last_updated'),
        ],
        indices: [
          new TableIndex({
            name: 'UQ_repositories_endpoint_repo',
            columnNames: ['endpoint_id', 'repo_name'],
            isUnique: true,
          }),
          new TableIndex({ name: 'IDX_repositories_content_hash', columnNames: ['content_hash'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['endpoint_id'],
            referencedTableName: 'endpoints',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
          new TableForeignKey({
            columnNames: ['content_hash'],
            referencedTableName: 'repository_contents',
            referencedColumnNames: ['content_hash'],
            onDelete: 'RESTRICT',
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'repository_analyses',
        columns: [
          { name: 'pool_id', type: uuid, isPrimary: true },
          { name: 'result', type: json },
          { name: 'last_analyzed', type: timestamp },
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['pool_id'],
            referencedTableName: 'pools',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('repository_analyses');
    await queryRunner.dropTable('repositories');
    await queryRunner.dropTable('repository_contents');
    await queryRunner.dropTable('sync_operations');
    const endpoints = await queryRunner.getTable('endpoints');
    const latestState = endpoints?.foreignKeys.find((fk) => fk.columnNames.includes('latest_state_id'));
    if (latestState) await queryRunner.dropForeignKey('endpoints', latestState);
    await queryRunner.dropTable('package_states');
    await queryRunner.dropTable('endpoints');
    await queryRunner.dropTable('pools');
  }
}
