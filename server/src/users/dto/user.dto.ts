import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateBy,
} from 'class-validator';

import { PageDto } from '../../common/pagination.dto';
import { MIN_PASSWORD_LENGTH } from '../../config/config';
import { USER_ROLES, type UserRole } from '../user.entity';

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const USERNAME_MESSAGE =
  'username must be 1-64 letters, digits, dots, dashes or underscores, not starting with . - _';
export const MAX_PASSWORD_LENGTH = 1024;
/**
 * Names the audit log uses for actors that are not users (the server itself, auto_sync, and login
 * attempts for unknown usernames): no user may take one, in any spelling.
 */
export const RESERVED_USERNAMES = ['system', 'auto_sync', 'anonymous'] as const;

const IsNotReservedUsername = () =>
  ValidateBy({
    name: 'isNotReservedUsername',
    validator: {
      validate: (value: unknown) =>
        typeof value !== 'string' || !(RESERVED_USERNAMES as readonly string[]).includes(value.toLowerCase()),
      defaultMessage: () =>
        `username must not be one of ${RESERVED_USERNAMES.join(', ')} (the audit log's own actors)`,
    },
  });

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'alice' })
  username!: string;

  @ApiProperty({ enum: USER_ROLES, enumName: 'UserRole' })
  role!: UserRole;

  @ApiProperty()
  disabled!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_login_at!: Date | null;

  @ApiProperty({ format: 'date-time' })
  created_at!: Date;

  @ApiProperty({ format: 'date-time' })
  updated_at!: Date;
}

export class UserPageDto extends PageDto<UserDto> {
  @ApiProperty({ type: () => [UserDto] })
  items!: UserDto[];
}

export class CreateUserDto {
  @ApiProperty({
    example: 'alice',
    pattern: USERNAME_PATTERN.source,
    description: `Not ${RESERVED_USERNAMES.join(', ')} (in any case)`,
  })
  @IsString()
  @Matches(USERNAME_PATTERN, { message: USERNAME_MESSAGE })
  @IsNotReservedUsername()
  username!: string;

  @ApiProperty({ format: 'password', minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(MAX_PASSWORD_LENGTH)
  password!: string;

  @ApiProperty({ enum: USER_ROLES, enumName: 'UserRole' })
  @IsIn(USER_ROLES)
  role!: UserRole;
}

/** Omitted fields stay as they are. Disabling a user ends its sessions. */
export class UpdateUserDto {
  @ApiPropertyOptional({ format: 'password', minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH })
  @IsOptional()
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(MAX_PASSWORD_LENGTH)
  password?: string;

  @ApiPropertyOptional({ enum: USER_ROLES, enumName: 'UserRole' })
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}
