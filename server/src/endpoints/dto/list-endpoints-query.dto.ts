import { SYNC_STATUSES, type SyncStatus } from '@pacman-sync/shared';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

import { PaginationQueryDto } from '../../common/pagination.dto';
import { IsUuid } from '../../common/validators';

export const ENDPOINT_SORT_FIELDS = ['name', 'hostname', 'last_seen', 'sync_status', 'created_at'] as const;
export type EndpointSortField = (typeof ENDPOINT_SORT_FIELDS)[number];
export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export class ListEndpointsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUuid()
  pool_id?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: '`true`: only endpoints in no pool; `false`: only endpoints in a pool',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  unassigned?: 'true' | 'false';

  @ApiPropertyOptional({ enum: SYNC_STATUSES, enumName: 'SyncStatus', description: 'The stored status' })
  @IsOptional()
  @IsIn(SYNC_STATUSES)
  sync_status?: SyncStatus;

  @ApiPropertyOptional({
    maxLength: 255,
    description:
      'Case-insensitive substring of the name or the hostname; `%`, `_` and `\\` match themselves. ' +
      'Empty means no filter.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  search?: string;

  @ApiPropertyOptional({
    enum: ENDPOINT_SORT_FIELDS,
    enumName: 'EndpointSortField',
    default: 'created_at',
    description:
      'name and hostname ignore case; last_seen puts never-seen endpoints last in both orders; ' +
      'sync_status (the stored status) ascending is worst first: diverged, behind, offline, ahead, ' +
      'unknown, in_sync. Ties are broken by id, so pages never overlap.',
  })
  @IsOptional()
  @IsIn(ENDPOINT_SORT_FIELDS)
  sort: EndpointSortField = 'created_at';

  @ApiPropertyOptional({ enum: SORT_ORDERS, enumName: 'SortOrder', default: 'asc' })
  @IsOptional()
  @IsIn(SORT_ORDERS)
  order: SortOrder = 'asc';
}
