import { ChangeDetectionStrategy, Component, inject, input, OnInit, output, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';

import { errorMessage } from '../api/api-error';
import type { EndpointDto, EndpointPageDto } from '../api/generated/models';
import { EndpointsService } from '../api/generated/services/endpoints.service';
import { PoolsService } from '../api/generated/services/pools.service';
import { PagedList, searchAsYouType } from '../ui/paged-list';
import { PagerComponent } from '../ui/pager.component';

const PAGE_SIZE = 20;

/** Finds endpoints on the server and moves the chosen ones into the pool with one bulk call. */
@Component({
  selector: 'ps-pool-assign',
  imports: [FormsModule, PagerComponent],
  template: `
    <h2 id="assign-title">Add endpoints</h2>
    <form class="toolbar" role="search" aria-label="Find endpoints to add" (submit)="$event.preventDefault()">
      <label
        >Find
        <input
          type="search"
          name="find"
          maxlength="255"
          placeholder="name or hostname"
          [ngModel]="searchInput()"
          (ngModelChange)="typed($event)"
      /></label>
      <label
        ><input
          type="checkbox"
          name="unassigned"
          [ngModel]="onlyUnassigned()"
          (ngModelChange)="onlyUnassigned.set($event); list.go(0)"
        />
        only endpoints in no pool</label
      >
    </form>
    @if (list.error()) {
      <p class="error" role="alert">Could not load endpoints: {{ list.error() }}</p>
    }
    @if (list.page(); as page) {
      @if (page.total === 0) {
        <p class="muted" data-testid="assign-candidates">No endpoint matches.</p>
      } @else {
        <ul class="plain" aria-label="Endpoints to add" data-testid="assign-candidates">
          @for (endpoint of page.items; track endpoint.id) {
            <li>
              <label>
                <input
                  type="checkbox"
                  [checked]="chosen().has(endpoint.id)"
                  [disabled]="endpoint.pool_id === poolId()"
                  (change)="toggle(endpoint.id)"
                />
                {{ endpoint.name }}
                <span class="muted"
                  >{{ endpoint.hostname
                  }}{{ endpoint.pool_id === poolId() ? ' — already in this pool' : '' }}</span
                >
              </label>
            </li>
          }
        </ul>
        <ps-pager
          label="Pages of endpoints to add"
          [offset]="list.offset()"
          [limit]="list.limit"
          [total]="page.total"
          (offsetChange)="list.go($event)"
        />
      }
    } @else if (list.loading()) {
      <p class="muted" role="status">Loading endpoints…</p>
    }
    <p class="toolbar">
      <button type="button" class="primary" [disabled]="chosen().size === 0 || adding()" (click)="add()">
        Add {{ chosen().size }} to the pool
      </button>
    </p>
    @if (failure()) {
      <p class="error" role="alert">Nothing added: {{ failure() }}</p>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PoolAssignComponent implements OnInit {
  private readonly endpointsApi = inject(EndpointsService);
  private readonly poolsApi = inject(PoolsService);

  readonly poolId = input.required<string>();
  /** The endpoints as they are after the move (in the pool, statuses recomputed). */
  readonly assigned = output<EndpointDto[]>();

  protected readonly searchInput = signal('');
  private readonly search = signal('');
  protected readonly onlyUnassigned = signal(true);
  protected readonly chosen = signal<ReadonlySet<string>>(new Set());
  protected readonly adding = signal(false);
  protected readonly failure = signal<string | null>(null);

  protected readonly list = new PagedList<EndpointPageDto>(PAGE_SIZE, (limit, offset) =>
    this.endpointsApi.listEndpoints({
      limit,
      offset,
      search: this.search() || undefined,
      unassigned: this.onlyUnassigned() ? 'true' : undefined,
      sort: 'name',
    }),
  );
  private readonly searchTyped = searchAsYouType((search) => {
    this.search.set(search);
    void this.list.go(0);
  });

  ngOnInit(): void {
    void this.list.load();
  }

  protected typed(search: string): void {
    this.searchInput.set(search);
    this.searchTyped(search);
  }

  protected toggle(id: string): void {
    const next = new Set(this.chosen());
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.chosen.set(next);
  }

  protected async add(): Promise<void> {
    this.adding.set(true);
    this.failure.set(null);
    try {
      const answer = await this.poolsApi.assignPoolEndpoints({
        id: this.poolId(),
        body: { endpoint_ids: [...this.chosen()] },
      });
      this.chosen.set(new Set());
      this.assigned.emit(answer.endpoints);
      void this.list.load();
    } catch (error) {
      this.failure.set(errorMessage(error));
    } finally {
      this.adding.set(false);
    }
  }
}
