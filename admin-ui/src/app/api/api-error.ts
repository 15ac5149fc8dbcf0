import { HttpErrorResponse } from '@angular/common/http';

import type { ErrorCode } from './generated/models';

/** Codes the server sends (ErrorCode) plus NETWORK_ERROR for a request that never got an answer. */
export type ApiErrorCode = ErrorCode | 'NETWORK_ERROR';

/**
 * Every failed API call surfaces as this one error, carrying the design's error body
 * `{error: {code, message, details, timestamp}}` whatever the server, a proxy or the network produced.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details: unknown = null,
    readonly timestamp: string = new Date().toISOString(),
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field messages of a VALIDATION_ERROR (`details.fields`), as `field: message` lines for forms. */
  get fieldMessages(): string[] {
    const fields = isRecord(this.details) ? this.details['fields'] : null;
    if (!Array.isArray(fields)) return [];
    return fields.filter(isRecord).flatMap((entry) => {
      const messages = Array.isArray(entry['messages']) ? entry['messages'] : [];
      return messages.map((message) => `${String(entry['field'])}: ${String(message)}`);
    });
  }
}

const FALLBACK_CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION_ERROR',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/** Maps any HTTP failure to an ApiError; bodies that are not the design's shape get a code from the status. */
export function toApiError(response: HttpErrorResponse): ApiError {
  if (response.status === 0) {
    return new ApiError(
      0,
      'NETWORK_ERROR',
      'The server cannot be reached. Check the connection and try again.',
    );
  }
  const body = parseBody(response.error);
  const envelope = isRecord(body) && isRecord(body['error']) ? body['error'] : null;
  if (envelope && typeof envelope['code'] === 'string' && typeof envelope['message'] === 'string') {
    return new ApiError(
      response.status,
      envelope['code'] as ErrorCode,
      envelope['message'],
      envelope['details'] ?? null,
      typeof envelope['timestamp'] === 'string' ? envelope['timestamp'] : undefined,
    );
  }
  const code = FALLBACK_CODES[response.status] ?? 'INTERNAL_ERROR';
  return new ApiError(
    response.status,
    code,
    `The server answered ${response.status} ${response.statusText}`.trim(),
  );
}

/** A readable one-line message for any thrown value, for the error states of the screens. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof HttpErrorResponse) return toApiError(error).message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A form's refusal in one line: the message, then what each field got wrong (a VALIDATION_ERROR's details). */
export function formErrorMessage(error: unknown): string {
  const fields = error instanceof ApiError ? error.fieldMessages : [];
  return [errorMessage(error), ...fields].join(' — ');
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
