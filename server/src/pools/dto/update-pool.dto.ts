import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

import { SyncPolicyInputDto } from './sync-policy.dto';

export class UpdatePoolDto {
  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name?: string;

  @ApiPropertyOptional({ type: String, maxLength: 10000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  description?: string | null;

  @ApiPropertyOptional({ type: () => SyncPolicyInputDto, description: 'Omitted fields keep their value' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SyncPolicyInputDto)
  sync_policy?: SyncPolicyInputDto;
}
