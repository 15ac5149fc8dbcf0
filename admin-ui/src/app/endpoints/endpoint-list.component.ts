import { ScrollingModule } from '@angular/cdk/scrolling';
import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';

import { errorMessage } from '../api/api-error';
import type {
  EndpointDto,
  EndpointPageDto,
  EndpointSortField,
  SortOrder,
  SyncStatus,
} from '../api/generated/models';
import { SYNC_STATUS } from '../api/generated/models/sync-status-array';
import { EndpointsService } from '../api/generated/services/endpoints.service';
import { PoolsService } from '../api/generated/services/pools.service';
import { SessionStore } from '../auth/session.store';
import { LiveEventsService } from '../events/live-events.service';
import { PoolStore } from '../pools/pool.store';
import { ConfirmButtonComponent } from '../ui/confirm-button.component';
import { PagedList, searchAsYouType } from '../ui/paged-list';
import { PagerComponent } from '../ui/pager.component';
import { StatusBadgeComponent } from '../ui/status-badge.component';
import { FleetStore } from './fleet.store';

const PAGE_SIZE = 100;
const ROW_HEIGHT = 44;
/** The server's largest bulk assignment; a bigger selection goes in several calls. */
const MAX_PER_ASSIGNMENT = 1000;
/** Requests in flight at once when taking endpoints out of their pools (one PUT per endpoint). */
const UNASSIGN_CONCURRENCY = 4;
/** The order a column sorts in on its first click: most recently seen first, the rest A to Z / worst first. */
const FIRST_ORDER: Record<EndpointSortField, SortOrder> = {
  name: 'asc',
  hostname: 'asc',
  sync_status: 'asc',
  last_seen: 'desc',
  created_at: 'asc',
};

@Component({
  selector: 'ps-endpoint-list',
  imports: [
    ScrollingModule,
    FormsModule,
    RouterLink,
    DatePipe,
    StatusBadgeComponent,
    ConfirmButtonComponent,
    PagerComponent,
  ],
  styles: `
    button.sort {
      background: none;
      border: none;
      padding: 0;
      color: inherit;
      font: inherit;
      text-align: left;
      cursor: pointer;
    }
    button.sort[aria-pressed='true'] {
      font-weight: 600;
    }
  `,
  template: `
    <h1>Endpoints</h1>
    <form class="toolbar" role="search" (submit)="$event.preventDefault()">
      <label
        >Search
        <input
          type="search"
          name="search"
          [ngModel]="searchInput()"
          (ngModelChange)="typed($event)"
          maxlength="255"
          placeholder="name or hostname"
      /></label>
      <label
        >Status
        <select name="status" [ngModel]="statusFilter()" (ngModelChange)="filterBy(statusFilter, $event)">
          <option value="">any</option>
          @for (status of statuses; track status) {
            <option [value]="status">{{ status }}</option>
          }
        </select>
      </label>
      <label
        >Pool
        <select name="pool" [ngModel]="poolFilter()" (ngModelChange)="filterBy(poolFilter, $event)">
          <option value="">any</option>
          <option value="none">no pool</option>
          @for (pool of pools.pools(); track pool.id) {
            <option [value]="pool.id">{{ pool.name }}</option>
          }
        </select>
      </label>
    </form>

    @if (session.canMutate()) {
      <div class="toolbar" aria-label="Selection">
        <span role="status" data-testid="selected-count">{{ selected().size }} selected</span>
        <button type="button" (click)="selectAllShown()" [disabled]="rows().length === 0">
          Select all shown
        </button>
        <button type="button" (click)="selected.set(emptySelection())" [disabled]="selected().size === 0">
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

    @if (list.error()) {
      <p class="error" role="alert">Could not load endpoints: {{ list.error() }}</p>
    }
    @if (list.page(); as page) {
      @if (page.total === 0) {
        <p class="muted" data-testid="row-count">
          {{ filtered() ? 'No endpoint matches the filter.' : 'No endpoint has registered yet.' }}
        </p>
      } @else {
        <p class="muted" role="status" data-testid="row-count">
          {{ page.total }} {{ filtered() ? 'matching ' : '' }}endpoint(s)
        </p>
        <div class="grid-head endpoint-grid" role="group" aria-label="Sort endpoints">
          <span></span>
          <button type="button" class="sort" [attr.aria-pressed]="sort() === 'name'" (click)="sortBy('name')">
            Name {{ arrow('name') }}
          </button>
          <button
            type="button"
            class="sort"
            [attr.aria-pressed]="sort() === 'sync_status'"
            (click)="sortBy('sync_status')"
          >
            Status {{ arrow('sync_status') }}
          </button>
          <span>Pool</span>
          <button
            type="button"
            class="sort"
            [attr.aria-pressed]="sort() === 'last_seen'"
            (click)="sortBy('last_seen')"
          >
            Last seen {{ arrow('last_seen') }}
          </button>
        </div>
        <cdk-virtual-scroll-viewport
          [itemSize]="rowHeight"
          class="viewport"
          role="list"
          aria-label="Endpoints"
          [attr.aria-busy]="list.loading()"
        >
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
                  (change)="toggle(endpoint)"
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
        <ps-pager
          label="Endpoint pages"
          [offset]="list.offset()"
          [limit]="list.limit"
          [total]="page.total"
          (offsetChange)="list.go($event)"
        />
      }
    } @else if (list.loading()) {
      <p class="muted" role="status">Loading endpoints…</p>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EndpointListComponent implements OnInit {
  private readonly fleet = inject(FleetStore);
  protected readonly pools = inject(PoolStore);
  protected readonly session = inject(SessionStore);
  private readonly api = inject(EndpointsService);
  private readonly poolsApi = inject(PoolsService);

  /** `?status=` from the dashboard's counts. */
  readonly status = input<string>();

  protected readonly statuses = SYNC_STATUS;
  protected readonly rowHeight = ROW_HEIGHT;
  protected readonly searchInput = signal('');
  private readonly search = signal('');
  protected readonly statusFilter = signal<SyncStatus | ''>('');
  /** '' any pool, 'none' in no pool, else a pool id. */
  protected readonly poolFilter = signal('');
  protected readonly sort = signal<EndpointSortField>('name');
  protected readonly order = signal<SortOrder>('asc');
  /** id → name, kept across pages so the confirmation can name what it moves. */
  protected readonly selected = signal<ReadonlyMap<string, string>>(new Map());
  protected readonly assignPool = signal('');
  protected readonly assigning = signal(false);
  protected readonly assignResult = signal<string | null>(null);

  protected readonly list = new PagedList<EndpointPageDto>(PAGE_SIZE, (limit, offset) =>
    this.api.listEndpoints({
      limit,
      offset,
      search: this.search() || undefined,
      sync_status: this.statusFilter() || undefined,
      pool_id: this.poolFilter() && this.poolFilter() !== 'none' ? this.poolFilter() : undefined,
      unassigned: this.poolFilter() === 'none' ? 'true' : undefined,
      sort: this.sort(),
      order: this.order(),
    }),
  );
  protected readonly rows = computed(() => this.list.page()?.items ?? []);
  protected readonly filtered = computed(() => !!(this.search() || this.statusFilter() || this.poolFilter()));

  private readonly searchTyped = searchAsYouType((search) => {
    this.search.set(search);
    void this.list.go(0);
  });

  protected readonly selectedNames = computed(() => {
    const names = [...this.selected().values()];
    return names.length > 10 ? [...names.slice(0, 10), `… and ${names.length - 10} more`] : names;
  });

  protected readonly assignMessage = computed(() => {
    const target = this.assignPool() === 'none' ? 'no pool' : `pool "${this.poolName(this.assignPool())}"`;
    return `${this.selected().size} endpoint(s) move to ${target}; their status is then judged against that pool's target.`;
  });

  constructor() {
    // A status change patches the row in place; a poll tick (socket down) fetches the page again.
    inject(LiveEventsService).listen(['endpoint.status'], (event) => {
      if (event.type === 'poll') {
        void this.list.load();
        return;
      }
      const { endpoint_id: id, sync_status: status, pool_id: poolId } = event.data;
      if (typeof id !== 'string' || !(SYNC_STATUS as unknown[]).includes(status)) return;
      this.list.patch((page) => ({
        ...page,
        items: page.items.map((endpoint) =>
          endpoint.id === id
            ? {
                ...endpoint,
                sync_status: status as SyncStatus,
                pool_id: typeof poolId === 'string' ? poolId : endpoint.pool_id,
              }
            : endpoint,
        ),
      }));
    });
  }

  ngOnInit(): void {
    const status = this.status();
    if (status && (SYNC_STATUS as string[]).includes(status)) this.statusFilter.set(status as SyncStatus);
    void this.list.load();
    void this.pools.load();
  }

  protected typed(search: string): void {
    this.searchInput.set(search);
    this.searchTyped(search);
  }

  protected filterBy<T>(filter: { set(value: T): void }, value: T): void {
    filter.set(value);
    void this.list.go(0);
  }

  /** A second click on the sorted column reverses it. */
  protected sortBy(field: EndpointSortField): void {
    if (this.sort() === field) this.order.set(this.order() === 'asc' ? 'desc' : 'asc');
    else {
      this.sort.set(field);
      this.order.set(FIRST_ORDER[field]);
    }
    void this.list.go(0);
  }

  protected arrow(field: EndpointSortField): string {
    if (this.sort() !== field) return '';
    return this.order() === 'asc' ? '▲' : '▼';
  }

  protected poolName(id: string | null): string {
    if (!id) return '—';
    return this.pools.nameOf().get(id) ?? 'unknown pool';
  }

  protected trackById(_index: number, endpoint: EndpointDto): string {
    return endpoint.id;
  }

  protected emptySelection(): ReadonlyMap<string, string> {
    return new Map();
  }

  protected toggle(endpoint: EndpointDto): void {
    const next = new Map(this.selected());
    if (next.has(endpoint.id)) next.delete(endpoint.id);
    else next.set(endpoint.id, endpoint.name);
    this.selected.set(next);
  }

  protected selectAllShown(): void {
    const next = new Map(this.selected());
    for (const endpoint of this.rows()) next.set(endpoint.id, endpoint.name);
    this.selected.set(next);
  }

  protected async assign(): Promise<void> {
    const ids = [...this.selected().keys()];
    const poolId = this.assignPool() === 'none' ? null : this.assignPool();
    this.assigning.set(true);
    this.assignResult.set(null);
    const { changed, failure } = poolId
      ? await this.moveIntoPool(poolId, ids)
      : await this.takeOutOfPools(ids);
    if (this.fleet.loaded()) this.fleet.upsert(changed);
    this.selected.set(new Map());
    this.assigning.set(false);
    this.assignResult.set(
      failure === null
        ? `Assigned ${changed.length} endpoint(s).`
        : changed.length === 0
          ? `Nothing assigned: ${failure}`
          : `Assigned ${changed.length}; then: ${failure}`,
    );
    void this.list.load();
    void this.pools.load();
  }

  /** One call per 1000 endpoints, each all or nothing on the server. */
  private async moveIntoPool(
    poolId: string,
    ids: readonly string[],
  ): Promise<{ changed: EndpointDto[]; failure: string | null }> {
    const changed: EndpointDto[] = [];
    for (let start = 0; start < ids.length; start += MAX_PER_ASSIGNMENT) {
      try {
        const answer = await this.poolsApi.assignPoolEndpoints({
          id: poolId,
          body: { endpoint_ids: ids.slice(start, start + MAX_PER_ASSIGNMENT) },
        });
        changed.push(...answer.endpoints);
      } catch (error) {
        return { changed, failure: errorMessage(error) };
      }
    }
    return { changed, failure: null };
  }

  /** The bulk route only moves endpoints into a pool; out of one is a PUT per endpoint. */
  private async takeOutOfPools(
    ids: readonly string[],
  ): Promise<{ changed: EndpointDto[]; failure: string | null }> {
    const changed: EndpointDto[] = [];
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++];
        try {
          changed.push(await this.api.updateEndpoint({ id, body: { pool_id: null } }));
        } catch (error) {
          failures.push(`${this.selected().get(id) ?? id}: ${errorMessage(error)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(UNASSIGN_CONCURRENCY, ids.length) }, worker));
    return {
      changed,
      failure: failures.length === 0 ? null : `${failures.length} failed: ${failures.slice(0, 3).join('; ')}`,
    };
  }
}
