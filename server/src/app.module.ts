import { DynamicModule, Module } from '@nestjs/common';

import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { ConsoleModule } from './console/console.module';
import { DatabaseModule } from './database/database.module';
import { EndpointsModule } from './endpoints/endpoints.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { MetricsModule } from './metrics/metrics.module';
import { PoolsModule } from './pools/pools.module';
import { RepositoriesModule } from './repositories/repositories.module';
import { StatesModule } from './states/states.module';
import { SyncModule } from './sync/sync.module';
import { TokensModule } from './tokens/tokens.module';
import { UsersModule } from './users/users.module';

/** Feature modules; each owns its routes, so guards (@Roles()) can later be added per controller or route. */
const FEATURE_MODULES = [
  EventsModule,
  PoolsModule,
  EndpointsModule,
  StatesModule,
  SyncModule,
  RepositoriesModule,
  MaintenanceModule,
  ConsoleModule,
  HealthModule,
  MetricsModule,
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(config),
        AuditModule,
        AuthModule,
        UsersModule,
        TokensModule,
        ...FEATURE_MODULES,
      ],
    };
  }
}
