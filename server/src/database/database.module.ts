import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';

import { AppConfig } from '../config/config';
import { runMigrationsExclusively } from './advisory-locks';
import { buildDataSourceOptions } from './data-source-options';

/**
 * Migrates under the migrations lock (instances started together must not race), on a DataSource of its
 * own without the pool's request timeouts: building an index on a large table may take longer than any
 * request should. Then connects the app's DataSource.
 */
async function initializeAndMigrate(options?: DataSourceOptions): Promise<DataSource> {
  const appOptions = { ...options!, migrationsRun: false } as DataSourceOptions;
  const migrator = new DataSource(
    appOptions.type === 'postgres'
      ? {
          ...appOptions,
          extra: { ...appOptions.extra, max: 2, statement_timeout: 0, query_timeout: undefined },
        }
      : appOptions,
  );
  await migrator.initialize();
  try {
    await runMigrationsExclusively(migrator);
  } finally {
    await migrator.destroy();
  }
  const dataSource = new DataSource(appOptions);
  await dataSource.initialize();
  return dataSource;
}

/** TypeORM for the app: migrations run at start (under an advisory lock on PostgreSQL), never synchronize. */
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig) {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...buildDataSourceOptions(config),
            // Run by initializeAndMigrate instead, under the lock.
            migrationsRun: false,
            // Retry briefly so a PostgreSQL that is still starting does not fail the boot; then give up loudly.
            retryAttempts: config.databaseType === 'postgresql' ? 3 : 0,
            retryDelay: 1000,
          }),
          dataSourceFactory: initializeAndMigrate,
        }),
      ],
    };
  }
}
