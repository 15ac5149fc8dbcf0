import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

import { IsOmittable, IsUuid, IsName, NAME_PATTERN } from '../../common/validators';

export const MIN_REPORT_INTERVAL = 10;
export const MAX_REPORT_INTERVAL = 86400;
// RFC 1123 host names (labels of letters, digits and hyphens) or an IP address written as a name.
const HOSTNAME_PATTERN =
  /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^[0-9a-fA-F:.]+$/;

export class RegisterEndpointDto {
  @ApiProperty({ maxLength: 255, pattern: NAME_PATTERN.source, example: 'lab-pc-07' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @IsName()
  name!: string;

  @ApiProperty({ maxLength: 255, example: 'lab-pc-07.example.org' })
  @IsString()
  @MaxLength(255)
  @Matches(HOSTNAME_PATTERN, { message: 'hostname must be a host name (letters, digits, hyphens and dots)' })
  hostname!: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  @IsUuid()
  pool_id?: string | null;

  @ApiPropertyOptional({ minimum: MIN_REPORT_INTERVAL, maximum: MAX_REPORT_INTERVAL, default: 300 })
  @IsOmittable()
  @IsInt()
  @Min(MIN_REPORT_INTERVAL)
  @Max(MAX_REPORT_INTERVAL)
  report_interval?: number;
}
