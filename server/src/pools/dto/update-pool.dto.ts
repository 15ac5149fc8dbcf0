import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

import { IsOmittable, IsName, NAME_PATTERN } from '../../common/validators';

import { SyncPolicyInputDto } from './sync-policy.dto';

export class UpdatePoolDto {
  @ApiPropertyOptional({ maxLength: 255, pattern: NAME_PATTERN.source })
  @IsOmittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @IsName()
  name?: string;

  @ApiPropertyOptional({ type: String, maxLength: 10000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  description?: string | null;

  @ApiPropertyOptional({ type: () => SyncPolicyInputDto, description: 'Omitted fields keep their value' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SyncPolicyInputDto)
  sync_policy?: SyncPolicyInputDto;
}
