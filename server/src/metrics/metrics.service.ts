import { OPERATION_STATUSES, SYNC_STATUSES } from '@pacman-sync/shared';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Subscription } from 'rxjs';
import { DataSource } from 'typeorm';

import { EventsGateway } from '../events/events.gateway';
import { EVENT_TYPES, EventsService } from '../events/events.service';

/** The label for requests no route matched: raw URLs as labels would let any client mint new series. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Seconds; from a hash check-in (about a millisecond) to a large state or repository report. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface StatusCountRow {
  status: string;
  count: string | number;
}

/**
 * Prometheus metrics of one app instance. The registry is this instance's own (not prom-client's global
 * one), so several apps in one process — tests, benchmarks — never register a metric twice.
 */
@Injectable()
export class MetricsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('MetricsService');
  readonly registry = new Registry();
  private readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to sending its answer, by method and route pattern',
    labelNames: ['method', 'route'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly eventsPublished = new Counter({
    name: 'pacman_sync_events_total',
    help: 'Real-time events seen by this instance, by type',
    labelNames: ['type'],
    registers: [this.registry],
  });
  private readonly databaseUp = new Gauge({
    name: 'pacman_sync_database_up',
    help: '1 when the status queries of the last scrape succeeded, 0 when the database did not answer',
    registers: [this.registry],
  });
  private readonly endpointsByStatus = new Gauge({
    name: 'pacman_sync_endpoints',
    help: 'Endpoints by stored sync status (the maintenance job moves silent ones to offline)',
    labelNames: ['status'],
    registers: [this.registry],
  });
  private readonly operationsByStatus = new Gauge({
    name: 'pacman_sync_operations',
    help: 'Sync, set-latest and revert operations by status',
    labelNames: ['status'],
    registers: [this.registry],
  });
  private subscription: Subscription | null = null;
  /**
   * The request series' children by method, route pattern and status: looked up once, a child's inc and
   * observe skip prom-client's label validation, which cost more than the counting on a check-in.
   * Bounded: Fastify knows a fixed set of methods, routes are patterns and statuses are codes.
   */
  private readonly requestSeries = new Map<
    string,
    { count: ReturnType<Counter['labels']>; duration: ReturnType<Histogram['labels']> }
  >();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventsService,
    private readonly gateway: EventsGateway,
  ) {
    collectDefaultMetrics({ register: this.registry });
    for (const type of EVENT_TYPES) this.eventsPublished.inc({ type }, 0);
    this.registerGatewayMetrics();
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', async (request, reply) => {
      const series = this.seriesFor(
        request.method,
        request.routeOptions.url ?? UNMATCHED_ROUTE,
        reply.statusCode,
      );
      series.count.inc();
      series.duration.observe(reply.elapsedTime / 1000);
    });
    this.subscription = this.events.events$.subscribe((event) =>
      this.eventsPublished.inc({ type: event.type }),
    );
  }

  private seriesFor(method: string, route: string, statusCode: number) {
    const key = `${method} ${statusCode} ${route}`;
    let series = this.requestSeries.get(key);
    if (!series) {
      series = {
        count: this.httpRequests.labels({ method, route, status: String(statusCode) }),
        duration: this.httpDuration.labels({ method, route }),
      };
      this.requestSeries.set(key, series);
    }
    return series;
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** The exposition text; database gauges are read now, with one GROUP BY per table. */
  async scrape(): Promise<string> {
    await this.refreshDatabaseGauges();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Two GROUP BY queries; on failure the status series vanish and database_up says why. */
  private async refreshDatabaseGauges(): Promise<void> {
    this.endpointsByStatus.reset();
    this.operationsByStatus.reset();
    try {
      const [endpointRows, operationRows] = await Promise.all([
        this.countByStatus(
          'SELECT sync_status AS status, COUNT(*) AS count FROM endpoints GROUP BY sync_status',
        ),
        this.countByStatus('SELECT status, COUNT(*) AS count FROM sync_operations GROUP BY status'),
      ]);
      fillByStatus(this.endpointsByStatus, SYNC_STATUSES, endpointRows);
      fillByStatus(this.operationsByStatus, OPERATION_STATUSES, operationRows);
      this.databaseUp.set(1);
    } catch (error) {
      this.logger.warn({ msg: 'metrics: database status queries failed', err: error });
      this.databaseUp.set(0);
    }
  }

  private registerGatewayMetrics(): void {
    const gateway = this.gateway;
    new Gauge({
      name: 'pacman_sync_events_connections',
      help: 'Open WebSocket connections on /api/events',
      registers: [this.registry],
      collect() {
        this.set(gateway.stats().connections);
      },
    });
    new Counter({
      name: 'pacman_sync_events_sent_total',
      help: 'Event messages written to WebSocket clients',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(gateway.stats().sent);
      },
    });
    new Counter({
      name: 'pacman_sync_events_dropped_total',
      help: 'WebSocket clients cut off: slow (send buffer full) or dead (missed a heartbeat)',
      labelNames: ['reason'],
      registers: [this.registry],
      collect() {
        const stats = gateway.stats();
        this.reset();
        this.inc({ reason: 'slow' }, stats.droppedSlow);
        this.inc({ reason: 'dead' }, stats.droppedDead);
      },
    });
  }

  private async countByStatus(sql: string): Promise<StatusCountRow[]> {
    return (await this.dataSource.query(sql)) as StatusCountRow[];
  }
}

/** Every known status gets a series (0 when absent), so dashboards never see one vanish. */
function fillByStatus(gauge: Gauge<'status'>, known: readonly string[], rows: StatusCountRow[]): void {
  for (const status of known) gauge.set({ status }, 0);
  for (const row of rows) gauge.set({ status: row.status }, Number(row.count));
}
