import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { SkipAudit } from '../audit/audit.interceptor';
import { EndpointSelf, Roles } from '../auth/access.decorator';
import { ApiErrors } from '../common/api-errors.decorator';
import { ErrorCode } from '../common/errors/error-code';
import { PaginationQueryDto } from '../common/pagination.dto';
import { UuidParam } from '../common/uuid-param';
import { StateDto, StateSummaryPageDto } from './dto/state.dto';
import { StateReportDto, StateReportResultDto } from './dto/state-report.dto';
import { StatesService } from './states.service';

@ApiTags('states')
@Controller('endpoints')
export class EndpointStatesController {
  constructor(private readonly states: StatesService) {}

  @Post(':id/state')
  @Roles(EndpointSelf('id'))
  @SkipAudit()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Report the endpoint’s state: a hash-only check-in or the full package list',
    description:
      'Check-in `{content_hash}`: `known: true` (last_seen updated) when it is the endpoint’s latest snapshot, ' +
      'else `known: false` and the client sends the full report. A full report identical to the latest ' +
      'snapshot only updates last_seen (`changed: false`); otherwise a new snapshot is written and the ' +
      'sync status recomputed. Bodies up to 16 MiB.',
  })
  @ApiOkResponse({ type: StateReportResultDto })
  @ApiErrors(ErrorCode.NOT_FOUND, ErrorCode.PAYLOAD_TOO_LARGE)
  reportState(@UuidParam() id: string, @Body() body: StateReportDto): Promise<StateReportResultDto> {
    return this.states.report(id, body);
  }

  @Get(':id/states')
  @Roles('viewer', 'ci', EndpointSelf('id'))
  @ApiOperation({ summary: 'The endpoint’s snapshot history, latest first (without package lists)' })
  @ApiOkResponse({ type: StateSummaryPageDto })
  @ApiErrors(ErrorCode.NOT_FOUND)
  listEndpointStates(
    @UuidParam() id: string,
    @Query() page: PaginationQueryDto,
  ): Promise<StateSummaryPageDto> {
    return this.states.history(id, page);
  }
}

@ApiTags('states')
@Controller('states')
export class StatesController {
  constructor(private readonly states: StatesService) {}

  @Get(':id')
  @Roles('viewer', 'ci')
  @ApiOperation({ summary: 'One snapshot with its packages' })
  @ApiOkResponse({ type: StateDto })
  @ApiErrors(ErrorCode.NOT_FOUND)
  getState(@UuidParam() id: string): Promise<StateDto> {
    return this.states.get(id);
  }
}
