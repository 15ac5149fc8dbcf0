import { PassportStrategy } from '@nestjs/passport';
import { Passport } from 'passport';
import { ExtractJwt, Strategy } from 'passport-jwt';

import { AuthFailure, Principal } from './principal';

export const JWT_ALGORITHM = 'HS256';

export interface SessionClaims {
  sub: string;
  username: string;
  role: string;
}

/** Turns a verified session's claims into a principal, reading the user's current role and status. */
export type SessionPrincipalLoader = (claims: SessionClaims) => Promise<Principal>;

/**
 * Console sessions are HS256 JWTs checked by passport-jwt. Each app gets its own Passport instance, so two
 * apps in one process (tests, the OpenAPI script) never share a registered strategy and its key.
 */
export class JwtSessionStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly passport: InstanceType<typeof Passport>;

  constructor(
    secret: string,
    private readonly loadPrincipal: SessionPrincipalLoader,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: secret,
      algorithms: [JWT_ALGORITHM],
      ignoreExpiration: false,
    });
    this.passport = this.getPassportInstance() as InstanceType<typeof Passport>;
  }

  getPassportInstance() {
    // Called from the mixin's constructor, before our fields exist: keep the instance on the prototype chain.
    const self = this as unknown as { ownPassport?: InstanceType<typeof Passport> };
    self.ownPassport ??= new Passport();
    return self.ownPassport;
  }

  async validate(claims: SessionClaims): Promise<Principal> {
    return this.loadPrincipal(claims);
  }

  /** Verifies a session token; AuthFailure('unknown' | 'expired' | 'disabled') when it is not good. */
  verify(token: string): Promise<Principal> {
    const request = { headers: { authorization: `Bearer ${token}` } };
    return new Promise((resolve, reject) => {
      const middleware = this.passport.authenticate(
        'jwt',
        { session: false },
        (error: unknown, principal: Principal | false, info: unknown) => {
          if (error) return reject(error);
          if (principal) return resolve(principal);
          const expired = info instanceof Error && info.name === 'TokenExpiredError';
          reject(new AuthFailure(expired ? 'expired' : 'unknown'));
        },
      );
      middleware(request, {}, (error?: unknown) => reject(error ?? new AuthFailure('unknown')));
    });
  }
}
