import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { EndpointsModule } from '../endpoints/endpoints.module';
import { Endpoint } from '../endpoints/endpoint.entity';
import { Pool } from '../pools/pool.entity';
import { RepositoriesModule } from '../repositories/repositories.module';
import { PackageStateEntity } from '../states/package-state.entity';
import { OperationsController } from './operations.controller';
import { OperationsService } from './operations.service';
import { SyncOperation } from './sync-operation.entity';
import { SyncController } from './sync.controller';
import { SyncService } from './sync.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([SyncOperation, PackageStateEntity, Endpoint, Pool]),
    EndpointsModule,
    RepositoriesModule,
  ],
  controllers: [SyncController, OperationsController],
  providers: [SyncService, OperationsService],
  exports: [SyncService, OperationsService],
})
export class SyncModule {}
