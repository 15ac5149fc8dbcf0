import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import {
  IsArchitecture,
  IsContentHash,
  IsPackageName,
  IsPackageVersion,
  IsPacmanConfValue,
  IsRepositoryName,
} from '../../common/validators';

export const MAX_REPOSITORIES = 64;
export const MAX_PACKAGES_PER_REPOSITORY = 100000;
export const MAX_CACHED_PACKAGES = 200000;
export const MAX_HOLD_PATTERNS = 1000;
export const MAX_IGNORED_GROUP_MEMBERS = 200000;

export class RepositoryPackageDto {
  @ApiProperty({ example: 'linux' })
  @IsString()
  @IsPackageName()
  name!: string;

  @ApiProperty({ example: '6.12.1.arch1-1' })
  @IsString()
  @IsPackageVersion()
  version!: string;

  @ApiProperty({ example: 'x86_64' })
  @IsString()
  @IsArchitecture()
  architecture!: string;
}

export class RepositoryDto {
  @ApiProperty({ example: 'core' })
  @IsString()
  @IsRepositoryName()
  repo_name!: string;

  @ApiProperty({ example: 'https://geo.mirror.pkgbuild.com/core/os/x86_64', maxLength: 500 })
  @IsString()
  @MaxLength(500)
  repo_url!: string;

  @ApiProperty({ type: () => [RepositoryPackageDto], maxItems: MAX_PACKAGES_PER_REPOSITORY })
  @IsArray()
  @ArrayMaxSize(MAX_PACKAGES_PER_REPOSITORY)
  @ValidateNested({ each: true })
  @Type(() => RepositoryPackageDto)
  packages!: RepositoryPackageDto[];
}

export class CachedPackageDto {
  @ApiProperty({ example: 'linux' })
  @IsString()
  @IsPackageName()
  name!: string;

  @ApiProperty({ example: '6.11.9.arch1-1' })
  @IsString()
  @IsPackageVersion()
  version!: string;
}

export class IgnoredGroupMemberDto {
  @ApiProperty({ example: 'xorg-server' })
  @IsString()
  @IsPackageName()
  package_name!: string;

  @ApiProperty({ example: 'xorg' })
  @IsString()
  @IsPacmanConfValue()
  group!: string;
}

/** What the endpoint's pacman.conf holds back (shared PacmanHolds). */
export class PacmanHoldsDto {
  @ApiProperty({
    type: [String],
    maxItems: MAX_HOLD_PATTERNS,
    example: ['linux*', 'nvidia'],
    description: 'IgnorePkg values in pacman.conf order (fnmatch patterns over package names)',
  })
  @IsArray()
  @ArrayMaxSize(MAX_HOLD_PATTERNS)
  @IsString({ each: true })
  @IsPacmanConfValue({ each: true })
  ignore_pkg!: string[];

  @ApiProperty({
    type: [String],
    maxItems: MAX_HOLD_PATTERNS,
    example: ['xorg'],
    description: 'IgnoreGroup values (fnmatch patterns over group names)',
  })
  @IsArray()
  @ArrayMaxSize(MAX_HOLD_PATTERNS)
  @IsString({ each: true })
  @IsPacmanConfValue({ each: true })
  ignore_group!: string[];

  @ApiProperty({
    type: () => [IgnoredGroupMemberDto],
    maxItems: MAX_IGNORED_GROUP_MEMBERS,
    description: 'Packages in a group IgnoreGroup matches, as the endpoint’s databases list them',
  })
  @IsArray()
  @ArrayMaxSize(MAX_IGNORED_GROUP_MEMBERS)
  @ValidateNested({ each: true })
  @Type(() => IgnoredGroupMemberDto)
  ignored_group_members!: IgnoredGroupMemberDto[];
}

const isFullReport = (report: RepositoryReportDto) =>
  report.content_hash === undefined || report.repositories !== undefined;

/**
 * Body of POST /api/endpoints/{id}/repositories, like the state report in two forms:
 *
 * - check-in: `{content_hash}` only (shared repositoryContentHash of the repositories): `known: true` when
 *   it is what the endpoint reported last, else `known: false` and the client sends the full form.
 * - full report: `{repositories, cached_packages?, archive?, holds?}` in pacman.conf order. Each
 *   repository's package list is stored once per identical content, however many endpoints report it. Send
 *   the full form also when the package cache, the archive setting or the holds changed: the hash covers
 *   repositories only.
 */
export class RepositoryReportDto {
  @ApiPropertyOptional({ description: 'repositoryContentHash of `repositories`; alone it is a check-in' })
  @IsOptional()
  @IsString()
  @IsContentHash()
  content_hash?: string;

  @ApiPropertyOptional({
    type: () => [RepositoryDto],
    maxItems: MAX_REPOSITORIES,
    description: 'pacman.conf order',
  })
  @ValidateIf(isFullReport)
  @IsArray()
  @ArrayMaxSize(MAX_REPOSITORIES)
  @ValidateNested({ each: true })
  @Type(() => RepositoryDto)
  repositories?: RepositoryDto[];

  @ApiPropertyOptional({
    type: () => [CachedPackageDto],
    maxItems: MAX_CACHED_PACKAGES,
    description: 'Package files in the local cache (pacman -U can install them without a repository)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CACHED_PACKAGES)
  @ValidateNested({ each: true })
  @Type(() => CachedPackageDto)
  cached_packages?: CachedPackageDto[];

  @ApiPropertyOptional({
    description:
      'Whether the client has an archive configured: any exact version of a package the endpoint gets from ' +
      'one of Arch Linux’s own repositories is then available',
  })
  @IsOptional()
  @IsBoolean()
  archive?: boolean;

  @ApiPropertyOptional({
    type: () => PacmanHoldsDto,
    description:
      'What the endpoint’s pacman.conf holds (IgnorePkg, IgnoreGroup); plans leave those packages alone',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => PacmanHoldsDto)
  holds?: PacmanHoldsDto;
}

export class RepositoryReportResultDto {
  @ApiProperty({
    description: 'Whether the server holds these repositories (always true after a full report)',
  })
  known!: boolean;

  @ApiProperty({ description: 'Whether the endpoint’s stored repositories changed' })
  changed!: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'repositoryContentHash of the stored repositories',
  })
  content_hash!: string | null;

  @ApiProperty({ description: 'Repository package lists that were new to the server (0: all deduplicated)' })
  new_contents!: number;
}
