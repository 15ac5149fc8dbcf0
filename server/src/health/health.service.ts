import * as fs from 'node:fs';
import * as path from 'node:path';

import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';

import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';

import { DatabaseHealthDto, HealthDto } from './dto/health.dto';

/** A database that takes longer than this for `SELECT 1` counts as down: probes must answer quickly. */
export const DATABASE_PROBE_TIMEOUT_MS = 2000;

/** From server/package.json: two levels up both from src/health (tests) and dist/health (built). */
function readServerVersion(): string {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Liveness and database readiness. On PostgreSQL the probe has a connection of its own, outside the
 * request pool: with every pooled connection busy (a thousand list requests) the probe's `SELECT 1` used
 * to queue behind them and time out, and a load balancer dropped a busy but healthy instance. SQLite has
 * no pool to starve: the probe runs on the process's own connection.
 */
@Injectable()
export class HealthService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly version = readServerVersion();
  private readonly startedAt = Date.now();
  /** Concurrent probes share one query, so a hanging database does not collect a pile of them. */
  private inFlight: Promise<DatabaseHealthDto> | null = null;
  private readonly reserved: Pool | null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.reserved =
      config.databaseType === 'postgresql'
        ? new Pool({
            connectionString: config.databaseUrl ?? undefined,
            max: 1,
            connectionTimeoutMillis: DATABASE_PROBE_TIMEOUT_MS,
            statement_timeout: DATABASE_PROBE_TIMEOUT_MS,
            // Kept open: the probe must not need a new connection when the server is at max_connections.
            idleTimeoutMillis: 0,
            allowExitOnIdle: true,
            application_name: 'pacman-sync health',
          })
        : null;
    // A connection that breaks while idle (the database restarted) is replaced by the next probe.
    this.reserved?.on('error', () => undefined);
  }

  /** Opens the reserved connection at start, not during the first probe, which may come under load. */
  onApplicationBootstrap(): void {
    this.reserved?.query('SELECT 1').catch(() => {
      // The database is not there yet: the first probe says so, and connects when it is.
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.reserved?.end();
  }

  async check(): Promise<HealthDto> {
    const database = await this.probeDatabase();
    return {
      status: database.status,
      database,
      version: this.version,
      uptime_s: Math.floor((Date.now() - this.startedAt) / 1000),
    };
  }

  probeDatabase(): Promise<DatabaseHealthDto> {
    this.inFlight ??= this.runProbe().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async runProbe(): Promise<DatabaseHealthDto> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    // The answer may have arrived while the event loop was busy with other requests: the timer and the
    // socket are then ready together, and timers run first. One more turn (setImmediate runs after the
    // loop has read its sockets) lets such an answer count, so a busy server is not reported down.
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => setImmediate(() => resolve('timeout')), DATABASE_PROBE_TIMEOUT_MS);
    });
    try {
      const query = this.reserved ? this.reserved.query('SELECT 1') : this.dataSource.query('SELECT 1');
      const answer = await Promise.race([query, timeout]);
      if (answer === 'timeout') return { status: 'unavailable', latency_ms: null };
      return { status: 'ok', latency_ms: Math.round((performance.now() - started) * 100) / 100 };
    } catch {
      // Whatever the driver says (closed pool, refused connection, admin shutdown), the answer is "down".
      return { status: 'unavailable', latency_ms: null };
    } finally {
      clearTimeout(timer);
    }
  }
}
