import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { StateDiff } from '@pacman-sync/shared';

import { cappedRows } from '../ui/capped-rows';

interface DiffRow {
  change: 'added' | 'removed' | 'upgraded' | 'downgraded' | 'reason changed';
  name: string;
  from: string;
  to: string;
}

/** The difference between two snapshots (shared diffStates from "from" to "to"), one row per package. */
@Component({
  selector: 'ps-state-diff-view',
  template: `
    @if (rows().length === 0) {
      <p data-testid="diff-empty">
        The two snapshots hold the same packages at the same versions, installed for the same reasons.
      </p>
    } @else {
      <table class="diff" data-testid="state-diff">
        <caption>
          {{
            rows().length
          }}
          package(s) differ
        </caption>
        <thead>
          <tr>
            <th scope="col">Change</th>
            <th scope="col">Package</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
          </tr>
        </thead>
        <tbody>
          @for (row of shownRows(); track row.name) {
            <tr [attr.data-change]="row.change">
              <td>{{ row.change }}</td>
              <td>
                <code>{{ row.name }}</code>
              </td>
              <td>{{ row.from }}</td>
              <td>{{ row.to }}</td>
            </tr>
          }
        </tbody>
      </table>
      @if (rows().length > shownRows().length) {
        <button type="button" (click)="showAll.set(true)">Show all {{ rows().length }} packages</button>
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StateDiffViewComponent {
  readonly diff = input.required<StateDiff>();
  protected readonly rows = computed(() => diffRows(this.diff()));
  private readonly capped = cappedRows(this.rows);
  protected readonly showAll = this.capped.showAll;
  protected readonly shownRows = this.capped.shownRows;
}

/** diffStates(from, to) says what `from` lacks to become `to`; read as history: missing = added, extra = removed. */
export function diffRows(diff: StateDiff): DiffRow[] {
  const rows: DiffRow[] = [
    ...diff.missing.map((pkg) => ({
      change: 'added' as const,
      name: pkg.package_name,
      from: '—',
      to: pkg.version,
    })),
    ...diff.extra.map((pkg) => ({
      change: 'removed' as const,
      name: pkg.package_name,
      from: pkg.version,
      to: '—',
    })),
    ...diff.older.map((item) => ({
      change: 'upgraded' as const,
      name: item.package_name,
      from: item.current_version,
      to: item.wanted_version,
    })),
    ...diff.newer.map((item) => ({
      change: 'downgraded' as const,
      name: item.package_name,
      from: item.current_version,
      to: item.wanted_version,
    })),
    ...diff.reasons.map((item) => ({
      change: 'reason changed' as const,
      name: item.package_name,
      from: `${item.version} (${item.current_reason})`,
      to: `${item.version} (${item.wanted_reason})`,
    })),
  ];
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}
