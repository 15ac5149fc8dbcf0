import { ApiProperty } from '@nestjs/swagger';

import { PageDto } from '../../common/pagination.dto';
import { PackageStateDto } from './package-state.dto';

/** A snapshot without its package list (histories). */
export class StateSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  endpoint_id!: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Pool of the endpoint when it reported',
  })
  pool_id!: string | null;

  @ApiProperty({ example: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' })
  content_hash!: string;

  @ApiProperty({ example: '7.0.0' })
  pacman_version!: string;

  @ApiProperty({ example: 'x86_64' })
  architecture!: string;

  @ApiProperty()
  package_count!: number;

  @ApiProperty({ description: 'Whether this is its pool’s current target' })
  is_target!: boolean;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When it last became the target',
  })
  set_at!: Date | null;

  @ApiProperty({ type: String, nullable: true, description: 'Who made it the target' })
  set_by!: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at!: Date;
}

/** A snapshot with its packages. */
export class StateDto extends StateSummaryDto {
  @ApiProperty({ type: () => [PackageStateDto] })
  packages!: PackageStateDto[];
}

export class StateSummaryPageDto extends PageDto<StateSummaryDto> {
  @ApiProperty({ type: () => [StateSummaryDto] })
  items!: StateSummaryDto[];
}
