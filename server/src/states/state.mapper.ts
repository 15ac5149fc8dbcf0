import { FindOptionsSelect } from 'typeorm';

import { PackageStateEntity } from './package-state.entity';
import { StateDto, StateSummaryDto } from './dto/state.dto';

export function toStateSummary(state: PackageStateEntity): StateSummaryDto {
  return {
    id: state.id,
    endpoint_id: state.endpoint_id,
    pool_id: state.pool_id,
    content_hash: state.content_hash,
    pacman_version: state.pacman_version,
    architecture: state.architecture,
    package_count: state.package_count,
    is_target: state.is_target,
    set_at: state.set_at,
    set_by: state.set_by,
    created_at: state.created_at,
  };
}

export function toStateDto(state: PackageStateEntity): StateDto {
  return { ...toStateSummary(state), packages: state.state_data };
}

/** The columns of a snapshot without its (large) package list. */
export const STATE_SUMMARY_COLUMNS: FindOptionsSelect<PackageStateEntity> = {
  id: true,
  endpoint_id: true,
  pool_id: true,
  content_hash: true,
  pacman_version: true,
  architecture: true,
  package_count: true,
  is_target: true,
  set_at: true,
  set_by: true,
  created_at: true,
};
