import { type InstallReason, type PackageSource } from '@pacman-sync/shared';
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
