import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal } from '@angular/core';
import { RouterLink } from '@angular/router';

import { errorMessage } from '../api/api-error';
import type { EndpointDto, OperationDto, SyncStatus } from '../api/generated/models';
import { OperationsService } from '../api/generated/services/operations.service';
import { emptyCounts, FleetStore } from '../endpoints/fleet.store';
import { LiveEventsService } from '../events/live-events.service';
import { PoolStore } from '../pools/pool.store';
import { StatusBadgeComponent } from '../ui/status-badge.component';
import { FleetChartComponent } from './fleet-chart.component';

const ATTENTION: ReadonlySet<SyncStatus> = new Set<SyncStatus>(['behind', 'diverged', 'offline']);
const STATUSES: SyncStatus[] = ['in_sync', 'behind', 'ahead', 'diverged', 'offline', 'unknown'];
/** The dashboard names the first few; the endpoint list filtered by status shows them all. */
const ATTENTION_SHOWN = 20;

@Component({
  selector: 'ps-dashboard',
  imports: [RouterLink, DatePipe, StatusBadgeComponent, FleetChartComponent],
  template: `
    <h1>Dashboard</h1>
    @if (fleet.error()) {
      <p class="error" role="alert">Could not load the fleet: {{ fleet.error() }}</p>
    }
    @if (!fleet.loaded() && fleet.loading()) {
      <p class="muted" role="status">Loading the fleet…</p>
    } @else if (fleet.loaded()) {
      <section aria-labelledby="fleet-title" class="card">
        <h2 id="fleet-title">Fleet ({{ fleet.endpoints().length }} endpoints)</h2>
        <ul class="counts" data-testid="fleet-counts">
          @for (status of statuses; track status) {
            <li>
              <a [routerLink]="['/endpoints']" [queryParams]="{ status }">
                <ps-status-badge [status]="status" />
                <strong [attr.data-testid]="'count-' + status">{{ fleet.counts()[status] }}</strong>
              </a>
            </li>
          }
        </ul>
        <ps-fleet-chart [samples]="fleet.history()" />
      </section>

      <section aria-labelledby="pools-title" class="card">
        <h2 id="pools-title">Pools</h2>
        @if (pools.pools().length === 0) {
          <p class="muted">No pools yet. <a routerLink="/pools">Create one</a> to group endpoints.</p>
        } @else {
          <table>
            <caption class="visually-hidden">
              Endpoints per sync status in each pool
            </caption>
            <thead>
              <tr>
                <th scope="col">Pool</th>
                @for (status of statuses; track status) {
                  <th scope="col">{{ label(status) }}</th>
                }
              </tr>
            </thead>
            <tbody>
              @for (pool of pools.pools(); track pool.id) {
                <tr [attr.data-testid]="'pool-row-' + pool.name">
                  <th scope="row">
                    <a [routerLink]="['/pools', pool.id]">{{ pool.name }}</a>
                  </th>
                  @for (status of statuses; track status) {
                    <td [attr.data-status]="status">{{ poolCounts(pool.id)[status] }}</td>
                  }
                </tr>
              }
            </tbody>
          </table>
        }
      </section>

      <section aria-labelledby="attention-title" class="card">
        <h2 id="attention-title">Needing attention ({{ attentionTotal() }})</h2>
        @if (attention().length === 0) {
          <p class="muted">
            Every endpoint is in sync, ahead or waiting for a target, and no operation failed.
          </p>
        } @else {
          <ul class="plain" data-testid="attention">
            @for (item of attention(); track item.endpoint.id) {
              <li>
                <a [routerLink]="['/endpoints', item.endpoint.id]">{{ item.endpoint.name }}</a>
                <ps-status-badge [status]="item.reason" />
                <span class="muted">{{ poolName(item.endpoint.pool_id) }}</span>
              </li>
            }
          </ul>
        }
      </section>
    }

    <section aria-labelledby="ops-title" class="card">
      <h2 id="ops-title">Recent operations</h2>
      @if (opsError()) {
        <p class="error" role="alert">Could not load operations: {{ opsError() }}</p>
      } @else if (operations() === null) {
        <p class="muted" role="status">Loading operations…</p>
      } @else if (operations()!.length === 0) {
        <p class="muted">No operations yet.</p>
      } @else {
        <table data-testid="recent-operations">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Type</th>
              <th scope="col">Endpoint</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            @for (op of operations(); track op.id) {
              <tr>
                <td>{{ op.created_at | date: 'short' }}</td>
                <td>{{ op.operation_type }}</td>
                <td>
                  <a [routerLink]="['/endpoints', op.endpoint_id]">{{ endpointName(op.endpoint_id) }}</a>
                </td>
                <td><ps-status-badge [status]="op.status" /></td>
              </tr>
            }
          </tbody>
        </table>
      }
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DashboardComponent implements OnInit {
  protected readonly fleet = inject(FleetStore);
  protected readonly pools = inject(PoolStore);
  private readonly operationsApi = inject(OperationsService);
  private readonly events = inject(LiveEventsService);

  protected readonly statuses = STATUSES;
  protected readonly operations = signal<OperationDto[] | null>(null);
  protected readonly opsError = signal<string | null>(null);

  private readonly failedEndpoints = computed(
    () =>
      new Set((this.operations() ?? []).filter((op) => op.status === 'failed').map((op) => op.endpoint_id)),
  );

  private readonly attentionAll = computed(() => {
    const failed = this.failedEndpoints();
    const items: Array<{ endpoint: EndpointDto; reason: string }> = [];
    for (const endpoint of this.fleet.endpoints()) {
      if (ATTENTION.has(endpoint.sync_status)) items.push({ endpoint, reason: endpoint.sync_status });
      else if (failed.has(endpoint.id)) items.push({ endpoint, reason: 'failed' });
    }
    return items;
  });
  protected readonly attentionTotal = computed(() => this.attentionAll().length);
  protected readonly attention = computed(() => this.attentionAll().slice(0, ATTENTION_SHOWN));

  constructor() {
    this.events.listen(['operation.updated', 'pool.target_changed'], (event) => {
      if (event.type === 'pool.target_changed' || event.type === 'poll') void this.pools.load();
      if (event.type === 'operation.updated' || event.type === 'poll') void this.loadOperations();
    });
  }

  ngOnInit(): void {
    void this.reload();
    void this.loadOperations();
  }

  protected poolCounts(poolId: string) {
    return this.fleet.countsByPool().get(poolId) ?? emptyCounts();
  }

  protected poolName(poolId: string | null): string {
    return poolId ? (this.pools.nameOf().get(poolId) ?? 'unknown pool') : 'no pool';
  }

  protected endpointName(id: string): string {
    return this.fleet.nameOf().get(id) ?? id.slice(0, 8);
  }

  protected label(status: SyncStatus): string {
    return {
      in_sync: 'In sync',
      behind: 'Behind',
      ahead: 'Ahead',
      diverged: 'Diverged',
      offline: 'Offline',
      unknown: 'Unknown',
    }[status];
  }

  private async reload(): Promise<void> {
    await Promise.all([this.fleet.load(), this.pools.load()]);
  }

  private async loadOperations(): Promise<void> {
    try {
      const page = await this.operationsApi.listOperations({ limit: 10, offset: 0 });
      this.operations.set(page.items);
      this.opsError.set(null);
    } catch (error) {
      this.opsError.set(errorMessage(error));
    }
  }
}
