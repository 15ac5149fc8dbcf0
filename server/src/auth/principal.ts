/** Roles of DESIGN.md §5. Console users are viewer|admin, API tokens viewer|admin|ci, endpoint tokens endpoint. */
export const ROLES = ['viewer', 'admin', 'ci', 'endpoint'] as const;
export type Role = (typeof ROLES)[number];

/** Who made a request, once its bearer token has been verified. */
export type Principal =
  | { kind: 'user'; role: 'viewer' | 'admin'; id: string; name: string }
  | {
      kind: 'api_token';
      role: 'viewer' | 'admin' | 'ci';
      id: string;
      name: string;
      canEnroll: boolean;
      /** The pool endpoints registered with this token land in; null: into no pool. */
      enrollPoolId: string | null;
    }
  | { kind: 'endpoint'; role: 'endpoint'; id: string; name: string; poolId: string | null };

/** How the principal appears in the audit log: a username, `token:<name>` or `endpoint:<id>`. */
export function actorOf(principal: Principal): string {
  switch (principal.kind) {
    case 'user':
      return principal.name;
    case 'api_token':
      return `token:${principal.name}`;
    case 'endpoint':
      return `endpoint:${principal.id}`;
  }
}

/** Why a bearer token was refused; the 401 message says which, never more. */
export type AuthFailureReason = 'malformed' | 'unknown' | 'revoked' | 'expired' | 'disabled';

export class AuthFailure extends Error {
  constructor(readonly reason: AuthFailureReason) {
    super(`Bearer token ${reason}`);
    this.name = 'AuthFailure';
  }
}

export const AUTH_FAILURE_MESSAGES: Readonly<Record<AuthFailureReason | 'missing', string>> = {
  missing: 'Authentication required: send Authorization: Bearer <token>',
  malformed: 'Malformed Authorization header: expected Bearer <token>',
  unknown: 'Invalid or expired credentials',
  revoked: 'This token has been revoked',
  expired: 'This token has expired',
  disabled: 'This user is disabled',
};
