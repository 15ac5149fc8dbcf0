import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { Pool } from '../pools/pool.entity';
import { PackageStateEntity } from '../states/package-state.entity';
import { EndpointStatusService } from './endpoint-status.service';
import { Endpoint } from './endpoint.entity';
import { EndpointsController } from './endpoints.controller';
import { EndpointsService } from './endpoints.service';

@Module({
  imports: [TypeOrmModule.forFeature([Endpoint, Pool, PackageStateEntity])],
  controllers: [EndpointsController],
  providers: [EndpointStatusService, EndpointsService],
  exports: [EndpointStatusService, EndpointsService],
})
export class EndpointsModule {}
