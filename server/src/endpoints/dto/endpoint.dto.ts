import { SYNC_STATUSES, type SyncStatus } from '@pacman-sync/shared';
import { ApiProperty } from '@nestjs/swagger';

import { PageDto } from '../../common/pagination.dto';

export class EndpointDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'lab-pc-07' })
  name!: string;

  @ApiProperty({ example: 'lab-pc-07.example.org' })
  hostname!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  pool_id!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_seen!: Date | null;

  @ApiProperty({
    enum: SYNC_STATUSES,
    enumName: 'SyncStatus',
    description: '`offline` when not seen for 3 × report_interval',
  })
  sync_status!: SyncStatus;

  @ApiProperty({ description: 'Seconds between the client’s reports' })
  report_interval!: number;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The snapshot it reported last' })
  latest_state_id!: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at!: Date;

  @ApiProperty({ format: 'date-time' })
  updated_at!: Date;
}

export class EndpointPageDto extends PageDto<EndpointDto> {
  @ApiProperty({ type: () => [EndpointDto] })
  items!: EndpointDto[];
}

export class RegisteredEndpointDto {
  @ApiProperty({ type: () => EndpointDto })
  endpoint!: EndpointDto;

  @ApiProperty({
    description: 'The endpoint token. Shown only in this answer; the server keeps only its hash.',
    example: 'pse_3q2-7wEJcZ0kV9nS1m4yR8tB6uXaHfLgPdOi5QxW2e0',
  })
  token!: string;
}
