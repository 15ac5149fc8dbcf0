import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDate, IsIn, IsOptional, IsString, Matches } from 'class-validator';

import { PageDto } from '../../common/pagination.dto';
import { IsUuid } from '../../common/validators';
import { API_TOKEN_ROLES, type ApiTokenRole } from '../api-token.entity';

const TOKEN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._@:/-]{0,99}$/;

export class ApiTokenDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'github-actions' })
  name!: string;

  @ApiProperty({ enum: API_TOKEN_ROLES, enumName: 'ApiTokenRole' })
  role!: ApiTokenRole;

  @ApiProperty({ description: 'May register endpoints (POST /api/endpoints)' })
  can_enroll!: boolean;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description:
      'Enrolment tokens: the pool every endpoint registered with it lands in; null: into no pool, to wait ' +
      'for an admin. Such endpoints report their own state; they set the pool target only where the ' +
      'pool allows it (sync_policy.allow_endpoint_set_latest)',
  })
  enroll_pool_id!: string | null;

  @ApiProperty({ example: 'psk_AbC123xy', description: 'The start of the secret, to tell tokens apart' })
  token_prefix!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expires_at!: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revoked_at!: Date | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Updated at most once a minute',
  })
  last_used_at!: Date | null;

  @ApiProperty({ type: String, nullable: true })
  created_by!: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at!: Date;
}

export class ApiTokenPageDto extends PageDto<ApiTokenDto> {
  @ApiProperty({ type: () => [ApiTokenDto] })
  items!: ApiTokenDto[];
}

export class CreateApiTokenDto {
  @ApiProperty({ example: 'github-actions', pattern: TOKEN_NAME_PATTERN.source })
  @IsString()
  @Matches(TOKEN_NAME_PATTERN, {
    message: 'name must be 1-100 letters, digits, spaces or . _ @ : / -, starting with a letter or digit',
  })
  name!: string;

  @ApiProperty({ enum: API_TOKEN_ROLES, enumName: 'ApiTokenRole' })
  @IsIn(API_TOKEN_ROLES)
  role!: ApiTokenRole;

  @ApiPropertyOptional({
    default: false,
    description:
      'Allow registering endpoints with this token (into enroll_pool_id only), whatever its role. Put it ' +
      "in the clients' [server] api_key to let machines register themselves",
  })
  @IsOptional()
  @IsBoolean()
  can_enroll?: boolean;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description:
      'With can_enroll: the pool its endpoints land in (omitted or null: into no pool, where they wait ' +
      'for an admin); without can_enroll it is refused',
  })
  @IsOptional()
  @IsUuid()
  enroll_pool_id?: string | null;

  @ApiPropertyOptional({ format: 'date-time', description: 'When the token stops working; none: never' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  expires_at?: Date;
}

export class CreatedApiTokenDto {
  @ApiProperty({ type: () => ApiTokenDto })
  token!: ApiTokenDto;

  @ApiProperty({
    example: 'psk_…',
    description: 'The bearer secret. Shown only in this answer: store it now.',
  })
  secret!: string;
}

export class EndpointTokenDto {
  @ApiProperty({ format: 'uuid' })
  endpoint_id!: string;

  @ApiProperty({
    example: 'pse_…',
    description: 'The new endpoint token; the old one stops working. Shown once.',
  })
  token!: string;
}
