import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { EndpointStatusService } from '../endpoints/endpoint-status.service';
import { RepositoriesService } from '../repositories/repositories.service';
import { StatesService } from '../states/states.service';
import { OperationsService } from '../sync/operations.service';

export interface MaintenanceResult {
  offline: number;
  timed_out: number;
  states_removed: number;
  contents_removed: number;
}

/**
 * The periodic job: endpoints that stopped reporting become offline, operations stuck in progress fail,
 * and (AUTO_CLEANUP_OLD_STATES) old snapshots and unreferenced repository contents go. Every step is a
 * conditional write, so several server instances running it at once do no harm.
 */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceService.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly status: EndpointStatusService,
    private readonly operations: OperationsService,
    private readonly states: StatesService,
    private readonly repositories: RepositoriesService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.runOnce()
        .catch((error: unknown) => this.logger.error({ msg: 'maintenance run failed', err: error }))
        .finally(() => (this.running = null));
    }, this.config.maintenanceIntervalSeconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
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
    }
    if (Object.values(result).some((count) => count > 0)) this.logger.log({ msg: 'maintenance', ...result });
    return result;
  }
}
