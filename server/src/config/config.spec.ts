import * as path from 'node:path';

import { ConfigError, loadConfig } from './config';

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
      operationTimeoutSeconds: 3600,
      keepStatesPerEndpoint: 10,
      maintenanceIntervalSeconds: 60,
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
    });
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
});
