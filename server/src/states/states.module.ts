import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { EndpointsModule } from '../endpoints/endpoints.module';
import { Endpoint } from '../endpoints/endpoint.entity';
import { SyncOperation } from '../sync/sync-operation.entity';
import { PackageStateEntity } from './package-state.entity';
import { EndpointStatesController, StatesController } from './states.controller';
import { StatesService } from './states.service';

@Module({
  imports: [TypeOrmModule.forFeature([PackageStateEntity, Endpoint, SyncOperation]), EndpointsModule],
  controllers: [EndpointStatesController, StatesController],
  providers: [StatesService],
  exports: [StatesService],
})
export class StatesModule {}
