import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';

import { ApiError, errorMessage } from '../api/api-error';
import type { CompatibilityAnalysisDto } from '../api/generated/models';
import { RepositoriesService } from '../api/generated/services/repositories.service';
import { SessionStore } from '../auth/session.store';
import { FleetStore } from '../endpoints/fleet.store';
import { LiveEventsService } from '../events/live-events.service';
import { PoolStore } from '../pools/pool.store';

type Tab = 'common' | 'excluded' | 'conflicts';
const SHOWN = 300;

/**
 * All three tabs filter by package name and cap the rows the same way, so the rule lives here once.
 * `needle` is the filter already trimmed and lower-cased.
 */
export function shownMatches<T>(
  items: readonly T[] | undefined,
  nameOf: (item: T) => string,
  needle: string,
): T[] {
  return (items ?? []).filter((item) => nameOf(item).toLowerCase().includes(needle)).slice(0, SHOWN);
}

@Component({
  selector: 'ps-repository-analysis',
  imports: [DatePipe, FormsModule],
  template: `
    <h1>Repository analysis</h1>
    <form class="toolbar" (submit)="$event.preventDefault()">
      <label
        >Pool
        <select name="pool" [ngModel]="poolId()" (ngModelChange)="selectPool($event)">
          <option value="">choose a pool…</option>
          @for (pool of pools.pools(); track pool.id) {
            <option [value]="pool.id">{{ pool.name }}</option>
          }
        </select>
      </label>
      @if (session.canMutate() && poolId()) {
        <button type="button" class="primary" (click)="analyze()" [disabled]="busy()">
          {{ busy() ? 'Analysing…' : 'Analyse again' }}
        </button>
      }
    </form>
    @if (error()) {
      <p class="error" role="alert">{{ error() }}</p>
    }
    @if (!poolId()) {
      <p class="muted">
        Choose a pool to see which of its target's packages its endpoints' repositories can deliver.
      </p>
    } @else if (loading()) {
      <p class="muted" role="status">Loading analysis…</p>
    } @else if (!analysis()) {
      <p class="muted" data-testid="no-analysis">This pool has not been analysed yet.</p>
    } @else {
      <p data-testid="analysis-summary">
        Last analysed {{ analysis()!.last_analyzed | date: 'medium' }}:
        {{ analysis()!.common_packages.length }} common, {{ analysis()!.excluded_packages.length }} excluded,
        {{ analysis()!.conflicts.length }} conflicts.
      </p>
      <div class="toolbar">
        <div role="tablist" aria-label="Analysis part" class="toolbar">
          @for (entry of tabs; track entry.id) {
            <button
              type="button"
              role="tab"
              [attr.aria-selected]="tab() === entry.id"
              (click)="tab.set(entry.id)"
            >
              {{ entry.label }}
            </button>
          }
        </div>
        <label
          >Filter
          <input
            type="search"
            name="filter"
            [ngModel]="filter()"
            (ngModelChange)="filter.set($event)"
            placeholder="package name"
        /></label>
      </div>
      <div role="tabpanel" class="card">
        @switch (tab()) {
          @case ('common') {
            <table data-testid="common-table">
              <thead>
                <tr>
                  <th scope="col">Package</th>
                  <th scope="col">Version</th>
                  <th scope="col">Repository</th>
                </tr>
              </thead>
              <tbody>
                @for (pkg of common(); track pkg.name) {
                  <tr>
                    <td>
                      <code>{{ pkg.name }}</code>
                    </td>
                    <td>{{ pkg.version }}</td>
                    <td>{{ pkg.repository }}</td>
                  </tr>
                } @empty {
                  <tr>
                    <td colspan="3" class="muted">Nothing matches.</td>
                  </tr>
                }
              </tbody>
            </table>
          }
          @case ('excluded') {
            <table data-testid="excluded-table">
              <thead>
                <tr>
                  <th scope="col">Package</th>
                  <th scope="col">Target version</th>
                  <th scope="col">Not offered to</th>
                </tr>
              </thead>
              <tbody>
                @for (pkg of excluded(); track pkg.package_name) {
                  <tr>
                    <td>
                      <code>{{ pkg.package_name }}</code>
                    </td>
                    <td>{{ pkg.target_version }}</td>
                    <td>{{ names(pkg.missing_on) }}</td>
                  </tr>
                } @empty {
                  <tr>
                    <td colspan="3" class="muted">Nothing matches.</td>
                  </tr>
                }
              </tbody>
            </table>
          }
          @case ('conflicts') {
            <table data-testid="conflicts-table">
              <thead>
                <tr>
                  <th scope="col">Package</th>
                  <th scope="col">Target version</th>
                  <th scope="col">Offered instead</th>
                </tr>
              </thead>
              <tbody>
                @for (conflict of conflicts(); track conflict.package_name) {
                  <tr>
                    <td>
                      <code>{{ conflict.package_name }}</code>
                    </td>
                    <td>{{ conflict.target_version }}</td>
                    <td>
                      @for (offer of conflict.offered; track offer.version + offer.repository) {
                        <div>
                          {{ offer.version }} ({{ offer.repository }}) on {{ names(offer.endpoint_ids) }}
                        </div>
                      }
                    </td>
                  </tr>
                } @empty {
                  <tr>
                    <td colspan="3" class="muted">Nothing matches.</td>
                  </tr>
                }
              </tbody>
            </table>
          }
        }
      </div>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RepositoryAnalysisComponent implements OnInit {
  protected readonly pools = inject(PoolStore);
  protected readonly session = inject(SessionStore);
  private readonly fleet = inject(FleetStore);
  private readonly api = inject(RepositoriesService);

  protected readonly tabs: Array<{ id: Tab; label: string }> = [
    { id: 'common', label: 'Common' },
    { id: 'excluded', label: 'Excluded' },
    { id: 'conflicts', label: 'Conflicts' },
  ];
  protected readonly poolId = signal('');
  protected readonly analysis = signal<CompatibilityAnalysisDto | null>(null);
  protected readonly loading = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly tab = signal<Tab>('excluded');
  protected readonly filter = signal('');

  private readonly needle = computed(() => this.filter().trim().toLowerCase());
  protected readonly common = computed(() =>
    shownMatches(this.analysis()?.common_packages, (pkg) => pkg.name, this.needle()),
  );
  protected readonly excluded = computed(() =>
    shownMatches(this.analysis()?.excluded_packages, (pkg) => pkg.package_name, this.needle()),
  );
  protected readonly conflicts = computed(() =>
    shownMatches(this.analysis()?.conflicts, (conflict) => conflict.package_name, this.needle()),
  );

  constructor() {
    inject(LiveEventsService).listen(['repositories.analyzed'], (event) => {
      if (event.type === 'poll' || event.data['pool_id'] === this.poolId()) void this.load();
    });
  }

  async ngOnInit(): Promise<void> {
    if (!this.fleet.loaded()) void this.fleet.load();
    await this.pools.load();
    const first = this.pools.pools()[0];
    if (first && !this.poolId()) this.selectPool(first.id);
  }

  protected names(ids: readonly string[]): string {
    const names = this.fleet.nameOf();
    return ids.map((id) => names.get(id) ?? id.slice(0, 8)).join(', ');
  }

  protected selectPool(id: string): void {
    this.poolId.set(id);
    this.analysis.set(null);
    void this.load();
  }

  protected async analyze(): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      this.analysis.set(await this.api.analyzeRepositories({ body: { pool_id: this.poolId() } }));
    } catch (error) {
      this.error.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  private async load(): Promise<void> {
    const poolId = this.poolId();
    if (!poolId) return;
    this.loading.set(this.analysis() === null);
    try {
      const page = await this.api.listRepositoryAnalyses({ pool_id: poolId, limit: 1, offset: 0 });
      if (poolId === this.poolId()) this.analysis.set(page.items[0] ?? null);
      this.error.set(null);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) this.error.set(errorMessage(error));
    } finally {
      this.loading.set(false);
    }
  }
}
