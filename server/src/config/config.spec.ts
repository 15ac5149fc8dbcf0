import * as path from 'node:path';

import { ConfigError, KNOWN_ENV_VARS, loadConfig } from './config';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toEqual({
      databaseType: 'internal',
      databaseUrl: null,
      httpPort: 8080,
      httpHost: '0.0.0.0',
      logLevel: 'info',
      jwtSecretKey: null,
      apiRateLimit: 100,
      enableRepositoryAnalysis: true,
      autoCleanupOldStates: true,
      dataDir: path.resolve('/srv/app/data'),
      adminPassword: null,
      corsOrigins: [],
      trustProxy: false,
      sessionTtlSeconds: 43200,
      loginFailuresPerUsernameAndAddress: 5,
      loginFailuresPerAddress: 20,
      loginLockSeconds: 900,
      loginSlowdownAfterFailures: 10,
      loginSlowdownMaxSeconds: 60,
      passwordHashWorkers: expect.any(Number),
      passwordHashQueue: 8,
      hstsMaxAgeSeconds: null,
      credentialCacheSeconds: 10,
      operationTimeoutSeconds: 3600,
      keepStatesPerEndpoint: 10,
      maintenanceIntervalSeconds: 60,
      eventsHeartbeatSeconds: 30,
      eventsMaxBufferedBytes: 1024 * 1024,
      eventsMaxConnectionsPerCredential: 20,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('parses every variable', () => {
    const config = loadConfig(
      {
        DATABASE_TYPE: 'postgresql',
        DATABASE_URL: 'postgresql://u:p@db:5432/sync',
        HTTP_PORT: '9000',
        HTTP_HOST: '127.0.0.1',
        LOG_LEVEL: 'DEBUG',
        JWT_SECRET_KEY: 'x'.repeat(32),
        API_RATE_LIMIT: '250',
        ENABLE_REPOSITORY_ANALYSIS: 'false',
        AUTO_CLEANUP_OLD_STATES: 'no',
        DATA_DIR: '/var/lib/pacman-sync',
        ADMIN_PASSWORD: 'hunter2hunter2',
        CORS_ORIGINS: 'https://console.example.org, http://localhost:4200',
        TRUST_PROXY: '10.0.0.0/8,::1',
        SESSION_TTL: '3600',
      },
      '/',
    );
    expect(config).toMatchObject({
      databaseType: 'postgresql',
      databaseUrl: 'postgresql://u:p@db:5432/sync',
      httpPort: 9000,
      httpHost: '127.0.0.1',
      logLevel: 'debug',
      jwtSecretKey: 'x'.repeat(32),
      apiRateLimit: 250,
      enableRepositoryAnalysis: false,
      autoCleanupOldStates: false,
      dataDir: '/var/lib/pacman-sync',
      adminPassword: 'hunter2hunter2',
      corsOrigins: ['https://console.example.org', 'http://localhost:4200'],
      trustProxy: ['10.0.0.0/8', '::1'],
      sessionTtlSeconds: 3600,
    });
  });

  it.each([
    ['true', true],
    ['false', false],
    ['0', false],
    ['1', 1],
    ['2', 2],
    ['127.0.0.1', ['127.0.0.1']],
  ])('reads TRUST_PROXY=%s as %j', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('accepts the seed design spelling LOG_LEVEL=INFO and WARNING', () => {
    expect(loadConfig({ LOG_LEVEL: 'INFO' }).logLevel).toBe('info');
    expect(loadConfig({ LOG_LEVEL: 'warning' }).logLevel).toBe('warn');
  });

  it.each([
    [{ DATABASE_TYPE: 'mysql' }, 'DATABASE_TYPE'],
    [{ DATABASE_TYPE: 'postgresql' }, 'DATABASE_URL'],
    [{ DATABASE_TYPE: 'postgresql', DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_TYPE: 'postgresql', DATABASE_URL: 'mysql://h/db' }, 'DATABASE_URL'],
    [{ HTTP_PORT: 'eighty' }, 'HTTP_PORT'],
    [{ HTTP_PORT: '70000' }, 'HTTP_PORT'],
    [{ HTTP_PORT: '-1' }, 'HTTP_PORT'],
    [{ HTTP_PORT: '80.5' }, 'HTTP_PORT'],
    [{ HTTP_HOST: 'http://x' }, 'HTTP_HOST'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ JWT_SECRET_KEY: 'short' }, 'JWT_SECRET_KEY'],
    [{ API_RATE_LIMIT: '0' }, 'API_RATE_LIMIT'],
    [{ ENABLE_REPOSITORY_ANALYSIS: 'maybe' }, 'ENABLE_REPOSITORY_ANALYSIS'],
    [{ AUTO_CLEANUP_OLD_STATES: '2' }, 'AUTO_CLEANUP_OLD_STATES'],
    [{ ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://console.example.org/path' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'ftp://files.example.org' }, 'CORS_ORIGINS'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '500' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/8; rm -rf /' }, 'TRUST_PROXY'],
    [{ SESSION_TTL: '5' }, 'SESSION_TTL'],
    [{ MAINTENANCE_INTERVAL_SECONDS: '0' }, 'MAINTENANCE_INTERVAL_SECONDS'],
    [{ MAINTENANCE_INTERVAL_SECONDS: '1.5' }, 'MAINTENANCE_INTERVAL_SECONDS'],
  ])('rejects %j naming %s in a single line', (env, variable) => {
    let thrown: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    expect((thrown as ConfigError).message).toContain(variable);
    expect((thrown as ConfigError).message).not.toContain('\n');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ HTTP_PORT: '', LOG_LEVEL: '  ' })).toMatchObject({
      httpPort: 8080,
      logLevel: 'info',
    });
  });

  it('reads exactly the variables KNOWN_ENV_VARS lists (the deployment files are checked against it)', () => {
    const read = new Set<string>();
    const env = new Proxy(
      { DATABASE_TYPE: 'postgresql', DATABASE_URL: 'postgresql://db/sync' } as Record<string, string>,
      {
        get: (target, name) => {
          if (typeof name === 'string') read.add(name);
          return target[name as string];
        },
      },
    );
    loadConfig(env);
    expect([...read].sort()).toEqual([...KNOWN_ENV_VARS].sort());
  });

  it('sends HSTS only with HSTS_MAX_AGE, in seconds', () => {
    expect(loadConfig({}).hstsMaxAgeSeconds).toBeNull();
    expect(loadConfig({ HSTS_MAX_AGE: '0' }).hstsMaxAgeSeconds).toBeNull();
    expect(loadConfig({ HSTS_MAX_AGE: '31536000' }).hstsMaxAgeSeconds).toBe(31536000);
    expect(() => loadConfig({ HSTS_MAX_AGE: '1y' })).toThrow(/HSTS_MAX_AGE/);
  });

  it('takes the maintenance period from MAINTENANCE_INTERVAL_SECONDS', () => {
    expect(loadConfig({ MAINTENANCE_INTERVAL_SECONDS: '2' }).maintenanceIntervalSeconds).toBe(2);
  });
});
