import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { Endpoint } from '../endpoints/endpoint.entity';
import { Pool } from '../pools/pool.entity';
import { ApiToken } from './api-token.entity';
import { EndpointTokensController, TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

@Module({
  imports: [TypeOrmModule.forFeature([ApiToken, Endpoint, Pool])],
  controllers: [TokensController, EndpointTokensController],
  providers: [TokensService],
})
export class TokensModule {}
