import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';

import { CredentialsService } from './credentials.service';
import { AuthFailure } from './principal';
import { setRequestAuth } from './request-auth';

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * First global guard: finds out who is calling, and never refuses by itself. Refusing is
 * AuthorizationGuard's job, after the rate limiter has counted the request against the right client.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(private readonly credentials: CredentialsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    const header = request.headers.authorization;
    if (header === undefined) {
      setRequestAuth(request, { principal: null, failure: null });
      return true;
    }
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) {
      setRequestAuth(request, { principal: null, failure: 'malformed' });
      return true;
    }
    try {
      setRequestAuth(request, { principal: await this.credentials.resolve(match[1]), failure: null });
    } catch (error) {
      if (!(error instanceof AuthFailure)) throw error;
      setRequestAuth(request, { principal: null, failure: error.reason });
    }
    return true;
  }
}
