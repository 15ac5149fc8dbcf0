import * as fs from 'node:fs';
import * as path from 'node:path';

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

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

@Injectable()
export class HealthService {
  private readonly version = readServerVersion();
  private readonly startedAt = Date.now();
  /** Concurrent probes share one query, so a hanging database does not collect a pile of them. */
  private inFlight: Promise<DatabaseHealthDto> | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), DATABASE_PROBE_TIMEOUT_MS);
    });
    try {
      const answer = await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
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
