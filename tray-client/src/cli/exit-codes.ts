import { ApiError, InvalidResponseError, ServerUnreachableError } from '../api/api-error';
import { ConfigError } from '../core/config/ini';
import { StateFileError } from '../core/config/state-dir';
import { PacmanError, UnsafeTargetError } from '../core/pacman/pacman-errors';
import { UnsafePlanError } from '../operations/plan-validation';

/** The CLI's exit codes (documented in tray-client/README.md). */
export const EXIT = Object.freeze({
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  /** The server refused (SYNC_CONFLICT, CONFLICT), the client refused the plan, or the user declined. */
  REFUSED: 3,
  /** No usable answer from the server: connection failed, timed out, or 502/503/504 after retries. */
  UNREACHABLE: 4,
});

/** Wrong flags, a missing argument, or a command that does not exist. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'USAGE';
}

/** The CLI declined to go on: no terminal to ask on, the user said no, or nothing was registered. */
export class RefusedError extends Error {
  override readonly name = 'RefusedError';

  constructor(
    message: string,
    readonly code = 'REFUSED',
  ) {
    super(message);
  }
}

/** A plain failure with a stable code for --json (exit 1). */
export class ClientError extends Error {
  override readonly name = 'ClientError';

  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.USAGE;
  if (error instanceof ServerUnreachableError) return EXIT.UNREACHABLE;
  if (error instanceof ApiError) {
    if (error.code === 'SYNC_CONFLICT' || error.code === 'CONFLICT') return EXIT.REFUSED;
    if (error.status === 502 || error.status === 503 || error.status === 504) return EXIT.UNREACHABLE;
    return EXIT.ERROR;
  }
  if (
    error instanceof RefusedError ||
    error instanceof UnsafePlanError ||
    error instanceof UnsafeTargetError
  ) {
    return EXIT.REFUSED;
  }
  // The client refused the plan before pacman changed anything (or pacman refused a package conflict).
  if (
    error instanceof PacmanError &&
    (error.code === 'PLAN_UNAVAILABLE' || error.code === 'PACKAGE_CONFLICT' || error.code === 'PACKAGE_HELD')
  ) {
    return EXIT.REFUSED;
  }
  return EXIT.ERROR;
}

/** A stable code for --json output, whatever the error's origin. */
export function errorCodeOf(error: unknown): string {
  if (error instanceof ApiError) return error.code;
  if (
    error instanceof ServerUnreachableError ||
    error instanceof InvalidResponseError ||
    error instanceof UsageError ||
    error instanceof RefusedError ||
    error instanceof ClientError ||
    error instanceof UnsafePlanError
  ) {
    return error.code;
  }
  if (error instanceof PacmanError) return `PACMAN_${error.code}`;
  if (error instanceof UnsafeTargetError) return 'UNSAFE_PLAN';
  if (error instanceof ConfigError) return 'CONFIG_ERROR';
  if (error instanceof StateFileError) return 'STATE_FILE_ERROR';
  return 'ERROR';
}
