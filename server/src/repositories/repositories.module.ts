import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { EndpointsModule } from '../endpoints/endpoints.module';
import { Endpoint } from '../endpoints/endpoint.entity';
import { Pool } from '../pools/pool.entity';
import { PackageStateEntity } from '../states/package-state.entity';
import { EndpointRepositoriesController, RepositoriesController } from './repositories.controller';
import { RepositoriesService } from './repositories.service';
import { RepositoryAnalysisEntity } from './repository-analysis.entity';
import { RepositoryContent } from './repository-content.entity';
import { RepositoryEntity } from './repository.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      RepositoryEntity,
      RepositoryContent,
      RepositoryAnalysisEntity,
      Endpoint,
      Pool,
      PackageStateEntity,
    ]),
    EndpointsModule,
  ],
  controllers: [EndpointRepositoriesController, RepositoriesController],
  providers: [RepositoriesService],
  exports: [RepositoriesService],
})
export class RepositoriesModule {}
