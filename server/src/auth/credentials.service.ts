import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Observable, Subject, Subscription } from 'rxjs';
import { Repository } from 'typeorm';

import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { hashEndpointToken } from '../endpoints/endpoint-token';
import { Endpoint } from '../endpoints/endpoint.entity';
import { CredentialRef, EventsService } from '../events/events.service';
import { API_TOKEN_PREFIX, hashApiToken } from '../tokens/api-token-secret';
import { ApiToken } from '../tokens/api-token.entity';
import { User } from '../users/user.entity';
import { JWT_SECRET, JwtSecretSource } from './jwt-secret';
import { JWT_ALGORITHM, JwtSessionStrategy, SessionClaims } from './jwt.strategy';
import { AuthFailure, Principal } from './principal';

const ENDPOINT_TOKEN_PREFIX = 'pse_';
// Bearer tokens are base64url/JWT characters; anything else (spaces, NUL, quotes) is refused before a lookup.
const TOKEN_SHAPE = /^[A-Za-z0-9._~+/=-]{16,2048}$/;
const LAST_USED_WRITE_INTERVAL_MS = 60_000;
const CACHE_LIMIT = 10_000;

interface CachedToken {
  principal: Principal;
  expiresAt: number | null;
  cachedUntil: number;
}

/**
 * Verifies every kind of bearer token: console sessions (JWT, via passport-jwt), API tokens (`psk_…`) and
 * endpoint tokens (`pse_…`), the latter two looked up by SHA-256. Lookups are cached for
 * credentialCacheSeconds so a fleet's check-ins cost no extra query. Revoking or changing a credential
 * (the forget* methods) sends a credential notice over the events bus: every instance drops its cache
 * entries at once (within credentialCacheSeconds if the bus is down) and re-checks the WebSockets opened
 * with it.
 */
@Injectable()
export class CredentialsService implements OnModuleDestroy {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly users = new Map<string, { principal: Principal; cachedUntil: number }>();
  private readonly lastUsedWrites = new Map<string, number>();
  private readonly strategy: JwtSessionStrategy;
  private readonly changes = new Subject<CredentialRef>();
  private readonly noticeSubscription: Subscription;
  /** Credential notices of every instance, emitted after this instance's caches dropped the credential. */
  readonly credentialChanges$: Observable<CredentialRef> = this.changes.asObservable();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jwt: JwtService,
    @InjectRepository(User) private readonly userRepository: Repository<User>,
    @InjectRepository(ApiToken) private readonly apiTokens: Repository<ApiToken>,
    @InjectRepository(Endpoint) private readonly endpoints: Repository<Endpoint>,
    @Inject(JWT_SECRET) private readonly jwtSecret: JwtSecretSource,
    private readonly events: EventsService,
  ) {
    this.strategy = new JwtSessionStrategy(jwtSecret.secret, (claims) => this.sessionPrincipal(claims));
    this.noticeSubscription = events.credentialChanges$.subscribe((credential) => {
      this.dropCached(credential);
      this.changes.next(credential);
    });
  }

  onModuleDestroy(): void {
    this.noticeSubscription.unsubscribe();
    this.changes.complete();
  }

  /** A session token for a console user. */
  issueSession(user: Pick<User, 'id' | 'username' | 'role'>): { token: string; expiresIn: number } {
    const claims: SessionClaims = { sub: user.id, username: user.username, role: user.role };
    const expiresIn = this.config.sessionTtlSeconds;
    return {
      token: this.jwt.sign(claims, { secret: this.jwtSecret.secret, expiresIn, algorithm: JWT_ALGORITHM }),
      expiresIn,
    };
  }

  async resolve(token: string): Promise<Principal> {
    if (!TOKEN_SHAPE.test(token)) throw new AuthFailure('malformed');
    if (token.startsWith(API_TOKEN_PREFIX) || token.startsWith(ENDPOINT_TOKEN_PREFIX)) {
      return (await this.resolveStoredToken(token)).principal;
    }
    return this.strategy.verify(token);
  }

  /**
   * As {@link resolve}, plus when the credential stops being valid on its own (a session's `exp`, an API
   * token's expiry): for connections that outlive one request.
   */
  async resolveForConnection(token: string): Promise<{ principal: Principal; expiresAt: Date | null }> {
    if (!TOKEN_SHAPE.test(token)) throw new AuthFailure('malformed');
    if (token.startsWith(API_TOKEN_PREFIX) || token.startsWith(ENDPOINT_TOKEN_PREFIX)) {
      const cached = await this.resolveStoredToken(token);
      return {
        principal: cached.principal,
        expiresAt: cached.expiresAt === null ? null : new Date(cached.expiresAt),
      };
    }
    const principal = await this.strategy.verify(token);
    // The signature and exp were just verified; exp is in seconds.
    const claims = this.jwt.decode<{ exp?: unknown } | null>(token);
    return { principal, expiresAt: typeof claims?.exp === 'number' ? new Date(claims.exp * 1000) : null };
  }

  /** An API token was revoked. */
  forgetApiToken(tokenId: string): void {
    this.announce({ kind: 'api_token', id: tokenId });
  }

  /**
   * Call when an endpoint's token is rotated or revoked, or the endpoint is deleted or moved to another pool
   * (its WebSockets carry the pool they were opened in).
   */
  forgetEndpoint(endpointId: string): void {
    this.announce({ kind: 'endpoint', id: endpointId });
  }

  /** A user was changed (role, password, disabled) or deleted. */
  forgetUser(userId: string): void {
    this.announce({ kind: 'user', id: userId });
  }

  /** Dropped here at once as well: the bus delivers to this instance too, but must not be relied on for it. */
  private announce(credential: CredentialRef): void {
    this.dropCached(credential);
    this.events.publishCredentialChange(credential);
  }

  private dropCached(credential: CredentialRef): void {
    if (credential.kind === 'user') {
      this.users.delete(credential.id);
      return;
    }
    for (const [hash, entry] of this.tokens) {
      if (entry.principal.kind === credential.kind && entry.principal.id === credential.id) {
        this.tokens.delete(hash);
      }
    }
  }

  private async resolveStoredToken(token: string): Promise<CachedToken> {
    const isApiToken = token.startsWith(API_TOKEN_PREFIX);
    const hash = isApiToken ? hashApiToken(token) : hashEndpointToken(token);
    const now = Date.now();
    let cached = this.tokens.get(hash);
    if (!cached || cached.cachedUntil <= now) {
      cached = isApiToken ? await this.loadApiToken(hash) : await this.loadEndpointToken(hash);
      this.remember(this.tokens, hash, cached);
    }
    if (cached.expiresAt !== null && cached.expiresAt <= now) throw new AuthFailure('expired');
    if (cached.principal.kind === 'api_token') this.touchApiToken(cached.principal.id, now);
    return cached;
  }

  private async loadApiToken(hash: string): Promise<CachedToken> {
    const row = await this.apiTokens.findOne({ where: { token_hash: hash } });
    if (!row) throw new AuthFailure('unknown');
    if (row.revoked_at !== null) throw new AuthFailure('revoked');
    return {
      principal: {
        kind: 'api_token',
        role: row.role,
        id: row.id,
        name: row.name,
        canEnroll: row.can_enroll,
        enrollPoolId: row.can_enroll ? row.enroll_pool_id : null,
      },
      expiresAt: row.expires_at ? row.expires_at.getTime() : null,
      cachedUntil: Date.now() + this.config.credentialCacheSeconds * 1000,
    };
  }

  private async loadEndpointToken(hash: string): Promise<CachedToken> {
    const row = await this.endpoints.findOne({
      where: { token_hash: hash },
      select: { id: true, name: true, pool_id: true },
    });
    if (!row) throw new AuthFailure('unknown');
    return {
      principal: { kind: 'endpoint', role: 'endpoint', id: row.id, name: row.name, poolId: row.pool_id },
      expiresAt: null,
      cachedUntil: Date.now() + this.config.credentialCacheSeconds * 1000,
    };
  }

  private async sessionPrincipal(claims: SessionClaims): Promise<Principal> {
    if (typeof claims.sub !== 'string') throw new AuthFailure('unknown');
    const now = Date.now();
    const cached = this.users.get(claims.sub);
    if (cached && cached.cachedUntil > now) return cached.principal;
    const user = await this.userRepository.findOne({ where: { id: claims.sub } });
    if (!user) throw new AuthFailure('unknown');
    if (user.disabled) throw new AuthFailure('disabled');
    const principal: Principal = { kind: 'user', role: user.role, id: user.id, name: user.username };
    this.remember(this.users, user.id, {
      principal,
      cachedUntil: now + this.config.credentialCacheSeconds * 1000,
    });
    return principal;
  }

  private remember<T>(cache: Map<string, T>, key: string, value: T): void {
    // Oldest first: a Map iterates in insertion order, so this is a cheap FIFO bound.
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, value);
  }

  /** last_used_at is written at most once a minute per token, so scripts in a loop do not write per call. */
  private touchApiToken(id: string, now: number): void {
    const last = this.lastUsedWrites.get(id) ?? 0;
    if (now - last < LAST_USED_WRITE_INTERVAL_MS) return;
    this.remember(this.lastUsedWrites, id, now);
    this.apiTokens.update({ id }, { last_used_at: new Date(now) }).catch(() => {
      // Best effort: a failed bookkeeping write must not fail the request it accompanies.
      this.lastUsedWrites.delete(id);
    });
  }
}
