import {
  LAST_ADMIN_MESSAGE,
  LAST_ADMIN_SQLSTATE,
} from '../database/migrations/1765200000000-login-throttle-and-enrolment-pools';

/** Whether a TypeORM/driver error is a unique-constraint violation (PostgreSQL 23505, SQLite CONSTRAINT_UNIQUE). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const candidate = error as {
    code?: unknown;
    driverError?: { code?: unknown; message?: unknown; constraint?: unknown };
    message?: unknown;
  };
  const driver = candidate?.driverError ?? candidate;
  const code = (driver as { code?: unknown })?.code;
  const message = String((driver as { message?: unknown })?.message ?? candidate?.message ?? '');
  if (code === '23505') {
    return constraint === undefined || (driver as { constraint?: unknown }).constraint === constraint;
  }
  if (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /UNIQUE constraint failed/.test(message)
  ) {
    // SQLite names the columns, not the index; callers that care pass the constraint and accept either.
    return true;
  }
  return false;
}

/** PostgreSQL aborted the transaction for a concurrent one: serialization_failure or deadlock_detected. */
export function isConcurrencyAbort(error: unknown): boolean {
  const code = databaseErrorCode(error);
  return code === '40001' || code === '40P01';
}

/** The trigger that keeps an enabled admin refused the change (see the migration that adds it). */
export function isLastAdminViolation(error: unknown): boolean {
  if (databaseErrorCode(error) === LAST_ADMIN_SQLSTATE) return true;
  const candidate = error as { message?: unknown; driverError?: { message?: unknown } } | null;
  const message = String(candidate?.driverError?.message ?? candidate?.message ?? '');
  return message.includes(LAST_ADMIN_MESSAGE);
}

function databaseErrorCode(error: unknown): unknown {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  return candidate?.driverError?.code ?? candidate?.code;
}
