import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

import { describeHold } from '@pacman-sync/shared';

import type { PlanItemDto, SyncPlanDto } from '../api/generated/models';
import { cappedRows } from '../ui/capped-rows';

interface PlanRow {
  change:
    'install' | 'upgrade' | 'downgrade' | 'remove' | 'set reason' | 'unavailable' | 'held' | 'keep extra';
  name: string;
  from: string;
  to: string;
  note: string;
}

/** A sync plan as one readable table: what changes, from which version to which, and why not when it cannot. */
@Component({
  selector: 'ps-plan-view',
  template: `
    @if (rows().length === 0) {
      <p data-testid="plan-empty">Nothing to do: the endpoint matches its target.</p>
    } @else {
      <p data-testid="plan-summary">{{ summary() }}</p>
      <table class="diff" data-testid="plan-table">
        <thead>
          <tr>
            <th scope="col">Change</th>
            <th scope="col">Package</th>
            <th scope="col">Installed</th>
            <th scope="col">Wanted</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          @for (row of shownRows(); track row.change + row.name) {
            <tr [attr.data-change]="row.change">
              <td>{{ row.change }}</td>
              <td>
                <code>{{ row.name }}</code>
              </td>
              <td>{{ row.from }}</td>
              <td>{{ row.to }}</td>
              <td>{{ row.note }}</td>
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
export class PlanViewComponent {
  readonly plan = input.required<SyncPlanDto>();

  protected readonly rows = computed(() => planRows(this.plan()));
  private readonly capped = cappedRows(this.rows);
  protected readonly showAll = this.capped.showAll;
  protected readonly shownRows = this.capped.shownRows;
  protected readonly summary = computed(() => {
    const plan = this.plan();
    return [
      [plan.install.length, 'install'],
      [plan.upgrade.length, 'upgrade'],
      [plan.downgrade.length, 'downgrade'],
      [plan.remove.length, 'remove'],
      [plan.reasons?.length ?? 0, 'reason'],
      [plan.unavailable.length, 'unavailable'],
      [plan.held?.length ?? 0, 'held'],
      [plan.kept_extra.length, 'extra kept'],
    ]
      .filter(([count]) => (count as number) > 0)
      .map(([count, what]) => `${count} ${what}`)
      .join(', ');
  });
}

export function planRows(plan: SyncPlanDto): PlanRow[] {
  const substituted = new Set(plan.substituted.map((item) => item.package_name));
  // Plans stored before holds existed lack these lists.
  const overridden = new Map((plan.overridden_holds ?? []).map((hold) => [hold.package_name, hold]));
  const overrideNote = (name: string) => {
    const hold = overridden.get(name);
    return hold ? `held by ${describeHold(hold)}; the pool overrides the hold` : '';
  };
  // Installs, upgrades and downgrades read alike; an install's from_version is null, shown as "—".
  const changeRow =
    (change: 'install' | 'upgrade' | 'downgrade') =>
    (item: PlanItemDto): PlanRow => ({
      change,
      name: item.package_name,
      from: item.from_version ?? '—',
      to: item.to_version,
      note: [
        substituted.has(item.package_name) ? `wanted ${item.wanted_version}, closest available taken` : '',
        item.source === 'repository' && item.repository ? `from ${item.repository}` : item.source,
        overrideNote(item.package_name),
      ]
        .filter(Boolean)
        .join('; '),
    });
  return [
    ...plan.install.map(changeRow('install')),
    ...plan.upgrade.map(changeRow('upgrade')),
    ...plan.downgrade.map(changeRow('downgrade')),
    ...plan.remove.map((item) => ({
      change: 'remove' as const,
      name: item.package_name,
      from: item.version,
      to: '—',
      note: overrideNote(item.package_name),
    })),
    ...(plan.reasons ?? []).map((item) => ({
      change: 'set reason' as const,
      name: item.package_name,
      from: `${item.version} (${item.from_reason})`,
      to: `${item.version} (${item.to_reason})`,
      note: ['install reason only', overrideNote(item.package_name)].filter(Boolean).join('; '),
    })),
    ...plan.unavailable.map((item) => ({
      change: 'unavailable' as const,
      name: item.package_name,
      from: item.installed_version ?? '—',
      to: item.wanted_version,
      note: item.available_versions.length
        ? `offered: ${item.available_versions.join(', ')}`
        : 'no repository offers it',
    })),
    ...(plan.held ?? []).map((item) => ({
      change: 'held' as const,
      name: item.package_name,
      from: item.installed_version ?? '—',
      to: item.change === 'remove' ? '—' : (item.wanted_version ?? '—'),
      note: `${describeHold(item)} on the endpoint; the plan would ${item.change === 'reason' ? 'set its install reason' : item.change} it`,
    })),
    ...plan.kept_extra.map((item) => ({
      change: 'keep extra' as const,
      name: item.package_name,
      from: item.version,
      to: item.version,
      note: 'not in the target; kept (remove extra is off)',
    })),
  ];
}
