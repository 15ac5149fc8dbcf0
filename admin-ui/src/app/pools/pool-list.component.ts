import { ChangeDetectionStrategy, Component, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';

import { formErrorMessage } from '../api/api-error';
import { PoolsService } from '../api/generated/services/pools.service';
import { SessionStore } from '../auth/session.store';
import { FleetStore } from '../endpoints/fleet.store';
import { LiveEventsService } from '../events/live-events.service';
import { PoolStore } from './pool.store';

@Component({
  selector: 'ps-pool-list',
  imports: [FormsModule, RouterLink],
  template: `
    <h1>Pools</h1>
    @if (session.canMutate()) {
      <form class="card toolbar" (ngSubmit)="create()" aria-labelledby="new-pool-title">
        <h2 id="new-pool-title" class="visually-hidden">New pool</h2>
        <label>Name <input name="name" required maxlength="100" [(ngModel)]="name" /></label>
        <label>Description <input name="description" maxlength="500" [(ngModel)]="description" /></label>
        <button type="submit" class="primary" [disabled]="creating()">Create pool</button>
      </form>
      @if (createError()) {
        <p class="error" role="alert">{{ createError() }}</p>
      }
    }
    @if (pools.error()) {
      <p class="error" role="alert">Could not load pools: {{ pools.error() }}</p>
    }
    @if (!pools.loaded() && pools.loading()) {
      <p class="muted" role="status">Loading pools…</p>
    } @else if (pools.loaded() && pools.pools().length === 0) {
      <p class="muted">No pools yet.{{ session.canMutate() ? ' Create the first one above.' : '' }}</p>
    } @else if (pools.loaded()) {
      <table data-testid="pool-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Description</th>
            <th scope="col">Endpoints</th>
            <th scope="col">Target</th>
            <th scope="col">Auto sync</th>
          </tr>
        </thead>
        <tbody>
          @for (pool of pools.pools(); track pool.id) {
            <tr>
              <th scope="row">
                <a [routerLink]="['/pools', pool.id]">{{ pool.name }}</a>
              </th>
              <td>{{ pool.description ?? '' }}</td>
              <td>{{ pool.endpoints.length }}</td>
              <td>{{ pool.target_state_id ? 'set' : 'none' }}</td>
              <td>{{ pool.sync_policy.auto_sync ? 'on' : 'off' }}</td>
            </tr>
          }
        </tbody>
      </table>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PoolListComponent implements OnInit {
  protected readonly pools = inject(PoolStore);
  protected readonly session = inject(SessionStore);
  private readonly api = inject(PoolsService);
  private readonly fleet = inject(FleetStore);
  private readonly router = inject(Router);

  protected name = '';
  protected description = '';
  protected readonly creating = signal(false);
  protected readonly createError = signal<string | null>(null);

  constructor() {
    inject(LiveEventsService).listen(['pool.target_changed'], () => void this.pools.load());
  }

  ngOnInit(): void {
    void this.pools.load();
    if (!this.fleet.loaded()) void this.fleet.load();
  }

  protected async create(): Promise<void> {
    if (!this.name.trim()) {
      this.createError.set('A pool needs a name.');
      return;
    }
    this.creating.set(true);
    this.createError.set(null);
    try {
      const pool = await this.api.createPool({
        body: { name: this.name.trim(), description: this.description.trim() || null },
      });
      this.name = '';
      this.description = '';
      await this.pools.load();
      await this.router.navigate(['/pools', pool.id]);
    } catch (error) {
      this.createError.set(formErrorMessage(error));
    } finally {
      this.creating.set(false);
    }
  }
}
