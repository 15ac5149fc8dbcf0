import {
  ForbiddenException,
  HttpException,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { QueryRunnerAlreadyReleasedError } from 'typeorm';

import { AllExceptionsFilter, isDatabaseUnavailable } from './all-exceptions.filter';
import { ApiException } from './api.exception';
import { ErrorCode } from './error-code';

describe('AllExceptionsFilter', () => {
  const filter = new AllExceptionsFilter({} as HttpAdapterHost);
  const request = { id: 'req-42', method: 'GET', url: '/api/x' };
  const respond = (exception: unknown) => filter.toResponse(exception, request);

  it('keeps the code, message and details of an ApiException', () => {
    const { status, body } = respond(ApiException.syncConflict('busy', { endpoint_id: 'e' }));
    expect(status).toBe(409);
    expect(body.error).toEqual({
      code: ErrorCode.SYNC_CONFLICT,
      message: 'busy',
      details: { endpoint_id: 'e' },
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it.each([
    [new UnauthorizedException('token expired'), 401, ErrorCode.UNAUTHENTICATED, 'token expired'],
    [new ForbiddenException(), 403, ErrorCode.FORBIDDEN, 'Forbidden'],
    [new NotFoundException('Cannot GET /api/nope'), 404, ErrorCode.NOT_FOUND, 'Cannot GET /api/nope'],
    [new PayloadTooLargeException(), 413, ErrorCode.PAYLOAD_TOO_LARGE, 'Payload Too Large'],
    [new HttpException('slow down', 429), 429, ErrorCode.RATE_LIMITED, 'slow down'],
  ])('maps %s to %i %s', (exception, status, code, message) => {
    const response = respond(exception);
    expect({
      status: response.status,
      code: response.body.error.code,
      message: response.body.error.message,
    }).toEqual({
      status,
      code,
      message,
    });
  });

  it('adds Retry-After to 429', () => {
    expect(respond(new HttpException('slow down', 429)).headers).toEqual({ 'retry-after': '60' });
  });

  it.each([
    [
      { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 },
      400,
      ErrorCode.VALIDATION_ERROR,
      'Malformed JSON body',
    ],
    [
      { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 },
      413,
      ErrorCode.PAYLOAD_TOO_LARGE,
      'Request body too large',
    ],
    [
      { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 },
      415,
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      expect.any(String),
    ],
  ])('maps Fastify error %j', (error, status, code, message) => {
    const response = respond(Object.assign(new Error('fastify said no'), error));
    expect({
      status: response.status,
      code: response.body.error.code,
      message: response.body.error.message,
    }).toEqual({
      status,
      code,
      message,
    });
  });

  it('answers a real bug with 500 INTERNAL_ERROR, the request id and nothing of the internals', () => {
    const { status, body } = respond(
      new TypeError("Cannot read properties of undefined (reading 'secret_column')"),
    );
    expect(status).toBe(500);
    expect(body.error).toMatchObject({
      code: ErrorCode.INTERNAL_ERROR,
      message: 'Internal server error',
      details: { request_id: 'req-42' },
    });
    expect(JSON.stringify(body)).not.toContain('secret_column');
  });

  it('answers database outages with 503 UNAVAILABLE', () => {
    const { status, body, headers } = respond(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    );
    expect(status).toBe(503);
    expect(body.error.code).toBe(ErrorCode.UNAVAILABLE);
    expect(body.error.message).not.toContain('5432');
    expect(headers['retry-after']).toBe('5');
  });
});

describe('isDatabaseUnavailable', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, true],
    [{ code: '57P01' }, true],
    [{ code: '08006' }, true],
    [{ driverError: { code: 'SQLITE_BUSY' } }, true],
    [new Error('Connection terminated unexpectedly'), true],
    [new TypeError('The database connection is not open'), true],
    [new QueryRunnerAlreadyReleasedError(), true],
    [{ code: '57014' }, true],
    [new Error('Query read timeout'), true],
    [new Error('timeout exceeded when trying to connect'), true],
    [{ code: '23505' }, false],
    [new Error('syntax error at or near "FROM"'), false],
    [null, false],
    ['ECONNREFUSED', false],
  ])('%j -> %s', (error, expected) => {
    expect(isDatabaseUnavailable(error)).toBe(expected);
  });
});
