import { HttpErrorResponse } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';

import { SessionStore } from '../auth/session.store';
import { provideApi } from './api-client';
import { ApiError, formErrorMessage, toApiError } from './api-error';
import { PoolsService } from './generated/services/pools.service';

describe('toApiError', () => {
  it('keeps the code, message, details and timestamp of the design error body', () => {
    const error = toApiError(
      new HttpErrorResponse({
        status: 409,
        error: {
          error: {
            code: 'SYNC_CONFLICT',
            message: 'An operation is already pending',
            details: { operation_id: 'x' },
            timestamp: '2026-11-30T20:00:00.000Z',
          },
        },
      }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect([error.status, error.code, error.message, error.details, error.timestamp]).toEqual([
      409,
      'SYNC_CONFLICT',
      'An operation is already pending',
      { operation_id: 'x' },
      '2026-11-30T20:00:00.000Z',
    ]);
  });

  it('gives a body that is not the design shape (a proxy page, garbage) a code from the status', () => {
    const fromProxy = toApiError(
      new HttpErrorResponse({ status: 502, statusText: 'Bad Gateway', error: '<html>' }),
    );
    expect([fromProxy.code, fromProxy.message]).toEqual([
      'INTERNAL_ERROR',
      'The server answered 502 Bad Gateway',
    ]);
    const hostile = toApiError(
      new HttpErrorResponse({ status: 429, error: { error: { code: 42, message: null } } }),
    );
    expect(hostile.code).toBe('RATE_LIMITED');
  });

  it('reports an unreachable server as NETWORK_ERROR', () => {
    expect(toApiError(new HttpErrorResponse({ status: 0 })).code).toBe('NETWORK_ERROR');
  });

  it('lists validation messages per field', () => {
    const error = new ApiError(400, 'VALIDATION_ERROR', 'Invalid request', {
      fields: [{ field: 'name', messages: ['must not be empty', 'too short'] }, 'junk'],
    });
    expect(error.fieldMessages).toEqual(['name: must not be empty', 'name: too short']);
  });

  it('puts a form refusal in one line: the message, then each field', () => {
    const invalid = new ApiError(400, 'VALIDATION_ERROR', 'Invalid request', {
      fields: [{ field: 'name', messages: ['must not be empty'] }],
    });
    expect(formErrorMessage(invalid)).toBe('Invalid request — name: must not be empty');
    expect(formErrorMessage(new ApiError(409, 'CONFLICT', 'Pool lab already exists'))).toBe(
      'Pool lab already exists',
    );
    expect(formErrorMessage(new Error('offline'))).toBe('offline');
  });
});

describe('apiInterceptor with the generated client', () => {
  let http: HttpTestingController;
  let session: SessionStore;
  let pools: PoolsService;

  beforeEach(() => {
    sessionStorage.clear();
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideApi('https://console.example'), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    session = TestBed.inject(SessionStore);
    pools = TestBed.inject(PoolsService);
  });

  afterEach(() => http.verify());

  it('sends the session token as a bearer token to the configured root URL', async () => {
    session.start({ access_token: 'tok-1', expires_in: 3600, role: 'admin' }, 'admin');
    const result = pools.listPools({ limit: 5 });
    const request = http.expectOne((req) => req.url === 'https://console.example/api/pools');
    expect(request.request.headers.get('Authorization')).toBe('Bearer tok-1');
    expect(request.request.params.get('limit')).toBe('5');
    request.flush({ items: [], total: 0, limit: 5, offset: 0 });
    expect((await result).total).toBe(0);
  });

  it('sends no Authorization header without a session', async () => {
    const result = pools.listPools();
    const request = http.expectOne('https://console.example/api/pools');
    expect(request.request.headers.has('Authorization')).toBe(false);
    request.flush({ items: [], total: 0, limit: 50, offset: 0 });
    await result;
  });

  it('turns a failure into an ApiError', async () => {
    session.start({ access_token: 'tok-1', expires_in: 3600, role: 'admin' }, 'admin');
    const result = pools.getPool({ id: '00000000-0000-4000-8000-000000000000' });
    http
      .expectOne(() => true)
      .flush(
        { error: { code: 'NOT_FOUND', message: 'No such pool', details: null, timestamp: 't' } },
        { status: 404, statusText: 'Not Found' },
      );
    await expect(result).rejects.toMatchObject({
      name: 'ApiError',
      code: 'NOT_FOUND',
      message: 'No such pool',
    });
  });

  it('ends the session and goes to the login when the server says 401', async () => {
    const router = TestBed.inject(Router);
    const navigate = jest.spyOn(router, 'navigate').mockResolvedValue(true);
    session.start({ access_token: 'expired', expires_in: 3600, role: 'viewer' }, 'vera');
    const result = pools.listPools();
    http
      .expectOne(() => true)
      .flush(
        {
          error: { code: 'UNAUTHENTICATED', message: 'Bearer token expired', details: null, timestamp: 't' },
        },
        { status: 401, statusText: 'Unauthorized' },
      );
    await expect(result).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(session.signedIn()).toBe(false);
    expect(sessionStorage.getItem('pacman-sync.session')).toBeNull();
    expect(navigate).toHaveBeenCalledWith(
      ['/login'],
      expect.objectContaining({ queryParams: expect.objectContaining({ expired: 1 }) }),
    );
  });
});
