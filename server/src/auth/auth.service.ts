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
import { LoginLimiter } from './login-limiter';
import { burnPasswordCheck, generatePassword, hashPassword, verifyPassword } from './password';

export const FIRST_ADMIN_USERNAME = 'admin';

/** A locked username or address: 429 with the seconds to wait, which the controller puts in Retry-After. */
export class LoginLockedException extends ApiException {
  constructor(readonly retryAfterSeconds: number) {
    super(ErrorCode.RATE_LIMITED, 'Too many failed logins: try again later', {
      retry_after_seconds: retryAfterSeconds,
    });
  }
}

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');
  private readonly limiter = new LoginLimiter();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JWT_SECRET) private readonly jwtSecret: JwtSecretSource,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly credentials: CredentialsService,
    private readonly audit: AuditService,
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
        password_hash: await hashPassword(password),
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

  async login(username: string, password: string, address: string | null): Promise<LoginResultDto> {
    const userKey = `user:${username.toLowerCase()}`;
    const addressKey = `address:${address ?? 'unknown'}`;
    const lockedMs = Math.max(this.limiter.lockedFor(userKey), this.limiter.lockedFor(addressKey));
    if (lockedMs > 0) {
      await this.auditLogin(username, address, 'denied', 'login', { reason: 'locked' });
      throw new LoginLockedException(Math.ceil(lockedMs / 1000));
    }

    const user = await this.users.findOne({ where: { username } });
    let reason: string | null = null;
    if (!user) {
      await burnPasswordCheck(password);
      reason = 'unknown_user';
    } else if (!(await verifyPassword(password, user.password_hash))) {
      reason = 'wrong_password';
    } else if (user.disabled) {
      reason = 'disabled';
    }

    if (reason !== null || !user) {
      await this.auditLogin(username, address, 'failure', 'login', { reason });
      const lockMs = Math.max(
        this.limiter.fail(userKey, {
          maxFailures: this.config.loginFailuresPerUsername,
          lockMs: this.config.loginLockSeconds * 1000,
        }),
        this.limiter.fail(addressKey, {
          maxFailures: this.config.loginFailuresPerAddress,
          lockMs: this.config.loginLockSeconds * 1000,
        }),
      );
      if (lockMs > 0) {
        await this.auditLogin(username, address, 'failure', 'login_locked', { lock_seconds: lockMs / 1000 });
      }
      // One message for every cause, so a caller cannot tell which usernames exist or are disabled.
      throw new ApiException(ErrorCode.UNAUTHENTICATED, 'Invalid username or password', null);
    }

    this.limiter.succeed(userKey);
    this.limiter.succeed(addressKey);
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

  private auditLogin(
    username: string,
    address: string | null,
    outcome: 'failure' | 'denied',
    action: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record({
      actor: username,
      role: 'anonymous',
      sourceAddress: address,
      action,
      target: username,
      outcome,
      details,
    });
  }
}
