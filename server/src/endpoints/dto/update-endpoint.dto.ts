import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';

import { IsOmittable, IsUuid, IsName, NAME_PATTERN } from '../../common/validators';
import { MAX_REPORT_INTERVAL, MIN_REPORT_INTERVAL } from './register-endpoint.dto';

export class UpdateEndpointDto {
  @ApiPropertyOptional({ maxLength: 255, pattern: NAME_PATTERN.source })
  @IsOmittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @IsName()
  name?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Assigns the endpoint to a pool; null takes it out of its pool',
  })
  @ValidateIf((_object, value) => value !== null && value !== undefined)
  @IsUuid()
  pool_id?: string | null;

  @ApiPropertyOptional({ minimum: MIN_REPORT_INTERVAL, maximum: MAX_REPORT_INTERVAL })
  @IsOmittable()
  @IsInt()
  @Min(MIN_REPORT_INTERVAL)
  @Max(MAX_REPORT_INTERVAL)
  report_interval?: number;
}
