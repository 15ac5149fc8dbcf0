import {
  OPERATION_STATUSES,
  OPERATION_TYPES,
  type OperationStatus,
  type OperationType,
} from '@pacman-sync/shared';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

import { PageDto, PaginationQueryDto } from '../../common/pagination.dto';
import { IsUuid } from '../../common/validators';

export class OperationDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  pool_id!: string | null;

  @ApiProperty({ format: 'uuid' })
  endpoint_id!: string;

  @ApiProperty({ enum: OPERATION_TYPES, enumName: 'OperationType' })
  operation_type!: OperationType;

  @ApiProperty({ enum: OPERATION_STATUSES, enumName: 'OperationStatus' })
  status!: OperationStatus;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      '`plan` (the SyncPlan at creation), `requested_by`, `progress` {message, percent, at}, `result` ' +
      '{summary} — see the README',
  })
  details!: Record<string, unknown> | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The endpoint’s snapshot when created',
  })
  before_state_id!: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Its first report after completing',
  })
  after_state_id!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The snapshot it moves toward' })
  target_state_id!: string | null;

  @ApiProperty({ type: String, nullable: true })
  error!: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at!: Date;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  claimed_at!: Date | null;

  @ApiProperty({ format: 'date-time' })
  updated_at!: Date;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  completed_at!: Date | null;
}

export class OperationPageDto extends PageDto<OperationDto> {
  @ApiProperty({ type: () => [OperationDto] })
  items!: OperationDto[];
}

export class ListOperationsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUuid()
  endpoint_id?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUuid()
  pool_id?: string;

  @ApiPropertyOptional({ enum: OPERATION_STATUSES, enumName: 'OperationStatus' })
  @IsOptional()
  @IsIn(OPERATION_STATUSES)
  status?: OperationStatus;
}
