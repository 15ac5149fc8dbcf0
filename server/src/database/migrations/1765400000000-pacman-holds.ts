import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

import { DatabaseEngine, jsonColumnType } from '../column-types';

/**
 * `endpoints.pacman_holds`: what the endpoint's pacman.conf holds back (IgnorePkg, IgnoreGroup and the
 * members of ignored groups), from its last repository report. Plans leave those packages alone unless the
 * pool overrides the hold. NULL until the client reports it (older clients never do): nothing is held.
 */
export class PacmanHolds1765400000000 implements MigrationInterface {
  name = 'PacmanHolds1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const engine: DatabaseEngine =
      queryRunner.connection.driver.options.type === 'postgres' ? 'postgres' : 'better-sqlite3';
    await queryRunner.addColumn(
      'endpoints',
      new TableColumn({ name: 'pacman_holds', type: jsonColumnType(engine), isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('endpoints', 'pacman_holds');
  }
}
