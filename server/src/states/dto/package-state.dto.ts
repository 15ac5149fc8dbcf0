import { type InstallReason, REPOSITORY_NAME_PATTERN } from '@pacman-sync/shared';
import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';

import { IsPackageName, IsPackageVersion, IsRepositoryName } from '../../common/validators';

// Shared with the single-pass validator of report package lists (package-state-list.validator.ts), which
// must enforce exactly what these decorators declare.
export const INSTALL_REASONS: InstallReason[] = ['explicit', 'dependency'];
export const MAX_DEPENDENCIES = 2000;
export const DEPENDENCY_MAX_LENGTH = 512;

/** One installed package in a report or a snapshot. */
export class PackageStateDto {
  @ApiProperty({ example: 'linux' })
  @IsString()
  @IsPackageName()
  package_name!: string;

  @ApiProperty({ example: '6.12.1.arch1-1' })
  @IsString()
  @IsPackageVersion()
  version!: string;

  @ApiProperty({
    example: 'core',
    pattern: REPOSITORY_NAME_PATTERN.source,
    description: 'Sync repository (the rule repository reports follow), or `local` for foreign packages',
  })
  @IsString()
  @IsRepositoryName()
  repository!: string;

  @ApiProperty({ minimum: 0, description: 'Bytes' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  installed_size!: number;

  @ApiProperty({
    type: [String],
    maxItems: MAX_DEPENDENCIES,
    description: 'Dependency expressions as pacman lists them',
  })
  @IsArray()
  @ArrayMaxSize(MAX_DEPENDENCIES)
  @IsString({ each: true })
  @MaxLength(DEPENDENCY_MAX_LENGTH, { each: true })
  dependencies!: string[];

  @ApiProperty({ enum: INSTALL_REASONS, enumName: 'InstallReason' })
  @IsIn(INSTALL_REASONS)
  install_reason!: InstallReason;
}
