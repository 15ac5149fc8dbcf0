import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { Endpoint } from '../endpoints/endpoint.entity';
import { EventsAuthenticator } from '../events/events-authenticator';
import { SyncOperation } from '../sync/sync-operation.entity';
import { ApiToken } from '../tokens/api-token.entity';
import { User } from '../users/user.entity';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AuthenticationGuard } from './authentication.guard';
import { AuthorizationGuard } from './authorization.guard';
import { CredentialsService } from './credentials.service';
import { BearerEventsAuthenticator } from './events-authenticator';
import { FixedWindowThrottlerStorage, SharedRateLimitCounters } from './fixed-window-throttler-storage';
import { JWT_ALGORITHM } from './jwt.strategy';
import { JWT_SECRET, loadOrCreateJwtSecret } from './jwt-secret';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password';
import { RATE_LIMIT_THROTTLER, RATE_WINDOW_MS, RateLimitGuard } from './rate-limit.guard';

/**
 * Who may call what. Three global guards, in this order: AuthenticationGuard (who is it; never refuses),
 * RateLimitGuard (API_RATE_LIMIT per client, counted before any refusal so guessing is limited too),
 * AuthorizationGuard (the route's @Public/@AnyPrincipal/@Roles declaration; fails closed).
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([User, ApiToken, Endpoint, SyncOperation]),
    // The key is passed per call by CredentialsService (it comes from JWT_SECRET, resolved once per app).
    JwtModule.register({ signOptions: { algorithm: JWT_ALGORITHM } }),
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, DataSource],
      useFactory: (config: AppConfig, dataSource: DataSource) => ({
        throttlers: [{ name: RATE_LIMIT_THROTTLER, ttl: RATE_WINDOW_MS, limit: config.apiRateLimit }],
        // Instances on one PostgreSQL share their counters; a single SQLite instance has no one to share with.
        storage: new FixedWindowThrottlerStorage(
          config.databaseType === 'postgresql' ? new SharedRateLimitCounters(dataSource) : null,
        ),
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    {
      provide: JWT_SECRET,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => loadOrCreateJwtSecret(config),
    },
    CredentialsService,
    AuthService,
    LoginThrottle,
    PasswordHasher,
    { provide: EventsAuthenticator, useClass: BearerEventsAuthenticator },
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: AuthorizationGuard },
  ],
  exports: [CredentialsService, EventsAuthenticator, PasswordHasher],
})
export class AuthModule {}
