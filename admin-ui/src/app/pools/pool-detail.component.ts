import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import type { SyncPolicy } from '@pacman-sync/shared';

import { ApiError, errorMessage, formErrorMessage } from '../api/api-error';
import type { PoolDto, StateDto, StateSummaryDto } from '../api/generated/models';
import { PoolsService } from '../api/generated/services/pools.service';
import { SessionStore } from '../auth/session.store';
import { FleetStore } from '../endpoints/fleet.store';
import { LiveEventsService } from '../events/live-events.service';
import { ConfirmButtonComponent } from '../ui/confirm-button.component';
import { StatusBadgeComponent } from '../ui/status-badge.component';
import type { EndpointDto } from '../api/generated/models';
import { PoolAssignComponent } from './pool-assign.component';
import { PoolStore } from './pool.store';
import { SyncPolicyEditorComponent } from './sync-policy-editor.component';

@Component({
  selector: 'ps-pool-detail',
  imports: [
    DatePipe,
    FormsModule,
    RouterLink,
    ConfirmButtonComponent,
    PoolAssignComponent,
    StatusBadgeComponent,
    SyncPolicyEditorComponent,
  ],
  template: `
    <p><a routerLink="/pools">← Pools</a></p>
    @if (loadError()) {
      <p class="error" role="alert">{{ loadError() }}</p>
    } @else if (!pool()) {
      <p class="muted" role="status">Loading pool…</p>
    } @else {
      <h1>Pool {{ pool()!.name }}</h1>
      @if (message()) {
        <p role="status" class="notice">{{ message() }}</p>
      }
      @if (actionError()) {
        <p role="alert" class="error">{{ actionError() }}</p>
      }
      <section class="card" aria-labelledby="about-title">
        <h2 id="about-title">About</h2>
        <form class="toolbar" (ngSubmit)="saveDetails()">
          <fieldset [disabled]="!session.canMutate()" class="inline">
            <label>Name <input name="name" required maxlength="100" [(ngModel)]="name" /></label>
            <label>Description <input name="description" maxlength="500" [(ngModel)]="description" /></label>
          </fieldset>
          @if (session.canMutate()) {
            <button type="submit" [disabled]="saving()">Save</button>
            <ps-confirm-button
              label="Delete pool"
              [title]="'Delete pool ' + pool()!.name + '?'"
              message="The pool, its policy and its target history are deleted. Its endpoints stay registered but belong to no pool."
              [affects]="deleteAffects()"
              confirmLabel="Delete"
              buttonClass="danger"
              (confirmed)="remove()"
            />
          }
        </form>
      </section>

      <section class="card">
        <ps-sync-policy-editor
          [policy]="policy()"
          [targetPackages]="target()?.packages ?? []"
          [readonly]="!session.canMutate()"
          [saving]="saving()"
          (save)="savePolicy($event)"
        />
      </section>

      <section class="card" aria-labelledby="target-title">
        <h2 id="target-title">Target state</h2>
        @if (target(); as state) {
          <p data-testid="pool-target">
            {{ state.package_count }} packages from {{ endpointName(state.endpoint_id) }}, set
            {{ state.set_at ? (state.set_at | date: 'medium') : '' }} by {{ state.set_by ?? 'unknown' }}
          </p>
        } @else {
          <p class="muted" data-testid="pool-target">
            No target yet: use "Set as latest" on one of the pool's endpoints.
          </p>
        }
        @if (history().length > 0) {
          <h3>History</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">Set</th>
                <th scope="col">By</th>
                <th scope="col">From endpoint</th>
                <th scope="col">Packages</th>
                <th scope="col">Current</th>
              </tr>
            </thead>
            <tbody>
              @for (state of history(); track state.id) {
                <tr>
                  <td>
                    {{ state.set_at ? (state.set_at | date: 'medium') : (state.created_at | date: 'medium') }}
                  </td>
                  <td>{{ state.set_by ?? '' }}</td>
                  <td>{{ endpointName(state.endpoint_id) }}</td>
                  <td>{{ state.package_count }}</td>
                  <td>{{ state.is_target ? 'yes' : '' }}</td>
                </tr>
              }
            </tbody>
          </table>
        }
      </section>

      <section class="card" aria-labelledby="members-title">
        <h2 id="members-title">Endpoints ({{ members().length }})</h2>
        @if (members().length === 0) {
          <p class="muted">
            No endpoint in this pool.
            @if (session.canMutate()) {
              Add some below or from the <a routerLink="/endpoints">endpoint list</a>.
            }
          </p>
        } @else {
          <table data-testid="pool-members">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              @for (endpoint of shownMembers(); track endpoint.id) {
                <tr>
                  <td>
                    <a [routerLink]="['/endpoints', endpoint.id]">{{ endpoint.name }}</a>
                  </td>
                  <td><ps-status-badge [status]="endpoint.sync_status" /></td>
                  <td>{{ endpoint.last_seen ? (endpoint.last_seen | date: 'short') : 'never' }}</td>
                </tr>
              }
            </tbody>
          </table>
          @if (members().length > shownMembers().length) {
            <p class="muted">
              Showing {{ shownMembers().length }}; the endpoint list filtered by this pool shows all.
            </p>
          }
        }
      </section>

      @if (session.canMutate()) {
        <section class="card" aria-labelledby="assign-title">
          <ps-pool-assign [poolId]="id()" (assigned)="assigned($event)" />
        </section>
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PoolDetailComponent {
  private readonly api = inject(PoolsService);
  private readonly pools = inject(PoolStore);
  private readonly fleet = inject(FleetStore);
  private readonly router = inject(Router);
  protected readonly session = inject(SessionStore);

  readonly id = input.required<string>();

  protected readonly pool = signal<PoolDto | null>(null);
  protected readonly target = signal<StateDto | null>(null);
  protected readonly history = signal<StateSummaryDto[]>([]);
  protected readonly loadError = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly message = signal<string | null>(null);
  protected readonly saving = signal(false);
  protected name = '';
  protected description = '';

  protected readonly policy = computed<SyncPolicy>(() => this.pool()!.sync_policy);
  protected readonly members = computed(() =>
    this.fleet.endpoints().filter((endpoint) => endpoint.pool_id === this.id()),
  );
  protected readonly shownMembers = computed(() => this.members().slice(0, 200));
  protected readonly deleteAffects = computed(() => {
    const count = this.members().length;
    return [
      `${count} endpoint(s) leave the pool`,
      `${this.history().length} target snapshot(s) lose their pool`,
    ];
  });

  constructor() {
    effect(() => void this.load(this.id()));
    inject(LiveEventsService).listen(['pool.target_changed'], (event) => {
      if (event.type === 'poll' || event.data['pool_id'] === this.id()) void this.load(this.id());
    });
  }

  protected endpointName(id: string | null): string {
    if (!id) return 'an endpoint';
    return this.fleet.nameOf().get(id) ?? id.slice(0, 8);
  }

  protected async saveDetails(): Promise<void> {
    await this.update({ name: this.name.trim(), description: this.description.trim() || null }, 'Saved.');
  }

  protected async savePolicy(policy: SyncPolicy): Promise<void> {
    await this.update({ sync_policy: policy }, 'Sync policy saved; statuses are recomputed.');
  }

  protected assigned(endpoints: EndpointDto[]): void {
    if (this.fleet.loaded()) this.fleet.upsert(endpoints);
    else void this.fleet.load();
    this.message.set(`Added ${endpoints.length} endpoint(s) to the pool.`);
    void this.pools.load();
  }

  protected async remove(): Promise<void> {
    try {
      await this.api.deletePool({ id: this.id() });
      await this.pools.load();
      void this.fleet.load();
      await this.router.navigate(['/pools']);
    } catch (error) {
      this.actionError.set(errorMessage(error));
    }
  }

  private async update(body: Parameters<PoolsService['updatePool']>[0]['body'], done: string): Promise<void> {
    this.saving.set(true);
    this.actionError.set(null);
    this.message.set(null);
    try {
      this.pool.set(await this.api.updatePool({ id: this.id(), body }));
      this.message.set(done);
      void this.pools.load();
    } catch (error) {
      this.actionError.set(formErrorMessage(error));
    } finally {
      this.saving.set(false);
    }
  }

  private async load(id: string): Promise<void> {
    try {
      const [pool, history] = await Promise.all([
        this.api.getPool({ id }),
        this.api.listPoolTargetHistory({ id, limit: 20, offset: 0 }),
      ]);
      this.pool.set(pool);
      this.name = pool.name;
      this.description = pool.description ?? '';
      this.history.set(history.items);
      this.target.set(pool.target_state_id ? await this.api.getPoolTarget({ id }) : null);
      this.loadError.set(null);
      if (!this.fleet.loaded()) void this.fleet.load();
    } catch (error) {
      this.loadError.set(
        error instanceof ApiError && error.status === 404 ? 'This pool does not exist.' : errorMessage(error),
      );
    }
  }
}
