import { OperationDto } from './dto/operation.dto';
import { SyncOperation } from './sync-operation.entity';

export function toOperationDto(operation: SyncOperation): OperationDto {
  return {
    id: operation.id,
    pool_id: operation.pool_id,
    endpoint_id: operation.endpoint_id,
    operation_type: operation.operation_type,
    status: operation.status,
    details: operation.details,
    before_state_id: operation.before_state_id,
    after_state_id: operation.after_state_id,
    target_state_id: operation.target_state_id,
    error: operation.error,
    created_at: operation.created_at,
    claimed_at: operation.claimed_at,
    updated_at: operation.updated_at,
    completed_at: operation.completed_at,
  };
}

/** The event payload: everything but `details`, which can hold a plan of thousands of packages. */
export function toOperationEvent(operation: SyncOperation): Record<string, unknown> {
  const { details, ...rest } = toOperationDto(operation);
  return { ...rest, progress: (details as { progress?: unknown } | null)?.progress ?? null };
}
