import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { Roles } from '../auth/access.decorator';
import { MetricsService } from './metrics.service';

@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  // Read-only fleet figures: a Prometheus scraper uses a viewer API token (`authorization` in scrape_config).
  @Roles('viewer', 'ci')
  @ApiOperation({
    summary: 'Prometheus metrics (text exposition format 0.0.4)',
    description:
      'HTTP requests and latency by route pattern, endpoints and operations by status (counted in the ' +
      'database at scrape time), WebSocket clients and events, and Node.js process metrics.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string' } })
  async getMetrics(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const text = await this.metrics.scrape();
    reply.header('content-type', this.metrics.contentType);
    reply.header('cache-control', 'no-store');
    return text;
  }
}
