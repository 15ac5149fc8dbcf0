import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

import { ROLES, type Role } from '../principal';

export class LoginDto {
  @ApiProperty({ example: 'admin', maxLength: 64 })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username!: string;

  @ApiProperty({ format: 'password', maxLength: 1024 })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;
}

export class LoginResultDto {
  @ApiProperty({ description: 'Send as Authorization: Bearer <access_token>' })
  access_token!: string;

  @ApiProperty({ description: 'Seconds until the session expires', example: 43200 })
  expires_in!: number;

  @ApiProperty({ enum: ['viewer', 'admin'] })
  role!: string;
}

export class MeDto {
  @ApiProperty({ enum: ['user', 'api_token', 'endpoint'] })
  kind!: string;

  @ApiProperty({ enum: ROLES, enumName: 'Role' })
  role!: Role;

  @ApiProperty({ format: 'uuid', description: 'User, token or endpoint id' })
  id!: string;

  @ApiProperty({ description: 'Username, token name or endpoint name' })
  name!: string;

  @ApiProperty({ description: 'Only API tokens: whether it may register endpoints' })
  can_enroll!: boolean;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Only enrolment tokens: the pool the endpoints they register land in (null: none)',
  })
  enroll_pool_id!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Only endpoints: its pool' })
  pool_id!: string | null;
}
