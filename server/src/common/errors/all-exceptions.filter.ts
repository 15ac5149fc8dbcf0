import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

import { isConcurrencyAbort } from '../database-errors';
import { ApiException } from './api.exception';
import { ERROR_STATUS, ErrorCode } from './error-code';
import { ErrorResponseDto } from './error-response.dto';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.VALIDATION_ERROR,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  405: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  // Fastify: a path parameter over maxParamLength; no id of this API is that long, so it is bad input.
  414: ErrorCode.VALIDATION_ERROR,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.UNAVAILABLE,
};

// Errors of the pg driver and of SQLite that mean "the database cannot answer now", not "bad query".
const UNAVAILABLE_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '57014', // query_canceled: statement_timeout, the database is too slow to answer now
  '55000', // database not accepting connections (ALLOW_CONNECTIONS false)
  '3D000', // the configured database does not exist (any more)
  '28000', // the server no longer accepts our role
  '28P01',
  'SQLITE_BUSY',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
]);
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /connection is not (open|established)/i,
  /pool.*ended/i,
  /Query read timeout/i, // pg's query_timeout: no answer from the server
  /timeout exceeded when trying to connect/i, // pg-pool's connectionTimeoutMillis
];

export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { code?: unknown; driverError?: unknown; message?: unknown; name?: unknown };
  if (typeof candidate.code === 'string') {
    if (UNAVAILABLE_ERROR_CODES.has(candidate.code) || candidate.code.startsWith('08')) return true;
  }
  if (
    candidate.name === 'ConnectionIsNotSetError' ||
    candidate.name === 'CannotExecuteNotConnectedError' ||
    // TypeORM releases a transaction's query runner when its connection fails (PostgreSQL restarted); the
    // transaction's next statement then finds it released. The write did not happen: 503, not a bug.
    candidate.name === 'QueryRunnerAlreadyReleasedError'
  ) {
    return true;
  }
  if (
    typeof candidate.message === 'string' &&
    UNAVAILABLE_MESSAGES.some((re) => re.test(candidate.message as string))
  ) {
    return true;
  }
  return candidate.driverError !== undefined && isDatabaseUnavailable(candidate.driverError);
}

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

interface RequestLike {
  id?: string;
  method?: string;
  url?: string;
}

/**
 * The only place that shapes error bodies. Nest routes reach it as a global filter; Fastify's own
 * errors (malformed JSON, body too large, unknown content type) and unknown routes are handed to
 * {@link AllExceptionsFilter.toResponse} by the hooks that createApp installs.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('AllExceptionsFilter');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<RequestLike>();
    const { status, body, headers } = this.toResponse(exception, request);
    const reply = http.getResponse();
    const adapter = this.adapterHost.httpAdapter;
    for (const [name, value] of Object.entries(headers)) adapter.setHeader(reply, name, value);
    adapter.reply(reply, body, status);
  }

  toResponse(
    exception: unknown,
    request: RequestLike,
  ): { status: number; body: ErrorResponseDto; headers: Record<string, string> } {
    const { code, message, details, headers } = this.classify(exception, request);
    return {
      status: ERROR_STATUS[code],
      headers,
      body: { error: { code, message, details, timestamp: new Date().toISOString() } },
    };
  }

  private classify(
    exception: unknown,
    request: RequestLike,
  ): {
    code: ErrorCode;
    message: string;
    details: Record<string, unknown> | null;
    headers: Record<string, string>;
  } {
    const headers: Record<string, string> = {};
    if (exception instanceof ApiException) {
      return { code: exception.code, message: exception.message, details: exception.details, headers };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = CODE_BY_STATUS[status];
      if (code) {
        if (code === ErrorCode.RATE_LIMITED) headers['retry-after'] = '60';
        return { code, message: this.httpExceptionMessage(exception), details: null, headers };
      }
    }
    const fastifyError = exception as FastifyLikeError;
    if (
      typeof fastifyError?.code === 'string' &&
      fastifyError.code.startsWith('FST_') &&
      typeof fastifyError.statusCode === 'number' &&
      CODE_BY_STATUS[fastifyError.statusCode]
    ) {
      return {
        code: CODE_BY_STATUS[fastifyError.statusCode],
        message: this.fastifyMessage(fastifyError),
        details: null,
        headers,
      };
    }
    if (exception instanceof SyntaxError && fastifyError.statusCode === 400) {
      return { code: ErrorCode.VALIDATION_ERROR, message: 'Malformed JSON body', details: null, headers };
    }
    if (isConcurrencyAbort(exception)) {
      // A transaction PostgreSQL aborted for a concurrent one, outside inTransaction's retries: a race
      // the client may simply repeat, never a 500.
      return {
        code: ErrorCode.CONFLICT,
        message: 'A concurrent change got in the way; try again',
        details: null,
        headers,
      };
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn({ request_id: request.id, err: exception, msg: 'database unavailable' });
      headers['retry-after'] = '5';
      return { code: ErrorCode.UNAVAILABLE, message: 'The database is unavailable', details: null, headers };
    }
    this.logger.error({
      msg: 'unhandled error',
      request_id: request.id,
      method: request.method,
      url: request.url,
      err: exception,
    });
    return {
      code: ErrorCode.INTERNAL_ERROR,
      message: 'Internal server error',
      details: { request_id: request.id ?? null },
      headers,
    };
  }

  private httpExceptionMessage(exception: HttpException): string {
    const response = exception.getResponse();
    if (typeof response === 'string') return response;
    const message = (response as { message?: unknown }).message;
    if (typeof message === 'string') return message;
    if (Array.isArray(message)) return message.join('; ');
    return exception.message;
  }

  private fastifyMessage(error: FastifyLikeError): string {
    switch (error.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return 'Malformed JSON body';
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return 'Empty JSON body: send a JSON object or no Content-Type';
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return 'Request body too large';
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return 'Unsupported Content-Type: send application/json';
      default:
        return error.message ?? 'Bad request';
    }
  }
}
