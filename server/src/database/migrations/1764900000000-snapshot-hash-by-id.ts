import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * A covering index (id, content_hash) on package_states: "is this the endpoint's latest snapshot's hash"
 * is the question every check-in and report asks. Without it SQLite either looks the row up by primary
 * key and walks the 1,500-package JSON's overflow pages to reach content_hash (stored after it), or
 * scans every snapshot with that hash, and a pool of endpoints in sync all share one hash.
 */
export class SnapshotHashById1764900000000 implements MigrationInterface {
  name = 'SnapshotHashById1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'package_states',
      new TableIndex({ name: 'IDX_package_states_id_content_hash', columnNames: ['id', 'content_hash'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('package_states', 'IDX_package_states_id_content_hash');
  }
}
