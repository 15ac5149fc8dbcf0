import { ApiProperty } from '@nestjs/swagger';

export type HealthStatus = 'ok' | 'unavailable';

export class DatabaseHealthDto {
  @ApiProperty({ enum: ['ok', 'unavailable'] })
  status!: HealthStatus;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.4,
    description: 'Round trip of `SELECT 1`; null when the database did not answer in time',
  })
  latency_ms!: number | null;
}

/** Body of GET /api/health, the same shape for 200 and 503 so probes and dashboards parse one thing. */
export class HealthDto {
  @ApiProperty({
    enum: ['ok', 'unavailable'],
    description: '`unavailable` (HTTP 503) when the database is down',
  })
  status!: HealthStatus;

  @ApiProperty({ type: DatabaseHealthDto })
  database!: DatabaseHealthDto;

  @ApiProperty({ example: '0.1.0', description: 'Server version' })
  version!: string;

  @ApiProperty({ example: 3600, description: 'Seconds since this server process started' })
  uptime_s!: number;
}
