import { MigrationInterface, QueryRunner, Table, TableIndex, TableUnique } from 'typeorm';

import { DatabaseEngine, jsonColumnType, timestampColumnType } from '../column-types';

/**
 * Console users, API tokens and the audit log (DESIGN.md §5), plus an index on endpoints.token_hash
 * so authenticating an endpoint's check-in is one index lookup. Same Table API as the initial schema,
 * so it runs on SQLite and PostgreSQL.
 */
export class AuthAndAudit1764540000000 implements MigrationInterface {
  name = 'AuthAndAudit1764540000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const engine: DatabaseEngine =
      queryRunner.connection.driver.options.type === 'postgres' ? 'postgres' : 'better-sqlite3';
    const isPostgres = engine === 'postgres';
    const timestamp = timestampColumnType(engine);
    const now = isPostgres ? 'now()' : "datetime('now')";
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

    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          id,
          { name: 'username', type: 'varchar', length: '64' },
          { name: 'password_hash', type: 'varchar', length: '255' },
          { name: 'role', type: 'varchar', length: '20' },
          { name: 'disabled', type: 'boolean', default: falseDefault },
          { name: 'last_login_at', type: timestamp, isNullable: true },
          created(),
          created('updated_at'),
        ],
        uniques: [new TableUnique({ columnNames: ['username'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'role', type: 'varchar', length: '20' },
          { name: 'can_enroll', type: 'boolean', default: falseDefault },
          { name: 'token_hash', type: 'varchar', length: '64' },
          { name: 'token_prefix', type: 'varchar', length: '16' },
          { name: 'expires_at', type: timestamp, isNullable: true },
          { name: 'revoked_at', type: timestamp, isNullable: true },
          { name: 'last_used_at', type: timestamp, isNullable: true },
          { name: 'created_by', type: 'varchar', length: '255', isNullable: true },
          created(),
        ],
        indices: [
          new TableIndex({ name: 'UQ_api_tokens_token_hash', columnNames: ['token_hash'], isUnique: true }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          id,
          created(),
          { name: 'actor', type: 'varchar', length: '255' },
          { name: 'role', type: 'varchar', length: '20' },
          { name: 'source_address', type: 'varchar', length: '64', isNullable: true },
          { name: 'action', type: 'varchar', length: '100' },
          { name: 'target', type: 'varchar', length: '500', isNullable: true },
          { name: 'outcome', type: 'varchar', length: '20' },
          { name: 'details', type: jsonColumnType(engine), isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'IDX_audit_log_created_at', columnNames: ['created_at'] }),
          new TableIndex({ name: 'IDX_audit_log_actor', columnNames: ['actor'] }),
          new TableIndex({ name: 'IDX_audit_log_action', columnNames: ['action'] }),
        ],
      }),
    );

    await queryRunner.createIndex(
      'endpoints',
      new TableIndex({ name: 'IDX_endpoints_token_hash', columnNames: ['token_hash'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('endpoints', 'IDX_endpoints_token_hash');
    await queryRunner.dropTable('audit_log');
    await queryRunner.dropTable('api_tokens');
    await queryRunner.dropTable('users');
  }
}
