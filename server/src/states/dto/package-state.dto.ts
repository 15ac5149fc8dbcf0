import { type InstallReason } from '@pacman-sync/shared';
import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

import { IsPackageName, IsPackageVersion } from '../../common/validators';

const INSTALL_REASONS: InstallReason[] = ['explicit', 'dependency'];

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

  @ApiProperty({ example: 'core', description: 'Sync repository, or `local` for foreign packages' })
  @IsString()
  @MaxLength(128)
  @Matches(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, { message: 'repository must be a repository name or "local"' })
  repository!: string;

  @ApiProperty({ minimum: 0, description: 'Bytes' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  installed_size!: number;

  @ApiProperty({ type: [String], maxItems: 2000, description: 'Dependency expressions as pacman lists them' })
  @IsArray()
  @ArrayMaxSize(2000)
  @IsString({ each: true })
  @MaxLength(512, { each: true })
  dependencies!: string[];

  @ApiProperty({ enum: INSTALL_REASONS, enumName: 'InstallReason' })
  @IsIn(INSTALL_REASONS)
  install_reason!: InstallReason;
}
