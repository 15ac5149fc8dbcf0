import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { EndpointStatusService } from '../endpoints/endpoint-status.service';
import { RepositoriesService } from '../repositories/repositories.service';
import { StatesService } from '../states/states.service';
import { OperationsService } from '../sync/operations.service';
import { FleetLock } from './fleet-lock';

export interface MaintenanceResult {
  offline: number;
  timed_out: number;
  states_removed: number;
  contents_removed: number;
}

/**
 * The periodic job: endpoints that stopped reporting become offline, operations stuck in progress fail,
 * and (AUTO_CLEANUP_OLD_STATES) old snapshots and unreferenced repository contents go. With several
 * instances on one PostgreSQL only the holder of the {@link FleetLock} runs it, so the fleet runs it once
 * per period (every step is also a conditional write, so an overlap during a hand-over does no harm).
 */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MaintenanceService.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private readonly lock: FleetLock;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly status: EndpointStatusService,
    private readonly operations: OperationsService,
    private readonly states: StatesService,
    private readonly repositories: RepositoriesService,
    private readonly audit: AuditService,
    @InjectDataSource() dataSource: DataSource,
  ) {
    this.lock = new FleetLock(dataSource);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick().finally(() => (this.running = null));
    }, this.config.maintenanceIntervalSeconds * 1000);
    this.timer.unref();
  }

  /** Stops the timer before the DataSource closes (shutdown hooks run before TypeORM's). */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    await this.lock.release();
  }

  /** One timer tick: run the job if this instance holds the fleet lock. */
  async tick(): Promise<void> {
    try {
      const wasHeld = this.lock.isHeld();
      if (!(await this.lock.tryAcquire())) return;
      if (!wasHeld) this.logger.log({ msg: 'this instance now runs the maintenance job' });
      const started = Date.now();
      const result = await this.runOnce();
      this.logger.debug({ msg: 'maintenance run', duration_ms: Date.now() - started, ...result });
    } catch (error) {
      this.logger.error({ msg: 'maintenance run failed', err: error });
    }
  }

  async runOnce(now = new Date()): Promise<MaintenanceResult> {
    const result: MaintenanceResult = {
      offline: await this.status.markOffline(now),
      timed_out: await this.operations.failTimedOut(now),
      states_removed: 0,
      contents_removed: 0,
    };
    if (this.config.autoCleanupOldStates) {
      result.states_removed = await this.states.cleanupAll();
      result.contents_removed = await this.repositories.deleteOrphanContents();
      // Timed-out operations are audited one by one where they fail (OperationsService.failTimedOut).
      if (result.states_removed > 0 || result.contents_removed > 0) {
        await this.audit.recordSystem('cleanupOldStates', null, {
          states_removed: result.states_removed,
          contents_removed: result.contents_removed,
        });
      }
    }
    if (Object.values(result).some((count) => count > 0)) this.logger.log({ msg: 'maintenance', ...result });
    return result;
  }
}
