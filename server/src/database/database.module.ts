import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AppConfig } from '../config/config';
import { buildDataSourceOptions } from './data-source-options';

/** TypeORM for the app: migrations run at start, never synchronize. */
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig) {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...buildDataSourceOptions(config),
          migrationsRun: true,
          // Retry briefly so a PostgreSQL that is still starting does not fail the boot; then give up loudly.
          retryAttempts: config.databaseType === 'postgresql' ? 3 : 0,
          retryDelay: 1000,
        }),
      ],
    };
  }
}
