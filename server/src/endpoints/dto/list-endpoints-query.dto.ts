import { SYNC_STATUSES, type SyncStatus } from '@pacman-sync/shared';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';

import { PaginationQueryDto } from '../../common/pagination.dto';

export class ListEndpointsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  pool_id?: string;

  @ApiPropertyOptional({ enum: SYNC_STATUSES, enumName: 'SyncStatus', description: 'The stored status' })
  @IsOptional()
  @IsIn(SYNC_STATUSES)
  sync_status?: SyncStatus;
}
