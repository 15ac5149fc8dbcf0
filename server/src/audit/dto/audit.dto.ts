import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

import { PageDto, PaginationQueryDto } from '../../common/pagination.dto';
import { AUDIT_OUTCOMES, type AuditOutcome } from '../audit-log.entity';

export class AuditEntryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: Date;

  @ApiProperty({
    description: 'Username, token:<name>, endpoint:<id>, system, or the username tried at a failed login',
  })
  actor!: string;

  @ApiProperty({ example: 'admin', description: 'viewer | admin | ci | endpoint | system | anonymous' })
  role!: string;

  @ApiProperty({ type: String, nullable: true, example: '192.0.2.10' })
  source_address!: string | null;

  @ApiProperty({
    example: 'syncEndpoint',
    description: 'The operationId of the call, or login / login_locked',
  })
  action!: string;

  @ApiProperty({ type: String, nullable: true, example: '/api/endpoints/6f1c…/sync' })
  target!: string | null;

  @ApiProperty({ enum: AUDIT_OUTCOMES, enumName: 'AuditOutcome' })
  outcome!: AuditOutcome;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  details!: Record<string, unknown> | null;
}

export class AuditPageDto extends PageDto<AuditEntryDto> {
  @ApiProperty({ type: () => [AuditEntryDto] })
  items!: AuditEntryDto[];
}

export class ListAuditQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'Exact actor' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  actor?: string;

  @ApiPropertyOptional({ description: 'Exact action, e.g. login or createPool' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  action?: string;

  @ApiPropertyOptional({ description: 'Part of the target, e.g. an endpoint id' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  target?: string;

  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES, enumName: 'AuditOutcome' })
  @IsOptional()
  @IsIn(AUDIT_OUTCOMES)
  outcome?: AuditOutcome;

  @ApiPropertyOptional({ format: 'date-time', description: 'From this time on (inclusive)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  since?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'Before this time (exclusive)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  until?: Date;
}
