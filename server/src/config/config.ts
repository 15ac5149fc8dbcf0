import * as os from 'node:os';
import * as path from 'node:path';

export type DatabaseType = 'internal' | 'postgresql';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/**
 * Which proxies may set X-Forwarded-For: none (false), any (true), the N nearest hops, or the listed
 * addresses/CIDR ranges. Passed to Fastify's `trustProxy`, so rate limits and the audit log see the client.
 */
export type TrustProxy = boolean | number | readonly string[];

/** Everything the server reads from its environment, parsed once at boot (DESIGN.md §7). */
export interface AppConfig {
  readonly databaseType: DatabaseType;
  /** Only for `postgresql`. */
  readonly databaseUrl: string | null;
  readonly httpPort: number;
  readonly httpHost: string;
  readonly logLevel: LogLevel;
  /** Null: the auth module generates one and keeps it in the data directory. */
  readonly jwtSecretKey: string | null;
  /** Requests per minute per client. */
  readonly apiRateLimit: number;
  readonly enableRepositoryAnalysis: boolean;
  readonly autoCleanupOldStates: boolean;
  /** Absolute; relative values are resolved against the working directory. */
  readonly dataDir: string;
  readonly adminPassword: string | null;
  /** Browser origins allowed by CORS; empty: CORS is off (the console is served from the same origin). */
  readonly corsOrigins: readonly string[];
  readonly trustProxy: TrustProxy;
  /** Lifetime of a console session (JWT), seconds. */
  readonly sessionTtlSeconds: number;
  /**
   * Not from the environment: tuning that tests shorten. Failed logins of one username from one address
   * (within loginLockSeconds) before that pair is locked.
   */
  readonly loginFailuresPerUsernameAndAddress: number;
  /** Failed logins from one address (any usernames) before the address is locked. */
  readonly loginFailuresPerAddress: number;
  /** First lock period, and the window failures are counted in; each further lock doubles, up to a day. */
  readonly loginLockSeconds: number;
  /**
   * Failed logins of one username from any addresses (within loginLockSeconds) after which further attempts
   * from addresses it never logged in from are spaced out: a slowdown, never a lock.
   */
  readonly loginSlowdownAfterFailures: number;
  /** The longest spacing the slowdown imposes (it starts at one second and doubles). */
  readonly loginSlowdownMaxSeconds: number;
  /** Worker threads that run the password KDF (never libuv's pool, which static files and DNS share). */
  readonly passwordHashWorkers: number;
  /** Logins that may wait for a worker; beyond it a login is answered 429 at once. */
  readonly passwordHashQueue: number;
  /** HSTS_MAX_AGE: seconds for Strict-Transport-Security; null (the default) sends none (TLS is the proxy's). */
  readonly hstsMaxAgeSeconds: number | null;
  /** How long a resolved bearer token (API or endpoint token, session user) is trusted without a lookup. */
  readonly credentialCacheSeconds: number;
  /** Not from the environment: tuning that tests shorten. An in_progress operation older than this fails. */
  readonly operationTimeoutSeconds: number;
  /** How many non-target snapshots per endpoint AUTO_CLEANUP_OLD_STATES keeps. */
  readonly keepStatesPerEndpoint: number;
  /**
   * Period of the job that marks endpoints offline, fails stale operations and cleans snapshots
   * (MAINTENANCE_INTERVAL_SECONDS; with several instances on one PostgreSQL, one of them runs it).
   */
  readonly maintenanceIntervalSeconds: number;
  /** WS /api/events pings every client this often and drops one that did not answer the previous ping. */
  readonly eventsHeartbeatSeconds: number;
  /** A WebSocket client whose unsent events exceed this is dropped rather than buffered without bound. */
  readonly eventsMaxBufferedBytes: number;
  /** WebSockets one credential (session, API token, endpoint token) may hold open at once. */
  readonly eventsMaxConnectionsPerCredential: number;
}

/**
 * Every environment variable the server reads. Deployment files (ops/compose.yaml, ops/Dockerfile, the
 * systemd environment example) are checked against this list, so a misspelt variable there fails a test
 * instead of being silently ignored.
 */
export const KNOWN_ENV_VARS = [
  'DATABASE_TYPE',
  'DATABASE_URL',
  'HTTP_PORT',
  'HTTP_HOST',
  'LOG_LEVEL',
  'JWT_SECRET_KEY',
  'API_RATE_LIMIT',
  'ENABLE_REPOSITORY_ANALYSIS',
  'AUTO_CLEANUP_OLD_STATES',
  'DATA_DIR',
  'ADMIN_PASSWORD',
  'CORS_ORIGINS',
  'TRUST_PROXY',
  'SESSION_TTL',
  'MAINTENANCE_INTERVAL_SECONDS',
  'HSTS_MAX_AGE',
] as const;

/** Thrown for a bad environment value; main.ts prints only its message (one line) and exits 1. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
// The seed design writes LOG_LEVEL=INFO; accept the usual spellings of other ecosystems too.
const LOG_LEVEL_ALIASES: Record<string, LogLevel> = { warning: 'warn', critical: 'fatal', off: 'silent' };
const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

type Env = Readonly<Record<string, string | undefined>>;

function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function parseBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (TRUE_WORDS.includes(lower)) return true;
  if (FALSE_WORDS.includes(lower)) return false;
  throw new ConfigError(name, `must be true or false, got "${value}"`);
}

function parseInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new ConfigError(name, `must be a whole number, got "${value}"`);
  const parsed = Number(value);
  if (parsed < min || parsed > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return parsed;
}

/** Unset (or 0): null. */
function parseOptionalInteger(env: Env, name: string, min: number, max: number): number | null {
  const value = parseInteger(env, name, 0, min, max);
  return value === 0 ? null : value;
}

/** Console passwords are at least this long; the first admin's too, so ADMIN_PASSWORD obeys the same rule. */
export const MIN_PASSWORD_LENGTH = 12;

function parseAdminPassword(env: Env): string | null {
  const value = raw(env, 'ADMIN_PASSWORD');
  if (value === undefined) return null;
  if (value.length < MIN_PASSWORD_LENGTH) {
    throw new ConfigError('ADMIN_PASSWORD', `must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  }
  return value;
}

function parseDatabaseUrl(env: Env, databaseType: DatabaseType): string | null {
  const value = raw(env, 'DATABASE_URL');
  if (databaseType === 'internal') return null;
  if (value === undefined) throw new ConfigError('DATABASE_URL', 'is required when DATABASE_TYPE=postgresql');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('DATABASE_URL', 'is not a valid URL (postgresql://user:pass@host:5432/dbname)');
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new ConfigError('DATABASE_URL', `must start with postgresql://, got ${url.protocol}//`);
  }
  return value;
}

function parseCorsOrigins(env: Env): readonly string[] {
  const value = raw(env, 'CORS_ORIGINS');
  if (value === undefined) return [];
  const origins = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const origin of origins) {
    let url: URL | null;
    try {
      url = new URL(origin);
    } catch {
      url = null;
    }
    // An origin is scheme://host[:port] and nothing else; a path or a wildcard would be a silent mistake.
    if (url === null || !['http:', 'https:'].includes(url.protocol) || url.origin !== origin) {
      throw new ConfigError(
        'CORS_ORIGINS',
        `must be a comma-separated list of origins like https://console.example.org, got "${origin}"`,
      );
    }
  }
  return Object.freeze(origins);
}

const IPV4_OR_CIDR = /^(\d{1,3})(\.\d{1,3}){3}(\/\d{1,2})?$/;
const IPV6_OR_CIDR = /^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(\/\d{1,3})?$/;

function parseTrustProxy(env: Env): TrustProxy {
  const value = raw(env, 'TRUST_PROXY');
  if (value === undefined) return false;
  const lower = value.toLowerCase();
  if (TRUE_WORDS.includes(lower) && lower !== '1') return true;
  if (FALSE_WORDS.includes(lower) && lower !== '0') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 100) throw new ConfigError('TRUST_PROXY', `hop count must be at most 100, got ${value}`);
    return hops === 0 ? false : hops;
  }
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) {
    if (!IPV4_OR_CIDR.test(entry) && !IPV6_OR_CIDR.test(entry)) {
      throw new ConfigError(
        'TRUST_PROXY',
        `must be true, false, a hop count or a comma-separated list of addresses/CIDR ranges, got "${entry}"`,
      );
    }
  }
  return Object.freeze(entries);
}

/** Pure: parses an environment (process.env at boot, a literal object in tests) into a frozen config. */
export function loadConfig(env: Env, cwd: string = process.cwd()): AppConfig {
  const databaseTypeRaw = (raw(env, 'DATABASE_TYPE') ?? 'internal').toLowerCase();
  if (databaseTypeRaw !== 'internal' && databaseTypeRaw !== 'postgresql') {
    throw new ConfigError('DATABASE_TYPE', `must be "internal" or "postgresql", got "${databaseTypeRaw}"`);
  }
  const databaseType: DatabaseType = databaseTypeRaw;

  const logLevelRaw = (raw(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  const logLevel = LOG_LEVEL_ALIASES[logLevelRaw] ?? (logLevelRaw as LogLevel);
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevelRaw}"`);
  }

  const jwtSecretKey = raw(env, 'JWT_SECRET_KEY') ?? null;
  if (jwtSecretKey !== null && jwtSecretKey.length < 32) {
    throw new ConfigError('JWT_SECRET_KEY', 'must be at least 32 characters long');
  }

  const httpHost = raw(env, 'HTTP_HOST') ?? '0.0.0.0';
  if (/\s|\//.test(httpHost))
    throw new ConfigError('HTTP_HOST', `is not a host name or address: "${httpHost}"`);

  return Object.freeze({
    databaseType,
    databaseUrl: parseDatabaseUrl(env, databaseType),
    httpPort: parseInteger(env, 'HTTP_PORT', 8080, 0, 65535),
    httpHost,
    logLevel,
    jwtSecretKey,
    apiRateLimit: parseInteger(env, 'API_RATE_LIMIT', 100, 1, 1_000_000),
    enableRepositoryAnalysis: parseBoolean(env, 'ENABLE_REPOSITORY_ANALYSIS', true),
    autoCleanupOldStates: parseBoolean(env, 'AUTO_CLEANUP_OLD_STATES', true),
    dataDir: path.resolve(cwd, raw(env, 'DATA_DIR') ?? './data'),
    adminPassword: parseAdminPassword(env),
    corsOrigins: parseCorsOrigins(env),
    trustProxy: parseTrustProxy(env),
    sessionTtlSeconds: parseInteger(env, 'SESSION_TTL', 12 * 3600, 60, 30 * 24 * 3600),
    loginFailuresPerUsernameAndAddress: 5,
    loginFailuresPerAddress: 20,
    loginLockSeconds: 15 * 60,
    loginSlowdownAfterFailures: 10,
    loginSlowdownMaxSeconds: 60,
    // One worker on a 2-core machine leaves a core to the event loop; more cores, more parallel logins.
    passwordHashWorkers: Math.min(4, Math.max(1, os.availableParallelism() - 1)),
    passwordHashQueue: 8,
    hstsMaxAgeSeconds: parseOptionalInteger(env, 'HSTS_MAX_AGE', 0, 2 * 365 * 24 * 3600),
    credentialCacheSeconds: 10,
    operationTimeoutSeconds: 3600,
    keepStatesPerEndpoint: 10,
    maintenanceIntervalSeconds: parseInteger(env, 'MAINTENANCE_INTERVAL_SECONDS', 60, 1, 24 * 3600),
    eventsHeartbeatSeconds: 30,
    eventsMaxBufferedBytes: 1024 * 1024,
    eventsMaxConnectionsPerCredential: 20,
  });
}
