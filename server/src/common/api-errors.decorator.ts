import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

import { ERROR_STATUS, ErrorCode } from './errors/error-code';
import { ErrorResponseDto } from './errors/error-response.dto';

/**
 * Documents the error answers of a route with the one error schema. 400, 429 and 503 can happen
 * on every route and are always listed.
 */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const all = new Set<ErrorCode>([
    ErrorCode.VALIDATION_ERROR,
    ErrorCode.RATE_LIMITED,
    ErrorCode.UNAVAILABLE,
    ...codes,
  ]);
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of all)
    byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return applyDecorators(
    ...[...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, statusCodes]) =>
        ApiResponse({ status, type: ErrorResponseDto, description: statusCodes.sort().join(' | ') }),
      ),
  );
}
