import { ApiProperty } from '@nestjs/swagger';

import { PageDto } from '../../common/pagination.dto';
import { SyncPolicyDto } from './sync-policy.dto';

export class PoolDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  description!: string | null;

  @ApiProperty({ type: () => SyncPolicyDto })
  sync_policy!: SyncPolicyDto;

  @ApiProperty({ type: [String], format: 'uuid', description: 'IDs of the endpoints in the pool' })
  endpoints!: string[];

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The current target snapshot' })
  target_state_id!: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at!: Date;

  @ApiProperty({ format: 'date-time' })
  updated_at!: Date;
}

export class PoolPageDto extends PageDto<PoolDto> {
  @ApiProperty({ type: () => [PoolDto] })
  items!: PoolDto[];
}
