import {
  HttpErrorResponse,
  HttpInterceptorFn,
  provideHttpClient,
  withFetch,
  withInterceptors,
} from '@angular/common/http';
import { EnvironmentProviders, inject, makeEnvironmentProviders } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, throwError } from 'rxjs';

import { SessionStore } from '../auth/session.store';
import { toApiError } from './api-error';
import { provideApiConfiguration } from './generated/api-configuration';

/**
 * The one place the generated client is wrapped: every generated service call goes through Angular's
 * HttpClient, so this interceptor adds the bearer token, turns every failure into an ApiError with the
 * design's error shape, and sends the user back to the login when the server says the session is over.
 */
export const apiInterceptor: HttpInterceptorFn = (request, next) => {
  const session = inject(SessionStore);
  const router = inject(Router);
  const token = session.token();
  const authorized = token ? request.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : request;
  return next(authorized).pipe(
    catchError((failure: unknown) => {
      if (!(failure instanceof HttpErrorResponse)) return throwError(() => failure);
      const error = toApiError(failure);
      // A failed login is the user's wrong password, not an expired session: the login form shows it.
      if (error.status === 401 && token) {
        session.clear();
        void router.navigate(['/login'], { queryParams: { returnUrl: router.url, expired: 1 } });
      }
      return throwError(() => error);
    }),
  );
};

/** `rootUrl` is where the API lives; '' means the origin the console was served from. */
export function provideApi(rootUrl: string): EnvironmentProviders {
  return makeEnvironmentProviders([
    provideHttpClient(withFetch(), withInterceptors([apiInterceptor])),
    provideApiConfiguration(rootUrl),
  ]);
}
