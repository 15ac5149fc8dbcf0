import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';

import { Public } from '../auth/access.decorator';
import { HealthDto } from './dto/health.dto';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @Public()
  // Probes come often and from few addresses (load balancers, monitors): they must never be turned away,
  // nor use up the budget of the address they share with real clients.
  @SkipThrottle()
  @ApiOperation({
    summary: 'Liveness and database readiness; no authentication',
    description:
      'Answers 200 with status `ok` when the database answers `SELECT 1` within 2 s, else 503 with status ' +
      '`unavailable` and the same body shape (not the error shape), so a probe reads one format either way.',
  })
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'The database is down or too slow' })
  async getHealth(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthDto> {
    const health = await this.health.check();
    reply.header('cache-control', 'no-store');
    if (health.status !== 'ok') reply.status(503);
    return health;
  }
}
