import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { Pool } from '../pools/pool.entity';
import { PackageStateEntity } from '../states/package-state.entity';
import { EndpointStatusService } from './endpoint-status.service';
import { Endpoint } from './endpoint.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Endpoint, Pool, PackageStateEntity])],
  providers: [EndpointStatusService],
  exports: [EndpointStatusService],
})
export class EndpointsModule {}
