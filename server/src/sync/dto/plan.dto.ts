import {
  HOLD_REASONS,
  PLAN_CHANGES,
  type HoldReason,
  type InstallReason,
  type PackageSource,
  type PlanChange,
} from '@pacman-sync/shared';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class PlanItemDto {
  @ApiProperty()
  package_name!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Installed version; null for an install' })
  from_version!: string | null;
  @ApiProperty({ description: 'The version the plan installs' })
  to_version!: string;
  @ApiProperty({ description: 'The version the wanted state has' })
  wanted_version!: string;
  @ApiProperty({ enum: ['explicit', 'dependency'] })
  install_reason!: InstallReason;
  @ApiProperty({ enum: ['cache', 'repository', 'archive'] })
  source!: PackageSource;
  @ApiProperty({ type: String, nullable: true })
  repository!: string | null;
}

export class PlanRemovalDto {
  @ApiProperty()
  package_name!: string;
  @ApiProperty()
  version!: string;
}

export class PlanReasonChangeDto {
  @ApiProperty()
  package_name!: string;
  @ApiProperty({ description: 'The installed version, which stays' })
  version!: string;
  @ApiProperty({ enum: ['explicit', 'dependency'] })
  from_reason!: InstallReason;
  @ApiProperty({ enum: ['explicit', 'dependency'] })
  to_reason!: InstallReason;
}

export class HeldPackageDto {
  @ApiProperty()
  package_name!: string;
  @ApiProperty({ enum: PLAN_CHANGES, enumName: 'PlanChange', description: 'What the plan does, or would do' })
  change!: PlanChange;
  @ApiProperty({ type: String, nullable: true })
  installed_version!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The wanted version; null for a removal' })
  wanted_version!: string | null;
  @ApiProperty({
    enum: HOLD_REASONS,
    enumName: 'HoldReason',
    description: '`ignore_pkg`: pacman.conf IgnorePkg; `ignore_group`: IgnoreGroup',
  })
  reason!: HoldReason;
  @ApiProperty({ description: 'The IgnorePkg pattern or the ignored group that holds the package' })
  held_by!: string;
}

export class UnavailablePackageDto {
  @ApiProperty()
  package_name!: string;
  @ApiProperty()
  wanted_version!: string;
  @ApiProperty({ type: String, nullable: true })
  installed_version!: string | null;
  @ApiProperty({ type: [String] })
  available_versions!: string[];
}

export class SyncPlanDto {
  @ApiProperty({ type: () => [PlanItemDto] })
  install!: PlanItemDto[];
  @ApiProperty({ type: () => [PlanItemDto] })
  upgrade!: PlanItemDto[];
  @ApiProperty({ type: () => [PlanItemDto] })
  downgrade!: PlanItemDto[];
  @ApiProperty({ type: () => [PlanRemovalDto] })
  remove!: PlanRemovalDto[];
  @ApiProperty({ type: () => [UnavailablePackageDto] })
  unavailable!: UnavailablePackageDto[];
  @ApiProperty({ type: () => [PlanItemDto] })
  substituted!: PlanItemDto[];
  @ApiProperty({ type: () => [PlanRemovalDto] })
  kept_extra!: PlanRemovalDto[];
  @ApiProperty({
    type: () => [PlanReasonChangeDto],
    description: 'Packages at the wanted version whose install reason the plan sets',
  })
  reasons!: PlanReasonChangeDto[];
  @ApiProperty({
    type: () => [HeldPackageDto],
    description:
      'Changes left out because the endpoint holds the package (pacman.conf IgnorePkg / IgnoreGroup)',
  })
  held!: HeldPackageDto[];
  @ApiProperty({
    type: () => [HeldPackageDto],
    description:
      'Changes made although the endpoint holds the package, because the pool’s override_holds matches it ' +
      '(each also in install/upgrade/downgrade/remove/reasons)',
  })
  overridden_holds!: HeldPackageDto[];
}

export const PLAN_KINDS = ['sync', 'revert'] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];

export class PlanQueryDto {
  @ApiPropertyOptional({
    enum: PLAN_KINDS,
    default: 'sync',
    description: '`sync`: to the pool target; `revert`: back to the state before the last sync or revert',
  })
  @IsOptional()
  @IsIn(PLAN_KINDS)
  kind: PlanKind = 'sync';
}

export class EndpointPlanDto {
  @ApiProperty({ format: 'uuid' })
  endpoint_id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  pool_id!: string | null;
  @ApiProperty({ enum: PLAN_KINDS })
  kind!: PlanKind;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The endpoint’s latest snapshot',
  })
  current_state_id!: string | null;
  @ApiProperty({ format: 'uuid', description: 'The snapshot the plan leads to' })
  target_state_id!: string;
  @ApiProperty({ type: () => SyncPlanDto })
  plan!: SyncPlanDto;
}
