import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { SkipAudit } from '../audit/audit.interceptor';
import { EndpointSelf, Roles } from '../auth/access.decorator';
import { ApiErrors } from '../common/api-errors.decorator';
import { ErrorCode } from '../common/errors/error-code';
import { UuidParam } from '../common/uuid-param';
import { ListOperationsQueryDto, OperationDto, OperationPageDto } from './dto/operation.dto';
import { OperationCompleteDto, OperationFailDto, OperationProgressDto } from './dto/operation-report.dto';
import { OperationsService } from './operations.service';

@ApiTags('operations')
@Controller('operations')
export class OperationsController {
  constructor(private readonly operations: OperationsService) {}

  @Get()
  @Roles('viewer', 'ci', EndpointSelf.inQuery('endpoint_id'))
  @ApiOperation({ summary: 'The operations log, latest first' })
  @ApiOkResponse({ type: OperationPageDto })
  @ApiErrors()
  listOperations(@Query() query: ListOperationsQueryDto): Promise<OperationPageDto> {
    return this.operations.list(query);
  }

  @Get(':id')
  @Roles('viewer', 'ci', EndpointSelf.ofOperation('id'))
  @ApiOperation({ summary: 'One operation, with its plan and progress' })
  @ApiOkResponse({ type: OperationDto })
  @ApiErrors(ErrorCode.NOT_FOUND)
  getOperation(@UuidParam() id: string): Promise<OperationDto> {
    return this.operations.get(id);
  }

  @Post(':id/claim')
  @Roles('admin', EndpointSelf.ofOperation('id'))
  @HttpCode(200)
  @ApiOperation({ summary: 'Claim a pending operation (atomic: exactly one claimer wins, others get 409)' })
  @ApiOkResponse({ type: OperationDto })
  @ApiErrors(ErrorCode.NOT_FOUND, ErrorCode.SYNC_CONFLICT)
  claimOperation(@UuidParam() id: string): Promise<OperationDto> {
    return this.operations.claim(id);
  }

  @Post(':id/progress')
  @Roles('admin', EndpointSelf.ofOperation('id'))
  @SkipAudit()
  @HttpCode(200)
  @ApiOperation({ summary: 'Report progress of an operation in progress' })
  @ApiOkResponse({ type: OperationDto })
  @ApiErrors(ErrorCode.NOT_FOUND, ErrorCode.SYNC_CONFLICT)
  reportOperationProgress(
    @UuidParam() id: string,
    @Body() body: OperationProgressDto,
  ): Promise<OperationDto> {
    return this.operations.progress(id, body);
  }

  @Post(':id/complete')
  @Roles('admin', EndpointSelf.ofOperation('id'))
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark an operation in progress completed; the client then reports its new state' })
  @ApiOkResponse({ type: OperationDto })
  @ApiErrors(ErrorCode.NOT_FOUND, ErrorCode.SYNC_CONFLICT)
  completeOperation(@UuidParam() id: string, @Body() body: OperationCompleteDto): Promise<OperationDto> {
    return this.operations.complete(id, body);
  }

  @Post(':id/fail')
  @Roles('admin', EndpointSelf.ofOperation('id'))
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark a pending or in-progress operation failed' })
  @ApiOkResponse({ type: OperationDto })
  @ApiErrors(ErrorCode.NOT_FOUND, ErrorCode.SYNC_CONFLICT)
  failOperation(@UuidParam() id: string, @Body() body: OperationFailDto): Promise<OperationDto> {
    return this.operations.fail(id, body);
  }

  @Post(':id/cancel')
  @Roles('admin', EndpointSelf.ofOperation('id'))
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a pending operation (one in progress cannot be cancelled: 409)' })
  @ApiOkResponse({ type: OperationDto })
  @ApiErrors(ErrorCode.NOT_FOUND, ErrorCode.SYNC_CONFLICT)
  cancelOperation(@UuidParam() id: string): Promise<OperationDto> {
    return this.operations.cancel(id);
  }
}
