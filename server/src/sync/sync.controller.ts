import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { EndpointSelf, Roles } from '../auth/access.decorator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { ErrorCode } from '../common/errors/error-code';
import { UuidParam } from '../common/uuid-param';
import { OperationDto } from './dto/operation.dto';
import { EndpointPlanDto, PlanQueryDto } from './dto/plan.dto';
import { SyncService } from './sync.service';

@ApiTags('sync')
@Controller('endpoints')
export class SyncController {
  constructor(private readonly sync: SyncService) {}

  @Post(':id/sync')
  @Roles('ci', EndpointSelf('id'))
  @ApiOperation({
    summary: 'Create a pending sync operation to the pool target',
    description:
      'At most one pending or in-progress sync/revert per endpoint (409 SYNC_CONFLICT). With ' +
      'conflict_resolution=manual, a plan with unavailable packages is refused with 409 SYNC_CONFLICT ' +
      'listing them in details.conflicting_packages.',
  })
  @ApiCreatedResponse({ type: OperationDto })
  @ApiErrors(ErrorCode.NOT_FOUND, ErrorCode.SYNC_CONFLICT, ErrorCode.CONFLICT)
  syncEndpoint(@UuidParam() id: string, @CurrentPrincipal() principal: Principal): Promise<OperationDto> {
    return this.sync.sync(id, principal);
  }

  @Post(':id/set-latest')
  @Roles('ci', EndpointSelf('id'))
  @HttpCode(200)
  @ApiOperation({
    summary: 'Make the endpoint’s latest snapshot its pool’s target',
    description:
      'Answers the completed set_latest operation. With auto_sync, syncs are created for the others.',
  })
  @ApiOkResponse({ type: OperationDto })
  @ApiErrors(ErrorCode.NOT_FOUND, ErrorCode.CONFLICT)
  setLatest(@UuidParam() id: string, @CurrentPrincipal() principal: Principal): Promise<OperationDto> {
    return this.sync.setLatest(id, principal);
  }

  @Post(':id/revert')
  @Roles('admin', EndpointSelf('id'))
  @ApiOperation({
    summary: 'Create a pending revert to the snapshot before the last completed sync or revert',
    description: 'Packages that operation installed are removed again, whatever remove_extra says.',
  })
  @ApiCreatedResponse({ type: OperationDto })
  @ApiErrors(ErrorCode.NOT_FOUND, ErrorCode.SYNC_CONFLICT, ErrorCode.CONFLICT)
  revertEndpoint(@UuidParam() id: string, @CurrentPrincipal() principal: Principal): Promise<OperationDto> {
    return this.sync.revert(id, principal);
  }

  @Get(':id/plan')
  @Roles('viewer', 'ci', EndpointSelf('id'))
  @ApiOperation({
    summary: 'The plan to the pool target (or, with kind=revert, back), without creating anything',
  })
  @ApiOkResponse({ type: EndpointPlanDto })
  @ApiErrors(ErrorCode.NOT_FOUND, ErrorCode.CONFLICT)
  getEndpointPlan(@UuidParam() id: string, @Query() query: PlanQueryDto): Promise<EndpointPlanDto> {
    return this.sync.plan(id, query.kind);
  }
}
