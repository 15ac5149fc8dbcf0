import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { AuditService } from '../audit/audit.service';
import { ApiException } from '../common/errors/api.exception';
import { ErrorCode } from '../common/errors/error-code';
import { isUniqueViolation } from '../common/database-errors';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { User } from '../users/user.entity';
import { CredentialsService } from './credentials.service';
import { LoginResultDto } from './dto/login.dto';
import { JWT_SECRET, JwtSecretSource } from './jwt-secret';
import { LoginThrottle } from './login-throttle';
import { generatePassword, PasswordHasher, type PasswordCheckTicket } from './password';

export const FIRST_ADMIN_USERNAME = 'admin';
/** The audit actor of login attempts for usernames that do not exist. */
export const ANONYMOUS_ACTOR = 'anonymous';

const REFUSAL_MESSAGES = {
  locked: 'Too many failed logins: try again later',
  slowed: 'Too many failed logins for this username: try again in a moment',
  busy: 'Too many logins at once: try again in a moment',
} as const;

/** A login refused before its password was checked: 429 with the seconds to wait (Retry-After). */
export class LoginLockedException extends ApiException {
  constructor(
    readonly retryAfterSeconds: number,
    reason: keyof typeof REFUSAL_MESSAGES,
  ) {
    super(ErrorCode.RATE_LIMITED, REFUSAL_MESSAGES[reason], {
      retry_after_seconds: retryAfterSeconds,
      reason,
    });
  }
}

/** How long a client refused for a full password queue should wait. */
const BUSY_RETRY_SECONDS = 1;

/**
 * A flood refused for a full password queue would write an audit row per request; one per address and
 * minute says the same. Bounded like the other per-client maps.
 */
class FirstPerMinute {
  private readonly seen = new Map<string, number>();

  firstFor(key: string, now = Date.now()): boolean {
    const last = this.seen.get(key);
    if (last !== undefined && now - last < 60_000) return false;
    if (this.seen.size >= 10_000) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.delete(key);
    this.seen.set(key, now);
    return true;
  }
}

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');
  private readonly busyRefusals = new FirstPerMinute();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JWT_SECRET) private readonly jwtSecret: JwtSecretSource,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly credentials: CredentialsService,
    private readonly audit: AuditService,
    private readonly throttle: LoginThrottle,
    private readonly hasher: PasswordHasher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.jwtSecret.origin === 'generated') {
      this.logger.warn(
        `JWT_SECRET_KEY is not set: generated a session key and stored it in ${this.jwtSecret.file} (mode 0600). ` +
          'Several server instances must share one key: set JWT_SECRET_KEY on all of them.',
      );
    }
    await this.createFirstAdmin();
  }

  /** On a database without users: `admin` with ADMIN_PASSWORD, or a random password logged once. */
  private async createFirstAdmin(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    const password = this.config.adminPassword ?? generatePassword();
    try {
      await this.users.insert({
        username: FIRST_ADMIN_USERNAME,
        password_hash: await this.hasher.hash(password),
        role: 'admin',
        disabled: false,
        last_login_at: null,
      });
    } catch (error) {
      // Another instance starting on the same database created it first.
      if (isUniqueViolation(error)) return;
      throw error;
    }
    await this.audit.recordSystem('createFirstAdmin', FIRST_ADMIN_USERNAME, {
      password_source: this.config.adminPassword ? 'ADMIN_PASSWORD' : 'generated',
    });
    if (this.config.adminPassword) {
      this.logger.log(
        `Created the first user "${FIRST_ADMIN_USERNAME}" with the password from ADMIN_PASSWORD`,
      );
    } else {
      this.logger.warn(
        `FIRST START: created user "${FIRST_ADMIN_USERNAME}" with the generated password ${password} ` +
          '- it is shown only this once: log in and change it (PUT /api/users/{id}).',
      );
    }
  }

  /**
   * Every attempt first takes a password-check ticket (none free: 429 at once, without touching the
   * database), then reserves its place with the throttle, both before the (slow) check runs.
   */
  async login(username: string, password: string, address: string | null): Promise<LoginResultDto> {
    const ticket = this.hasher.tryReserve();
    if (!ticket) {
      if (this.busyRefusals.firstFor(address ?? 'unknown')) {
        await this.auditLogin(username, null, address, 'denied', 'login', { reason: 'busy' });
      }
      throw new LoginLockedException(BUSY_RETRY_SECONDS, 'busy');
    }
    try {
      return await this.checkLogin(ticket, username, password, address);
    } finally {
      // A no-op once the ticket was used; otherwise its place would be lost for good.
      ticket.release();
    }
  }

  private async checkLogin(
    ticket: PasswordCheckTicket,
    username: string,
    password: string,
    address: string | null,
  ): Promise<LoginResultDto> {
    const user = await this.users.findOne({ where: { username } });
    const audit = (outcome: 'failure' | 'denied', action: string, details: Record<string, unknown>) =>
      this.auditLogin(username, user, address, outcome, action, details);
    const reservation = await this.throttle.reserve(username, address);
    if (!reservation.ok) {
      await audit('denied', 'login', { reason: reservation.reason, scope: reservation.scope });
      throw new LoginLockedException(Math.ceil(reservation.retryAfterMs / 1000), reservation.reason);
    }
    const { attempt } = reservation;
    if (reservation.slowdownStarted) {
      await audit('failure', 'login_slowed', {
        scope: 'username',
        after_failures: this.config.loginSlowdownAfterFailures,
      });
    }

    let reason: string | null = null;
    if (!user) {
      await ticket.burn(password);
      reason = 'unknown_user';
    } else if (!(await ticket.verify(password, user.password_hash))) {
      reason = 'wrong_password';
    } else if (user.disabled) {
      reason = 'disabled';
    }

    if (reason !== null || !user) {
      const { locked } = await this.throttle.recordFailure(attempt);
      await audit('failure', 'login', { reason });
      for (const lock of locked) {
        await audit('failure', 'login_locked', { scope: lock.scope, lock_seconds: lock.lockMs / 1000 });
      }
      // One message for every cause, so a caller cannot tell which usernames exist or are disabled.
      throw new ApiException(ErrorCode.UNAUTHENTICATED, 'Invalid username or password', null);
    }

    await this.throttle.recordSuccess(attempt);
    await this.users.update({ id: user.id }, { last_login_at: new Date() });
    await this.audit.record({
      actor: user.username,
      role: user.role,
      sourceAddress: address,
      action: 'login',
      target: user.username,
      outcome: 'success',
      details: null,
    });
    const session = this.credentials.issueSession(user);
    return { access_token: session.token, expires_in: session.expiresIn, role: user.role };
  }

  /**
   * Attempts for an existing user are written under its name; any other username is only data
   * (`details.username`) under the actor `anonymous`, so a login typed as `system` cannot forge a row of
   * the server's own.
   */
  private auditLogin(
    username: string,
    user: User | null,
    address: string | null,
    outcome: 'failure' | 'denied',
    action: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record({
      actor: user ? user.username : ANONYMOUS_ACTOR,
      role: 'anonymous',
      sourceAddress: address,
      action,
      target: user ? user.username : null,
      outcome,
      details: user ? details : { ...details, username },
    });
  }
}
