import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

const LABELS: Record<string, string> = {
  unknown: 'Unknown',
  in_sync: 'In sync',
  behind: 'Behind',
  ahead: 'Ahead',
  diverged: 'Diverged',
  offline: 'Offline',
  pending: 'Pending',
  in_progress: 'In progress',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  success: 'Success',
  failure: 'Failure',
  denied: 'Denied',
};

/** A sync or operation status as text plus colour: the colour never carries the meaning alone. */
@Component({
  selector: 'ps-status-badge',
  template: `<span class="badge" [attr.data-status]="status()">{{ label() }}</span>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StatusBadgeComponent {
  readonly status = input.required<string>();
  protected readonly label = computed(() => LABELS[this.status()] ?? this.status());
}

export function statusLabel(status: string): string {
  return LABELS[status] ?? status;
}
