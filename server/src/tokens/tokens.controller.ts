import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import { Roles } from '../auth/access.decorator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { ErrorCode } from '../common/errors/error-code';
import { PaginationQueryDto } from '../common/pagination.dto';
import { UuidParam } from '../common/uuid-param';
import {
  ApiTokenPageDto,
  CreateApiTokenDto,
  CreatedApiTokenDto,
  EndpointTokenDto,
} from './dto/api-token.dto';
import { TokensService } from './tokens.service';

@ApiTags('tokens')
@Controller('tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List API tokens (never their secrets)' })
  @ApiOkResponse({ type: ApiTokenPageDto })
  @ApiErrors()
  listTokens(@Query() page: PaginationQueryDto): Promise<ApiTokenPageDto> {
    return this.tokens.list(page);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Create an API token (role viewer, ci or admin); the secret is in this answer only',
    description:
      'can_enroll: the token may also register endpoints, whatever its role, into enroll_pool_id only ' +
      '(none: into no pool). Unknown enroll_pool_id: 404.',
  })
  @ApiCreatedResponse({ type: CreatedApiTokenDto })
  @ApiErrors(ErrorCode.NOT_FOUND)
  createToken(
    @Body() body: CreateApiTokenDto,
    @CurrentPrincipal() creator: Principal,
  ): Promise<CreatedApiTokenDto> {
    return this.tokens.create(body, creator);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: 'Revoke an API token: it is refused (401) from now on' })
  @ApiNoContentResponse()
  @ApiErrors(ErrorCode.NOT_FOUND)
  async revokeToken(@UuidParam() id: string): Promise<void> {
    await this.tokens.revoke(id);
  }
}

@ApiTags('endpoints')
@Controller('endpoints')
export class EndpointTokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post(':id/token')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Issue a new endpoint token; the old one stops working. Shown only in this answer',
  })
  @ApiOkResponse({ type: EndpointTokenDto })
  @ApiErrors(ErrorCode.NOT_FOUND)
  rotateEndpointToken(@UuidParam() id: string): Promise<EndpointTokenDto> {
    return this.tokens.rotateEndpointToken(id);
  }

  @Delete(':id/token')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: 'Revoke the endpoint’s token: it is refused (401) until a new one is issued' })
  @ApiNoContentResponse()
  @ApiErrors(ErrorCode.NOT_FOUND)
  async revokeEndpointToken(@UuidParam() id: string): Promise<void> {
    await this.tokens.revokeEndpointToken(id);
  }
}
