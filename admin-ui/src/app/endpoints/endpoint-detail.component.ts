import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { DEFAULT_SYNC_POLICY, diffStates, type StateDiff } from '@pacman-sync/shared';

import { ApiError, errorMessage } from '../api/api-error';
import type {
  EndpointDto,
  EndpointPlanDto,
  OperationDto,
  StateDto,
  StateSummaryDto,
} from '../api/generated/models';
import { EndpointsService } from '../api/generated/services/endpoints.service';
import { OperationsService } from '../api/generated/services/operations.service';
import { StatesService } from '../api/generated/services/states.service';
import { SyncService } from '../api/generated/services/sync.service';
import { SessionStore } from '../auth/session.store';
import { LiveEventsService } from '../events/live-events.service';
import { PoolStore } from '../pools/pool.store';
import { ConfirmButtonComponent } from '../ui/confirm-button.component';
import { StatusBadgeComponent } from '../ui/status-badge.component';
import { PlanViewComponent } from './plan-view.component';
import { StateDiffViewComponent } from './state-diff-view.component';
import { StatePackagesComponent } from './state-packages.component';

/** Comparing two snapshots of one machine: every package counts, foreign ones included. */
const COMPARE_POLICY = { ...DEFAULT_SYNC_POLICY, include_aur: true };

@Component({
  selector: 'ps-endpoint-detail',
  imports: [
    DatePipe,
    FormsModule,
    RouterLink,
    StatusBadgeComponent,
    ConfirmButtonComponent,
    PlanViewComponent,
    StateDiffViewComponent,
    StatePackagesComponent,
  ],
  template: `
    <p><a routerLink="/endpoints">← Endpoints</a></p>
    @if (loadError()) {
      <p class="error" role="alert">{{ loadError() }}</p>
    } @else if (!endpoint()) {
      <p class="muted" role="status">Loading endpoint…</p>
    } @else {
      <h1>
        {{ endpoint()!.name }}
        <ps-status-badge [status]="endpoint()!.sync_status" data-testid="endpoint-status" />
      </h1>
      <dl class="facts">
        <dt>Hostname</dt>
        <dd>{{ endpoint()!.hostname }}</dd>
        <dt>Pool</dt>
        <dd>
          @if (endpoint()!.pool_id) {
            <a [routerLink]="['/pools', endpoint()!.pool_id]">{{ poolName() }}</a>
          } @else {
            no pool
          }
        </dd>
        <dt>Last seen</dt>
        <dd>{{ endpoint()!.last_seen ? (endpoint()!.last_seen | date: 'medium') : 'never' }}</dd>
        <dt>Latest state</dt>
        <dd>
          {{
            latestState()
              ? latestState()!.package_count +
                ' packages, pacman ' +
                latestState()!.pacman_version +
                ', ' +
                latestState()!.architecture
              : 'none reported'
          }}
        </dd>
      </dl>

      @if (session.canMutate()) {
        <div class="toolbar" aria-label="Actions">
          <ps-confirm-button
            label="Sync"
            title="Sync this endpoint"
            message="The endpoint installs, upgrades and downgrades packages to match its pool's target in one pacman transaction."
            [affects]="planSummary()"
            confirmLabel="Start sync"
            buttonClass="primary"
            [disabled]="busy() || !endpoint()!.pool_id"
            (confirmed)="run('sync')"
          />
          <ps-confirm-button
            label="Set as latest"
            title="Make this endpoint the pool's target"
            message="Every other endpoint of the pool is then judged against this endpoint's latest state (and synced if the pool auto-syncs)."
            confirmLabel="Set as latest"
            [disabled]="busy() || !endpoint()!.pool_id || !endpoint()!.latest_state_id"
            (confirmed)="run('set_latest')"
          />
          <ps-confirm-button
            label="Revert"
            title="Revert the last sync"
            message="The endpoint goes back to the state it had before its last completed sync or revert; packages that sync installed are removed again."
            confirmLabel="Revert"
            buttonClass="danger"
            [disabled]="busy()"
            (confirmed)="run('revert')"
          />
        </div>
      }
      @if (actionError()) {
        <p class="error" role="alert">{{ actionError() }}</p>
      }
      @if (activeOperation(); as op) {
        <div class="card progress" role="status" aria-live="polite" data-testid="active-operation">
          <strong>{{ op.operation_type }} operation</strong> <ps-status-badge [status]="op.status" />
          @if (progressOf(op); as progress) {
            <progress
              max="100"
              [value]="progress.percent ?? 0"
              [attr.aria-label]="op.operation_type + ' progress'"
            ></progress>
            <span>{{ progress.message }}</span>
          }
        </div>
      }

      <section class="card" aria-labelledby="plan-title">
        <h2 id="plan-title">Plan to the pool's target</h2>
        @if (planError()) {
          <p class="muted">{{ planError() }}</p>
        } @else if (!plan()) {
          <p class="muted" role="status">Loading plan…</p>
        } @else {
          <ps-plan-view [plan]="plan()!.plan" />
        }
      </section>

      <section class="card" aria-labelledby="packages-title">
        <h2 id="packages-title">Installed packages (latest state)</h2>
        @if (latestPackages(); as state) {
          <ps-state-packages [packages]="state.packages" />
        } @else if (endpoint()!.latest_state_id) {
          <p class="muted" role="status">Loading packages…</p>
        } @else {
          <p class="muted">The endpoint has not reported a state yet.</p>
        }
      </section>

      <section class="card" aria-labelledby="history-title">
        <h2 id="history-title">State history</h2>
        @if (states().length === 0) {
          <p class="muted">No snapshot reported yet.</p>
        } @else {
          <form class="toolbar" (submit)="$event.preventDefault(); compare()">
            <label
              >From
              <select name="from" [(ngModel)]="compareFrom">
                @for (state of states(); track state.id) {
                  <option [value]="state.id">
                    {{ state.created_at | date: 'medium' }} · {{ state.package_count }} pkgs
                  </option>
                }
              </select>
            </label>
            <label
              >To
              <select name="to" [(ngModel)]="compareTo">
                @for (state of states(); track state.id) {
                  <option [value]="state.id">
                    {{ state.created_at | date: 'medium' }} · {{ state.package_count }} pkgs
                  </option>
                }
              </select>
            </label>
            <button type="submit" [disabled]="states().length < 2">Compare</button>
          </form>
          @if (diffError()) {
            <p class="error" role="alert">{{ diffError() }}</p>
          }
          @if (diff()) {
            <ps-state-diff-view [diff]="diff()!" />
          }
          <table>
            <thead>
              <tr>
                <th scope="col">Reported</th>
                <th scope="col">Packages</th>
                <th scope="col">Hash</th>
                <th scope="col">Target</th>
              </tr>
            </thead>
            <tbody>
              @for (state of states(); track state.id) {
                <tr>
                  <td>{{ state.created_at | date: 'medium' }}</td>
                  <td>{{ state.package_count }}</td>
                  <td>
                    <code [title]="state.content_hash">{{ shortHash(state.content_hash) }}</code>
                  </td>
                  <td>{{ state.is_target ? 'pool target' : '' }}</td>
                </tr>
              }
            </tbody>
          </table>
        }
      </section>

      <section class="card" aria-labelledby="ops-title">
        <h2 id="ops-title">Operations</h2>
        @if (operations().length === 0) {
          <p class="muted">No operation yet.</p>
        } @else {
          <table data-testid="endpoint-operations">
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              @for (op of operations(); track op.id) {
                <tr>
                  <td>{{ op.created_at | date: 'medium' }}</td>
                  <td>{{ op.operation_type }}</td>
                  <td><ps-status-badge [status]="op.status" /></td>
                  <td>{{ op.error ?? summaryOf(op) }}</td>
                </tr>
              }
            </tbody>
          </table>
        }
      </section>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EndpointDetailComponent {
  private readonly endpointsApi = inject(EndpointsService);
  private readonly statesApi = inject(StatesService);
  private readonly syncApi = inject(SyncService);
  private readonly operationsApi = inject(OperationsService);
  private readonly pools = inject(PoolStore);
  private readonly events = inject(LiveEventsService);
  protected readonly session = inject(SessionStore);

  readonly id = input.required<string>();

  protected readonly endpoint = signal<EndpointDto | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly plan = signal<EndpointPlanDto | null>(null);
  protected readonly planError = signal<string | null>(null);
  protected readonly states = signal<StateSummaryDto[]>([]);
  protected readonly operations = signal<OperationDto[]>([]);
  protected readonly latestPackages = signal<StateDto | null>(null);
  protected readonly busy = signal(false);
  protected readonly actionError = signal<string | null>(null);
  protected readonly diff = signal<StateDiff | null>(null);
  protected readonly diffError = signal<string | null>(null);
  protected compareFrom = '';
  protected compareTo = '';

  protected readonly latestState = computed(() => this.states()[0] ?? null);
  protected readonly poolName = computed(() => {
    const poolId = this.endpoint()?.pool_id;
    return poolId ? (this.pools.nameOf().get(poolId) ?? 'unknown pool') : '';
  });
  protected readonly activeOperation = computed(
    () => this.operations().find((op) => op.status === 'pending' || op.status === 'in_progress') ?? null,
  );
  protected readonly planSummary = computed(() => {
    const plan = this.plan()?.plan;
    if (!plan) return [];
    return [
      `${plan.install.length} to install`,
      `${plan.upgrade.length} to upgrade`,
      `${plan.downgrade.length} to downgrade`,
      `${plan.remove.length} to remove`,
      ...(plan.unavailable.length ? [`${plan.unavailable.length} unavailable`] : []),
    ];
  });

  constructor() {
    effect(() => {
      const id = this.id();
      void this.load(id);
    });
    this.events.listen(['endpoint.status', 'operation.updated', 'pool.target_changed'], (event) => {
      const id = this.id();
      if (event.type === 'operation.updated' && event.data['endpoint_id'] === id)
        void this.loadOperations(id);
      else if (event.type === 'endpoint.status' && event.data['endpoint_id'] === id) void this.load(id);
      else if (event.type === 'pool.target_changed' && event.data['pool_id'] === this.endpoint()?.pool_id)
        void this.loadPlan(id);
      else if (event.type === 'poll') void this.load(id);
    });
  }

  protected progressOf(op: OperationDto): { percent?: number; message?: string } | null {
    const progress = op.details?.['progress'];
    return typeof progress === 'object' && progress !== null
      ? (progress as { percent?: number; message?: string })
      : null;
  }

  /** Enough of the hash to tell snapshots apart; the full one is in the tooltip. */
  protected shortHash(hash: string): string {
    return hash.replace(/^sha256:/, '').slice(0, 12);
  }

  protected summaryOf(op: OperationDto): string {
    const result = op.details?.['result'];
    const summary =
      typeof result === 'object' && result !== null ? (result as { summary?: unknown }).summary : null;
    return typeof summary === 'string' ? summary : '';
  }

  protected async run(kind: 'sync' | 'set_latest' | 'revert'): Promise<void> {
    const id = this.id();
    this.busy.set(true);
    this.actionError.set(null);
    try {
      if (kind === 'sync') await this.syncApi.syncEndpoint({ id });
      else if (kind === 'set_latest') await this.syncApi.setLatest({ id });
      else await this.syncApi.revertEndpoint({ id });
      await this.load(id);
    } catch (error) {
      this.actionError.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected async compare(): Promise<void> {
    this.diffError.set(null);
    if (!this.compareFrom || !this.compareTo) return;
    try {
      const [from, to] = await Promise.all([
        this.statesApi.getState({ id: this.compareFrom }),
        this.statesApi.getState({ id: this.compareTo }),
      ]);
      this.diff.set(diffStates(from, to, COMPARE_POLICY));
    } catch (error) {
      this.diffError.set(errorMessage(error));
    }
  }

  private async load(id: string): Promise<void> {
    try {
      const [endpoint, states] = await Promise.all([
        this.endpointsApi.getEndpoint({ id }),
        this.statesApi.listEndpointStates({ id, limit: 50, offset: 0 }),
      ]);
      this.endpoint.set(endpoint);
      this.states.set(states.items);
      if (!this.compareTo && states.items.length > 0) {
        this.compareTo = states.items[0].id;
        this.compareFrom = states.items[Math.min(1, states.items.length - 1)].id;
      }
      this.loadError.set(null);
      if (!this.pools.loaded()) void this.pools.load();
      await Promise.all([
        this.loadPlan(id),
        this.loadOperations(id),
        this.loadPackages(endpoint.latest_state_id),
      ]);
    } catch (error) {
      this.loadError.set(
        error instanceof ApiError && error.status === 404
          ? 'This endpoint does not exist.'
          : errorMessage(error),
      );
    }
  }

  /** A snapshot never changes, so the packages are fetched again only when the latest state is another one. */
  private async loadPackages(stateId: string | null): Promise<void> {
    if (!stateId) {
      this.latestPackages.set(null);
      return;
    }
    if (this.latestPackages()?.id === stateId) return;
    try {
      this.latestPackages.set(await this.statesApi.getState({ id: stateId }));
    } catch (error) {
      this.actionError.set(errorMessage(error));
    }
  }

  private async loadPlan(id: string): Promise<void> {
    try {
      this.plan.set(await this.syncApi.getEndpointPlan({ id }));
      this.planError.set(null);
    } catch (error) {
      this.plan.set(null);
      this.planError.set(`No plan: ${errorMessage(error)}`);
    }
  }

  private async loadOperations(id: string): Promise<void> {
    try {
      const page = await this.operationsApi.listOperations({ endpoint_id: id, limit: 20, offset: 0 });
      this.operations.set(page.items);
    } catch (error) {
      this.actionError.set(errorMessage(error));
    }
  }
}
