// The framework floor of the check-in benchmark: NestJS on Fastify with the server's own ValidationPipe
// and the real StateReportDto, answering the check-in shape and nothing else (no auth, rate limit,
// database, metrics, logging or security headers). What a validated Nest route costs before the server
// does any work of its own.
import type { AddressInfo } from 'node:net';

import { Body, Controller, HttpCode, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

import { createValidationPipe } from '../src/common/validation';
import { StateReportDto, StateReportResultDto } from '../src/states/dto/state-report.dto';

@Controller('endpoints')
class FloorController {
  @Post(':id/state')
  @HttpCode(200)
  checkIn(@Param('id') id: string, @Body() report: StateReportDto): StateReportResultDto {
    return {
      known: typeof report.content_hash === 'string',
      changed: false,
      state_id: id,
      sync_status: 'in_sync',
    };
  }
}

@Module({ controllers: [FloorController] })
class FloorModule {}

export async function startNestFloor(): Promise<{ port: number; close: () => Promise<void> }> {
  const app = await NestFactory.create<NestFastifyApplication>(FloorModule, new FastifyAdapter(), {
    logger: false,
  });
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());
  await app.listen(0, '127.0.0.1');
  return { port: (app.getHttpServer().address() as AddressInfo).port, close: () => app.close() };
}
