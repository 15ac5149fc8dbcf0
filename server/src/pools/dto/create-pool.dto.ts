import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

import { SyncPolicyInputDto } from './sync-policy.dto';

import { IsName, NAME_PATTERN } from '../../common/validators';

export class CreatePoolDto {
  @ApiProperty({ maxLength: 255, pattern: NAME_PATTERN.source, example: 'lab workstations' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @IsName()
  name!: string;

  @ApiPropertyOptional({ type: String, maxLength: 10000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  description?: string | null;

  @ApiPropertyOptional({ type: () => SyncPolicyInputDto, description: 'Omitted fields take the defaults' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SyncPolicyInputDto)
  sync_policy?: SyncPolicyInputDto;
}
