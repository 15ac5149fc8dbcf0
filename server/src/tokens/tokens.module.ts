import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { Endpoint } from '../endpoints/endpoint.entity';
import { ApiToken } from './api-token.entity';
import { EndpointTokensController, TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

@Module({
  imports: [TypeOrmModule.forFeature([ApiToken, Endpoint])],
  controllers: [TokensController, EndpointTokensController],
  providers: [TokensService],
})
export class TokensModule {}
