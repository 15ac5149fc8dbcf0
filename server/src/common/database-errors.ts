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
