import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';

import { PageDto, PaginationQueryDto } from '../../common/pagination.dto';
import { IsUuid } from '../../common/validators';

export class AnalyzeRequestDto {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  pool_id!: string;
}

export class ListAnalysesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUuid()
  pool_id?: string;
}

export class AnalyzedPackageDto {
  @ApiProperty()
  name!: string;
  @ApiProperty()
  version!: string;
  @ApiProperty()
  repository!: string;
  @ApiProperty()
  architecture!: string;
}

export class ExcludedPackageDto {
  @ApiProperty()
  package_name!: string;
  @ApiProperty()
  target_version!: string;
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Endpoints none of whose repositories offer it',
  })
  missing_on!: string[];
}

export class ConflictOfferDto {
  @ApiProperty({ type: [String], format: 'uuid' })
  endpoint_ids!: string[];
  @ApiProperty()
  version!: string;
  @ApiProperty()
  repository!: string;
}

export class PackageConflictDto {
  @ApiProperty()
  package_name!: string;
  @ApiProperty()
  target_version!: string;
  @ApiProperty({ type: () => [ConflictOfferDto] })
  offered!: ConflictOfferDto[];
}

export class CompatibilityAnalysisDto {
  @ApiProperty({ format: 'uuid' })
  pool_id!: string;
  @ApiProperty({
    type: () => [AnalyzedPackageDto],
    description: 'Offered to every endpoint at the target version',
  })
  common_packages!: AnalyzedPackageDto[];
  @ApiProperty({
    type: () => [ExcludedPackageDto],
    description: 'Not offered at all to at least one endpoint',
  })
  excluded_packages!: ExcludedPackageDto[];
  @ApiProperty({
    type: () => [PackageConflictDto],
    description: 'Offered everywhere, but not everywhere at the target version',
  })
  conflicts!: PackageConflictDto[];
  @ApiProperty({ format: 'date-time' })
  last_analyzed!: string;
}

export class CompatibilityAnalysisPageDto extends PageDto<CompatibilityAnalysisDto> {
  @ApiProperty({ type: () => [CompatibilityAnalysisDto] })
  items!: CompatibilityAnalysisDto[];
}
