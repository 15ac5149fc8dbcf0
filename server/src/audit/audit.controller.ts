import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { Roles } from '../auth/access.decorator';
import { ApiErrors } from '../common/api-errors.decorator';
import { AuditService } from './audit.service';
import { AuditPageDto, ListAuditQueryDto } from './dto/audit.dto';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({
    summary: 'The audit log, latest first',
    description:
      'Administrative actions and operation steps (action = the operationId called), logins and failed logins ' +
      '(login, login_locked), refused calls (outcome denied). Filter by exact actor/action/outcome, part of ' +
      'the target, and a time range [since, until).',
  })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiErrors()
  listAudit(@Query() query: ListAuditQueryDto): Promise<AuditPageDto> {
    return this.audit.list(query);
  }
}
