import { ColumnOptions } from 'typeorm';

/** `sha256:` + 64 hex digits (shared's content hashes), with room for a longer algorithm name. */
export const CONTENT_HASH_LENGTH = 80;

export type DatabaseEngine = 'better-sqlite3' | 'postgres';

// JSON is JSONB on PostgreSQL and JSON text on SQLite, timestamps carry a time zone on PostgreSQL.
// Entity decorators run once at import, before the engine is known, so column options read the
// engine lazily: TypeORM keeps the options object and reads `type` when a DataSource builds its
// metadata (DataSource.initialize), which happens after selectColumnTypes().
let engine: DatabaseEngine = 'better-sqlite3';

/** Called by the DataSource factory before initialize(); one process uses one engine at a time. */
export function selectColumnTypes(selected: DatabaseEngine): void {
  engine = selected;
}

export function jsonColumnType(forEngine: DatabaseEngine): 'jsonb' | 'json' {
  return forEngine === 'postgres' ? 'jsonb' : 'json';
}

export function timestampColumnType(forEngine: DatabaseEngine): 'timestamptz' | 'datetime' {
  return forEngine === 'postgres' ? 'timestamptz' : 'datetime';
}

export function jsonColumn(options: Omit<ColumnOptions, 'type'> = {}): ColumnOptions {
  return {
    ...options,
    get type() {
      return jsonColumnType(engine);
    },
  };
}

export function timestampColumn(options: Omit<ColumnOptions, 'type'> = {}): ColumnOptions {
  return {
    ...options,
    get type() {
      return timestampColumnType(engine);
    },
  };
}
