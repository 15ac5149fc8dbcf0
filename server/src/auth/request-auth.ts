import { AuthFailureReason, Principal } from './principal';

/** What AuthenticationGuard found on a request; read by the rate limiter, AuthorizationGuard and the audit log. */
export interface RequestAuth {
  principal: Principal | null;
  /** Why a bearer token that was sent is not good; null when none was sent or it is good. */
  failure: AuthFailureReason | null;
}

const byRequest = new WeakMap<object, RequestAuth>();

export function setRequestAuth(request: object, auth: RequestAuth): void {
  byRequest.set(request, auth);
}

export function getRequestAuth(request: object): RequestAuth {
  return byRequest.get(request) ?? { principal: null, failure: null };
}

/** The client address as Fastify derived it (X-Forwarded-For only through TRUST_PROXY). */
export function clientAddress(request: { ip?: string }): string | null {
  return typeof request.ip === 'string' && request.ip !== '' ? request.ip.slice(0, 64) : null;
}
