import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

import type { SyncStatus } from '../api/generated/models';
import type { FleetSample } from '../endpoints/fleet.store';
import { statusLabel } from '../ui/status-badge.component';

const ORDER: SyncStatus[] = ['in_sync', 'ahead', 'behind', 'diverged', 'offline', 'unknown'];
const WIDTH = 600;
const HEIGHT = 160;

interface Band {
  status: SyncStatus;
  label: string;
  path: string;
}

/**
 * The fleet's status over time as stacked areas in plain SVG (no chart library: a few paths are all it
 * takes). A text summary beside it carries the same figures for screen readers.
 */
@Component({
  selector: 'ps-fleet-chart',
  template: `
    <figure class="chart">
      <svg
        [attr.viewBox]="'0 0 ' + width + ' ' + height"
        role="img"
        [attr.aria-label]="summary()"
        preserveAspectRatio="none"
      >
        @for (band of bands(); track band.status) {
          <path [attr.d]="band.path" [attr.data-status]="band.status" class="band"></path>
        }
      </svg>
      <figcaption>
        <ul class="legend">
          @for (status of order; track status) {
            <li><span class="swatch" [attr.data-status]="status"></span>{{ label(status) }}</li>
          }
        </ul>
        <span class="muted">{{ rangeLabel() }}</span>
      </figcaption>
    </figure>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FleetChartComponent {
  readonly samples = input.required<readonly FleetSample[]>();
  protected readonly width = WIDTH;
  protected readonly height = HEIGHT;
  protected readonly order = ORDER;

  protected readonly bands = computed<Band[]>(() => stackedBands(this.samples()));

  protected readonly summary = computed(() => {
    const last = this.samples()[this.samples().length - 1];
    if (!last) return 'Fleet status over time: no samples yet';
    const parts = ORDER.map((status) => `${statusLabel(status)} ${last.counts[status] ?? 0}`);
    return `Fleet status over time, latest: ${parts.join(', ')}`;
  });

  protected readonly rangeLabel = computed(() => {
    const samples = this.samples();
    if (samples.length < 2) return 'Samples are collected while the console is open.';
    const from = new Date(samples[0].at).toLocaleString();
    return `Since ${from} (${samples.length} samples)`;
  });

  protected label(status: SyncStatus): string {
    return statusLabel(status);
  }
}

/** One closed path per status, stacked in ORDER, x by time and y by share of the fleet. */
export function stackedBands(samples: readonly FleetSample[]): Band[] {
  if (samples.length === 0) return [];
  const points = samples.length === 1 ? [samples[0], { ...samples[0], at: samples[0].at + 1 }] : samples;
  const start = points[0].at;
  const span = Math.max(1, points[points.length - 1].at - start);
  const x = (at: number) => ((at - start) / span) * WIDTH;
  const lower = points.map(() => 0);
  return ORDER.map((status) => {
    const upper = points.map((sample, i) => {
      const total = ORDER.reduce((sum, s) => sum + (sample.counts[s] ?? 0), 0) || 1;
      return lower[i] + (sample.counts[status] ?? 0) / total;
    });
    const top = points.map(
      (sample, i) => `${x(sample.at).toFixed(1)},${(HEIGHT - upper[i] * HEIGHT).toFixed(1)}`,
    );
    const bottom = points
      .map((sample, i) => `${x(sample.at).toFixed(1)},${(HEIGHT - lower[i] * HEIGHT).toFixed(1)}`)
      .reverse();
    upper.forEach((value, i) => (lower[i] = value));
    return { status, label: statusLabel(status), path: `M${top.join('L')}L${bottom.join('L')}Z` };
  });
}
