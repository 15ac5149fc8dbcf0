import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';

import { AppConfig } from '../config/config';
import { runMigrationsExclusively } from './advisory-locks';
import { buildDataSourceOptions } from './data-source-options';

/** Connects, then migrates under the migrations lock (instances started together must not race). */
async function initializeAndMigrate(options?: DataSourceOptions): Promise<DataSource> {
  const dataSource = new DataSource({ ...options!, migrationsRun: false });
  await dataSource.initialize();
  try {
    await runMigrationsExclusively(dataSource);
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
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
