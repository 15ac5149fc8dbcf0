import { CONFLICT_RESOLUTIONS, type ConflictResolution } from '@pacman-sync/shared';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional } from 'class-validator';

import { IsExclusionPatternList } from '../../common/validators';

export const MAX_EXCLUSION_PATTERNS = 500;

/** A pool's full sync policy as the API returns it (DESIGN.md §3 "Sync policy"). */
export class SyncPolicyDto {
  @ApiProperty({ description: 'Create sync operations for every other endpoint when the target changes' })
  auto_sync!: boolean;

  @ApiProperty({
    type: [String],
    example: ['linux*', 'nvidia*'],
    description: 'Glob patterns of package names left out',
  })
  exclude_packages!: string[];

  @ApiProperty({ description: 'Whether foreign (AUR, hand-built) packages count' })
  include_aur!: boolean;

  @ApiProperty({ description: 'Remove packages the target lacks (default: keep and report them)' })
  remove_extra!: boolean;

  @ApiProperty({ enum: CONFLICT_RESOLUTIONS, enumName: 'ConflictResolution' })
  conflict_resolution!: ConflictResolution;

  @ApiProperty({
    description:
      'Whether an endpoint may sync, set-latest or revert itself with its own token (default true); ' +
      'false leaves those to admins and CI (403 FORBIDDEN for the endpoint)',
  })
  allow_endpoint_actions!: boolean;

  @ApiProperty({
    description:
      'Whether an endpoint may also make its own state the pool target (set-latest) with its own token ' +
      '(default false: that changes what every machine of the pool installs, so admins and CI do it); ' +
      'needs allow_endpoint_actions too',
  })
  allow_endpoint_set_latest!: boolean;

  @ApiProperty({
    type: [String],
    example: ['linux*'],
    description:
      'Glob patterns of package names whose endpoint holds (pacman.conf IgnorePkg / IgnoreGroup) the pool ' +
      'overrides: such a package is changed anyway (default none: holds are respected)',
  })
  override_holds!: string[];
}

/** Policy fields in a request; omitted ones keep their current (or default) value. */
export class SyncPolicyInputDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  auto_sync?: boolean;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_EXCLUSION_PATTERNS, example: ['linux*', 'nvidia*'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_EXCLUSION_PATTERNS)
  @IsExclusionPatternList()
  exclude_packages?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  include_aur?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  remove_extra?: boolean;

  @ApiPropertyOptional({ enum: CONFLICT_RESOLUTIONS, enumName: 'ConflictResolution' })
  @IsOptional()
  @IsIn(CONFLICT_RESOLUTIONS)
  conflict_resolution?: ConflictResolution;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  allow_endpoint_actions?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  allow_endpoint_set_latest?: boolean;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_EXCLUSION_PATTERNS, example: ['linux*'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_EXCLUSION_PATTERNS)
  @IsExclusionPatternList()
  override_holds?: string[];
}
