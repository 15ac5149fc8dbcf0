import { ERROR_STATUS, ErrorCode } from './error-code';

/** What domain code throws; the global filter turns it into the error body. */
export class ApiException extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> | null = null,
  ) {
    super(message);
    this.name = 'ApiException';
    this.status = ERROR_STATUS[code];
  }

  static notFound(what: string, id: string): ApiException {
    return new ApiException(ErrorCode.NOT_FOUND, `${what} ${id} not found`, { id });
  }

  static conflict(message: string, details: Record<string, unknown> | null = null): ApiException {
    return new ApiException(ErrorCode.CONFLICT, message, details);
  }

  static syncConflict(message: string, details: Record<string, unknown> | null = null): ApiException {
    return new ApiException(ErrorCode.SYNC_CONFLICT, message, details);
  }

  static validation(message: string, fields: FieldError[]): ApiException {
    return new ApiException(ErrorCode.VALIDATION_ERROR, message, { fields });
  }
}

export interface FieldError {
  field: string;
  messages: string[];
}
