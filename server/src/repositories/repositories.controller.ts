import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { SkipAudit } from '../audit/audit.interceptor';
import { EndpointSelf, Roles } from '../auth/access.decorator';
import { ApiErrors } from '../common/api-errors.decorator';
import { ErrorCode } from '../common/errors/error-code';
import { UuidParam } from '../common/uuid-param';
import {
  AnalyzeRequestDto,
  CompatibilityAnalysisDto,
  CompatibilityAnalysisPageDto,
  ListAnalysesQueryDto,
} from './dto/analysis.dto';
import { RepositoryReportDto, RepositoryReportResultDto } from './dto/repository-report.dto';
import { RepositoriesService } from './repositories.service';

@ApiTags('repositories')
@Controller('endpoints')
export class EndpointRepositoriesController {
  constructor(private readonly repositories: RepositoriesService) {}

  @Post(':id/repositories')
  @Roles(EndpointSelf('id'))
  @SkipAudit()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Report the endpoint’s repositories: a hash-only check-in or the full lists',
    description:
      'Check-in `{content_hash}`: `known: true` when it matches the last report, else `known: false` and the ' +
      'client sends `{repositories, cached_packages?, archive?}`. Identical package lists are stored once. ' +
      'Bodies up to 16 MiB (a 15,000-package repository is about 1.5 MiB).',
  })
  @ApiOkResponse({ type: RepositoryReportResultDto })
  @ApiErrors(ErrorCode.NOT_FOUND, ErrorCode.PAYLOAD_TOO_LARGE)
  reportRepositories(
    @UuidParam() id: string,
    @Body() body: RepositoryReportDto,
  ): Promise<RepositoryReportResultDto> {
    return this.repositories.report(id, body);
  }
}

@ApiTags('repositories')
@Controller('repositories')
export class RepositoriesController {
  constructor(private readonly repositories: RepositoriesService) {}

  @Get()
  @Roles('viewer', 'ci')
  @ApiOperation({
    summary: 'Stored repository analyses, latest first (409 FEATURE_DISABLED when analysis is switched off)',
  })
  @ApiOkResponse({ type: CompatibilityAnalysisPageDto })
  @ApiErrors(ErrorCode.NOT_FOUND, ErrorCode.FEATURE_DISABLED)
  listRepositoryAnalyses(@Query() query: ListAnalysesQueryDto): Promise<CompatibilityAnalysisPageDto> {
    return this.repositories.list(query);
  }

  @Post('analyze')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Analyse which target packages every endpoint of a pool can get (409 FEATURE_DISABLED when off)',
  })
  @ApiOkResponse({ type: CompatibilityAnalysisDto })
  @ApiErrors(ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.FEATURE_DISABLED)
  analyzeRepositories(@Body() body: AnalyzeRequestDto): Promise<CompatibilityAnalysisDto> {
    return this.repositories.analyze(body.pool_id);
  }
}
