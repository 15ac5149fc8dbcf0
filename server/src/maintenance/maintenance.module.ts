import { Module } from '@nestjs/common';

import { EndpointsModule } from '../endpoints/endpoints.module';
import { RepositoriesModule } from '../repositories/repositories.module';
import { StatesModule } from '../states/states.module';
import { SyncModule } from '../sync/sync.module';
import { MaintenanceService } from './maintenance.service';

@Module({
  imports: [EndpointsModule, StatesModule, SyncModule, RepositoriesModule],
  providers: [MaintenanceService],
  exports: [MaintenanceService],
})
export class MaintenanceModule {}
