import { Body, Controller, Delete, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import { EndpointSelf, Roles } from '../auth/access.decorator';
import { ApiErrors } from '../common/api-errors.decorator';
import { ErrorCode } from '../common/errors/error-code';
import { PaginationQueryDto } from '../common/pagination.dto';
import { UuidParam } from '../common/uuid-param';
import { AssignedEndpointsDto, AssignEndpointsDto } from '../endpoints/dto/assign-endpoints.dto';
import { EndpointsService } from '../endpoints/endpoints.service';
import { StateDto, StateSummaryPageDto } from '../states/dto/state.dto';
import { CreatePoolDto } from './dto/create-pool.dto';
import { PoolDto, PoolPageDto } from './dto/pool.dto';
import { UpdatePoolDto } from './dto/update-pool.dto';
import { PoolsService } from './pools.service';

@ApiTags('pools')
@Controller('pools')
export class PoolsController {
  constructor(
    private readonly pools: PoolsService,
    private readonly endpoints: EndpointsService,
  ) {}

  @Get()
  @Roles('viewer', 'ci')
  @ApiOperation({ summary: 'List pools' })
  @ApiOkResponse({ type: PoolPageDto })
  @ApiErrors()
  listPools(@Query() page: PaginationQueryDto): Promise<PoolPageDto> {
    return this.pools.list(page);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create a pool' })
  @ApiCreatedResponse({ type: PoolDto })
  @ApiErrors(ErrorCode.CONFLICT)
  createPool(@Body() body: CreatePoolDto): Promise<PoolDto> {
    return this.pools.create(body);
  }

  @Get(':id')
  @Roles('viewer', 'ci', EndpointSelf.ofPool('id'))
  @ApiOperation({ summary: 'Get a pool' })
  @ApiOkResponse({ type: PoolDto })
  @ApiErrors(ErrorCode.NOT_FOUND)
  getPool(@UuidParam() id: string): Promise<PoolDto> {
    return this.pools.get(id);
  }

  @Put(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Update a pool; a changed sync policy recomputes every member’s status' })
  @ApiOkResponse({ type: PoolDto })
  @ApiErrors(ErrorCode.NOT_FOUND, ErrorCode.CONFLICT)
  updatePool(@UuidParam() id: string, @Body() body: UpdatePoolDto): Promise<PoolDto> {
    return this.pools.update(id, body);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a pool; its endpoints become unassigned, their snapshots stay' })
  @ApiNoContentResponse()
  @ApiErrors(ErrorCode.NOT_FOUND)
  async deletePool(@UuidParam() id: string): Promise<void> {
    await this.pools.remove(id);
  }

  @Post(':id/endpoints')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Move endpoints into the pool in one transaction: all of them, or none when one is missing (404)',
  })
  @ApiOkResponse({ type: AssignedEndpointsDto })
  @ApiErrors(ErrorCode.NOT_FOUND)
  assignPoolEndpoints(
    @UuidParam() id: string,
    @Body() body: AssignEndpointsDto,
  ): Promise<AssignedEndpointsDto> {
    return this.endpoints.assignToPool(id, body.endpoint_ids);
  }

  @Get(':id/target')
  @Roles('viewer', 'ci')
  @ApiOperation({ summary: 'The pool’s current target snapshot, with its packages' })
  @ApiOkResponse({ type: StateDto })
  @ApiErrors(ErrorCode.NOT_FOUND)
  getPoolTarget(@UuidParam() id: string): Promise<StateDto> {
    return this.pools.target(id);
  }

  @Get(':id/states')
  @Roles('viewer', 'ci')
  @ApiOperation({ summary: 'Target history: snapshots that have been the pool’s target, latest first' })
  @ApiOkResponse({ type: StateSummaryPageDto })
  @ApiErrors(ErrorCode.NOT_FOUND)
  listPoolTargetHistory(
    @UuidParam() id: string,
    @Query() page: PaginationQueryDto,
  ): Promise<StateSummaryPageDto> {
    return this.pools.targetHistory(id, page);
  }
}
