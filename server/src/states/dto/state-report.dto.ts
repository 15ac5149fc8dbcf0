import { SYNC_STATUSES, type SyncStatus } from '@pacman-sync/shared';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsOptional, IsString, Matches, ValidateIf } from 'class-validator';

import { BulkValidatedList } from '../../common/validation';

import { IsArchitecture, IsContentHash } from '../../common/validators';
import { packageStateListErrors } from '../package-state-list.validator';
import { PackageStateDto } from './package-state.dto';

/**
 * Arch desktops have 500–3,000 packages and big workstations rarely 6,000: 20,000 leaves room for any
 * real machine, while a report's parsing and checks stay short enough not to stall the server for others.
 */
export const MAX_PACKAGES_PER_STATE = 20_000;

const isFullReport = (report: StateReportDto) =>
  report.content_hash === undefined ||
  report.packages !== undefined ||
  report.pacman_version !== undefined ||
  report.architecture !== undefined;

/**
 * Body of POST /api/endpoints/{id}/state, in one of two forms:
 *
 * - check-in: `{content_hash}` only. The server answers `known: true` (and updates last_seen) when that
 *   hash is the endpoint's latest snapshot; otherwise `known: false` and the client sends the full form.
 * - full report: `{pacman_version, architecture, packages}`, optionally with `content_hash`, which must then
 *   equal the hash the server computes (shared stateContentHash) from the packages.
 */
export class StateReportDto {
  @ApiPropertyOptional({
    example: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    description: 'stateContentHash of the state; alone it is a check-in',
  })
  @IsOptional()
  @IsString()
  @IsContentHash()
  content_hash?: string;

  @ApiPropertyOptional({ example: '7.0.0', description: 'Required in a full report' })
  @ValidateIf(isFullReport)
  @IsString()
  @Matches(/^[0-9A-Za-z][0-9A-Za-z.+_~-]{0,63}$/, { message: 'pacman_version must be a version like 7.0.0' })
  pacman_version?: string;

  @ApiPropertyOptional({ example: 'x86_64', description: 'Required in a full report' })
  @ValidateIf(isFullReport)
  @IsString()
  @IsArchitecture()
  architecture?: string;

  @ApiPropertyOptional({
    type: () => [PackageStateDto],
    maxItems: MAX_PACKAGES_PER_STATE,
    description: 'Required in a full report; package names must be unique',
  })
  @ValidateIf(isFullReport)
  @IsArray()
  @BulkValidatedList(packageStateListErrors(MAX_PACKAGES_PER_STATE))
  packages?: PackageStateDto[];
}

export class StateReportResultDto {
  @ApiProperty({ description: 'Whether the server holds this state (always true after a full report)' })
  known!: boolean;

  @ApiProperty({ description: 'Whether a new snapshot was written' })
  changed!: boolean;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The endpoint’s latest snapshot; null when unknown',
  })
  state_id!: string | null;

  @ApiProperty({ enum: SYNC_STATUSES, enumName: 'SyncStatus' })
  sync_status!: SyncStatus;
}
