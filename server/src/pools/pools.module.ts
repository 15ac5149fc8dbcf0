import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { EndpointsModule } from '../endpoints/endpoints.module';
import { Endpoint } from '../endpoints/endpoint.entity';
import { PackageStateEntity } from '../states/package-state.entity';
import { Pool } from './pool.entity';
import { PoolsController } from './pools.controller';
import { PoolsService } from './pools.service';

@Module({
  imports: [TypeOrmModule.forFeature([Pool, Endpoint, PackageStateEntity]), EndpointsModule],
  controllers: [PoolsController],
  providers: [PoolsService],
  exports: [PoolsService],
})
export class PoolsModule {}
