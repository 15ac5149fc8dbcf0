import * as path from 'node:path';

import { DataSourceOptions } from 'typeorm';

import { preparePrivateDataDir, preparePrivateFile } from '../common/private-data-dir';
import { AppConfig } from '../config/config';
import { selectColumnTypes } from './column-types';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export const SQLITE_FILE_NAME = 'pacman-sync.sqlite';

/** The one place that turns config into TypeORM options; used by the app, the CLI DataSource and tests. */
export function buildDataSourceOptions(
  config: Pick<AppConfig, 'databaseType' | 'databaseUrl' | 'dataDir'>,
): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    logging: false,
  } as const;
  if (config.databaseType === 'postgresql') {
    selectColumnTypes('postgres');
    return {
      ...common,
      type: 'postgres',
      url: config.databaseUrl ?? undefined,
      // Fail fast when the database is unreachable instead of hanging requests: a new connection gets 5 s,
      // a statement 15 s on the server (statement_timeout), and a query whose answer never comes (the
      // network or the server froze) is abandoned by the client after 20 s. All of these answer 503.
      connectTimeoutMS: 5000,
      extra: { max: 20, connectionTimeoutMillis: 5000, statement_timeout: 15_000, query_timeout: 20_000 },
    };
  }
  selectColumnTypes('better-sqlite3');
  preparePrivateDataDir(config.dataDir);
  const database = path.join(config.dataDir, SQLITE_FILE_NAME);
  preparePrivateFile(database);
  return {
    ...common,
    type: 'better-sqlite3',
    database,
    enableWAL: true,
    // In WAL mode NORMAL fsyncs at checkpoints, not at every commit: a commit then costs ~16 µs instead of
    // ~460 µs here, and it blocks the event loop for that time. A crash of the process loses nothing and
    // the file cannot be corrupted; only a power loss or kernel crash may roll back the last commits,
    // which clients re-send (reports and check-ins are repeated, operations time out). See docs/design.md.
    prepareDatabase: (db: { pragma: (source: string) => unknown }) => {
      db.pragma('synchronous = NORMAL');
    },
    timeout: 10000,
  };
}
