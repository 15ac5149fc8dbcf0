import { Body, Controller, Delete, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import { EndpointSelf, ENROLL, Roles } from '../auth/access.decorator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { ErrorCode } from '../common/errors/error-code';
import { UuidParam } from '../common/uuid-param';
import { EndpointDto, EndpointPageDto, RegisteredEndpointDto } from './dto/endpoint.dto';
import { ListEndpointsQueryDto } from './dto/list-endpoints-query.dto';
import { RegisterEndpointDto } from './dto/register-endpoint.dto';
import { UpdateEndpointDto } from './dto/update-endpoint.dto';
import { EndpointsService } from './endpoints.service';

@ApiTags('endpoints')
@Controller('endpoints')
export class EndpointsController {
  constructor(private readonly endpoints: EndpointsService) {}

  @Get()
  @Roles('viewer', 'ci')
  @ApiOperation({ summary: 'List endpoints, optionally of one pool or one status' })
  @ApiOkResponse({ type: EndpointPageDto })
  @ApiErrors()
  listEndpoints(@Query() query: ListEndpointsQueryDto): Promise<EndpointPageDto> {
    return this.endpoints.list(query);
  }

  @Post()
  @Roles('admin', ENROLL)
  @ApiOperation({
    summary: 'Register an endpoint; the answer carries its token, shown only once',
    description:
      'With an enrolment token (not an admin one) the endpoint lands in the token’s pool (enroll_pool_id; ' +
      'none: in no pool); naming another pool_id is 403 FORBIDDEN.',
  })
  @ApiCreatedResponse({ type: RegisteredEndpointDto })
  @ApiErrors(ErrorCode.NOT_FOUND)
  registerEndpoint(
    @Body() body: RegisterEndpointDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RegisteredEndpointDto> {
    return this.endpoints.register(body, principal);
  }

  @Get(':id')
  @Roles('viewer', 'ci', EndpointSelf('id'))
  @ApiOperation({ summary: 'Get an endpoint' })
  @ApiOkResponse({ type: EndpointDto })
  @ApiErrors(ErrorCode.NOT_FOUND)
  getEndpoint(@UuidParam() id: string): Promise<EndpointDto> {
    return this.endpoints.get(id);
  }

  @Put(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Rename an endpoint, move it to a pool (pool_id) or out of one (null)' })
  @ApiOkResponse({ type: EndpointDto })
  @ApiErrors(ErrorCode.NOT_FOUND)
  updateEndpoint(@UuidParam() id: string, @Body() body: UpdateEndpointDto): Promise<EndpointDto> {
    return this.endpoints.update(id, body);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an endpoint, its operations and its snapshots (except pool targets)' })
  @ApiNoContentResponse()
  @ApiErrors(ErrorCode.NOT_FOUND)
  async deleteEndpoint(@UuidParam() id: string): Promise<void> {
    await this.endpoints.remove(id);
  }
}
