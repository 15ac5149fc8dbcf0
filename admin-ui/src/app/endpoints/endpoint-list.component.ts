import { ScrollingModule } from '@angular/cdk/scrolling';
import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';

import { errorMessage } from '../api/api-error';
import type { EndpointDto, SyncStatus } from '../api/generated/models';
import { SYNC_STATUS } from '../api/generated/models/sync-status-array';
import { EndpointsService } from '../api/generated/services/endpoints.service';
import { SessionStore } from '../auth/session.store';
import { PoolStore } from '../pools/pool.store';
import { ConfirmButtonComponent } from '../ui/confirm-button.component';
import { StatusBadgeComponent } from '../ui/status-badge.component';
import { FleetStore } from './fleet.store';

export type EndpointSort = 'name' | 'status' | 'pool' | 'last_seen';

/** Worst first: the order an administrator works through them. */
const STATUS_RANK: Record<SyncStatus, number> = {
  diverged: 0,
  behind: 1,
  offline: 2,
  ahead: 3,
  unknown: 4,
  in_sync: 5,
};
const ROW_HEIGHT = 44;
/** Requests in flight at once when assigning many endpoints (the API has one PUT per endpoint). */
const ASSIGN_CONCURRENCY = 4;

export interface EndpointFilter {
  search: string;
  status: SyncStatus | '';
  poolId: string;
  sort: EndpointSort;
}

/** Filters and sorts the whole fleet in one pass; pure so the 10,000-row case is testable without a DOM. */
export function filterEndpoints(
  endpoints: readonly EndpointDto[],
  filter: EndpointFilter,
  poolName: (id: string | null) => string,
): EndpointDto[] {
  const needle = filter.search.trim().toLowerCase();
  const rows = endpoints.filter(
    (endpoint) =>
      (!filter.status || endpoint.sync_status === filter.status) &&
      (!filter.poolId ||
        (filter.poolId === 'none' ? endpoint.pool_id === null : endpoint.pool_id === filter.poolId)) &&
      (!needle ||
        endpoint.name.toLowerCase().includes(needle) ||
        endpoint.hostname.toLowerCase().includes(needle)),
  );
  const byName = (a: EndpointDto, b: EndpointDto) => a.name.localeCompare(b.name);
  const compare: Record<EndpointSort, (a: EndpointDto, b: EndpointDto) => number> = {
    name: byName,
    status: (a, b) => STATUS_RANK[a.sync_status] - STATUS_RANK[b.sync_status] || byName(a, b),
    pool: (a, b) => poolName(a.pool_id).localeCompare(poolName(b.pool_id)) || byName(a, b),
    // Most recently seen first; never seen last.
    last_seen: (a, b) => (b.last_seen ?? '').localeCompare(a.last_seen ?? '') || byName(a, b),
  };
  return rows.sort(compare[filter.sort]);
}

@Component({
  selector: 'ps-endpoint-list',
  imports: [ScrollingModule, FormsModule, RouterLink, DatePipe, StatusBadgeComponent, ConfirmButtonComponent],
  template: `
    <h1>Endpoints</h1>
    <form class="toolbar" role="search" (submit)="$event.preventDefault()">
      <label
        >Search
        <input
          type="search"
          name="search"
          [ngModel]="search()"
          (ngModelChange)="search.set($event)"
          placeholder="name or hostname"
      /></label>
      <label
        >Status
        <select name="status" [ngModel]="statusFilter()" (ngModelChange)="statusFilter.set($event)">
          <option value="">any</option>
          @for (status of statuses; track status) {
            <option [value]="status">{{ status }}</option>
          }
        </select>
      </label>
      <label
        >Pool
        <select name="pool" [ngModel]="poolFilter()" (ngModelChange)="poolFilter.set($event)">
          <option value="">any</option>
          <option value="none">no pool</option>
          @for (pool of pools.pools(); track pool.id) {
            <option [value]="pool.id">{{ pool.name }}</option>
          }
        </select>
      </label>
      <label
        >Sort by
        <select name="sort" [ngModel]="sort()" (ngModelChange)="sort.set($event)">
          <option value="name">name</option>
          <option value="status">status</option>
          <option value="pool">pool</option>
          <option value="last_seen">last seen</option>
        </select>
      </label>
    </form>

    @if (session.canMutate()) {
      <div class="toolbar" aria-label="Selection">
        <span role="status" data-testid="selected-count">{{ selected().size }} selected</span>
        <button type="button" (click)="selectAllShown()" [disabled]="rows().length === 0">
          Select all shown
        </button>
        <button type="button" (click)="selected.set(emptySet())" [disabled]="selected().size === 0">
          Clear
        </button>
        <label
          >Assign to
          <select name="assignPool" [ngModel]="assignPool()" (ngModelChange)="assignPool.set($event)">
            <option value="">choose a pool…</option>
            <option value="none">no pool</option>
            @for (pool of pools.pools(); track pool.id) {
              <option [value]="pool.id">{{ pool.name }}</option>
            }
          </select>
        </label>
        <ps-confirm-button
          label="Assign"
          title="Assign endpoints to a pool"
          [message]="assignMessage()"
          [affects]="selectedNames()"
          confirmLabel="Assign"
          buttonClass="primary"
          [disabled]="selected().size === 0 || !assignPool() || assigning()"
          (confirmed)="assign()"
        />
      </div>
      @if (assignResult()) {
        <p role="status" class="notice">{{ assignResult() }}</p>
      }
    }

    @if (fleet.error()) {
      <p class="error" role="alert">Could not load endpoints: {{ fleet.error() }}</p>
    }
    @if (!fleet.loaded() && fleet.loading()) {
      <p class="muted" role="status">Loading endpoints…</p>
    } @else if (fleet.loaded() && rows().length === 0) {
      <p class="muted">
        {{
          fleet.endpoints().length === 0
            ? 'No endpoint has registered yet.'
            : 'No endpoint matches the filter.'
        }}
      </p>
    } @else if (fleet.loaded()) {
      <p class="muted" role="status" data-testid="row-count">
        {{ rows().length }} of {{ fleet.endpoints().length }} endpoints
      </p>
      <div class="grid-head endpoint-grid" aria-hidden="true">
        <span></span><span>Name</span><span>Status</span><span>Pool</span><span>Last seen</span>
      </div>
      <cdk-virtual-scroll-viewport [itemSize]="rowHeight" class="viewport" role="list" aria-label="Endpoints">
        <div
          *cdkVirtualFor="let endpoint of rows(); trackBy: trackById"
          class="endpoint-grid row"
          role="listitem"
          [attr.data-testid]="'endpoint-' + endpoint.name"
        >
          <span>
            @if (session.canMutate()) {
              <input
                type="checkbox"
                [checked]="selected().has(endpoint.id)"
                (change)="toggle(endpoint.id)"
                [attr.aria-label]="'Select ' + endpoint.name"
              />
            }
          </span>
          <a [routerLink]="['/endpoints', endpoint.id]">{{ endpoint.name }}</a>
          <ps-status-badge [status]="endpoint.sync_status" />
          <span>{{ poolName(endpoint.pool_id) }}</span>
          <span>{{ endpoint.last_seen ? (endpoint.last_seen | date: 'short') : 'never' }}</span>
        </div>
      </cdk-virtual-scroll-viewport>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EndpointListComponent implements OnInit {
  protected readonly fleet = inject(FleetStore);
  protected readonly pools = inject(PoolStore);
  protected readonly session = inject(SessionStore);
  private readonly api = inject(EndpointsService);

  /** `?status=` from the dashboard's counts. */
  readonly status = input<string>();

  protected readonly statuses = SYNC_STATUS;
  protected readonly rowHeight = ROW_HEIGHT;
  protected readonly search = signal('');
  protected readonly statusFilter = signal<SyncStatus | ''>('');
  protected readonly poolFilter = signal('');
  protected readonly sort = signal<EndpointSort>('name');
  protected readonly selected = signal<ReadonlySet<string>>(new Set());
  protected readonly assignPool = signal('');
  protected readonly assigning = signal(false);
  protected readonly assignResult = signal<string | null>(null);

  protected readonly rows = computed(() =>
    filterEndpoints(
      this.fleet.endpoints(),
      { search: this.search(), status: this.statusFilter(), poolId: this.poolFilter(), sort: this.sort() },
      (id) => this.poolName(id),
    ),
  );

  protected readonly selectedNames = computed(() => {
    const names = this.fleet.nameOf();
    const list = [...this.selected()].map((id) => names.get(id) ?? id);
    return list.length > 10 ? [...list.slice(0, 10), `… and ${list.length - 10} more`] : list;
  });

  protected readonly assignMessage = computed(() => {
    const target = this.assignPool() === 'none' ? 'no pool' : `pool "${this.poolName(this.assignPool())}"`;
    return `${this.selected().size} endpoint(s) move to ${target}; their status is then judged against that pool's target.`;
  });

  ngOnInit(): void {
    const status = this.status();
    if (status && (SYNC_STATUS as string[]).includes(status)) this.statusFilter.set(status as SyncStatus);
    void this.fleet.load();
    void this.pools.load();
  }

  protected poolName(id: string | null): string {
    if (!id) return '—';
    return this.pools.nameOf().get(id) ?? 'unknown pool';
  }

  protected trackById(_index: number, endpoint: EndpointDto): string {
    return endpoint.id;
  }

  protected emptySet(): ReadonlySet<string> {
    return new Set();
  }

  protected toggle(id: string): void {
    const next = new Set(this.selected());
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.selected.set(next);
  }

  protected selectAllShown(): void {
    this.selected.set(new Set(this.rows().map((endpoint) => endpoint.id)));
  }

  protected async assign(): Promise<void> {
    const poolId = this.assignPool() === 'none' ? null : this.assignPool();
    const ids = [...this.selected()];
    this.assigning.set(true);
    this.assignResult.set(null);
    const changed: EndpointDto[] = [];
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++];
        try {
          changed.push(await this.api.updateEndpoint({ id, body: { pool_id: poolId } }));
        } catch (error) {
          failures.push(`${this.fleet.nameOf().get(id) ?? id}: ${errorMessage(error)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(ASSIGN_CONCURRENCY, ids.length) }, worker));
    this.fleet.upsert(changed);
    this.selected.set(new Set());
    this.assigning.set(false);
    this.assignResult.set(
      failures.length === 0
        ? `Assigned ${changed.length} endpoint(s).`
        : `Assigned ${changed.length}; ${failures.length} failed: ${failures.slice(0, 3).join('; ')}`,
    );
    void this.pools.load();
  }
}
