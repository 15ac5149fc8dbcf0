import type { Operation } from '../../src/api/api-types';

/** An operation as the server lists it: a pending sync unless `parts` says otherwise. */
export function serverOperation(
  parts: Partial<Operation> & Pick<Operation, 'id' | 'endpoint_id'>,
): Operation {
  const now = new Date().toISOString();
  return {
    pool_id: null,
    operation_type: 'sync',
    status: 'pending',
    details: null,
    before_state_id: null,
    after_state_id: null,
    target_state_id: null,
    error: null,
    created_at: now,
    claimed_at: null,
    updated_at: now,
    completed_at: null,
    ...parts,
  };
}
