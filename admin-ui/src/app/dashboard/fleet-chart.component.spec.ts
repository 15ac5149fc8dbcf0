import { TestBed } from '@angular/core/testing';

import { emptyCounts, type FleetSample } from '../endpoints/fleet.store';
import { FleetChartComponent, stackedBands } from './fleet-chart.component';

const sample = (at: number, counts: Partial<ReturnType<typeof emptyCounts>>): FleetSample => ({
  at,
  counts: { ...emptyCounts(), ...counts },
});

describe('stackedBands', () => {
  it('stacks the statuses so the top band ends at the top of the chart', () => {
    const bands = stackedBands([sample(0, { in_sync: 3, behind: 1 }), sample(1000, { in_sync: 4 })]);
    expect(bands.map((band) => band.status)).toEqual([
      'in_sync',
      'ahead',
      'behind',
      'diverged',
      'offline',
      'unknown',
    ]);
    // in_sync is 3/4 of 160 px high at the start and the whole chart at the end.
    expect(bands[0].path.startsWith('M0.0,40.0L600.0,0.0L600.0,160.0L0.0,160.0Z')).toBe(true);
    expect(bands[2].path).toBe('M0.0,0.0L600.0,0.0L600.0,0.0L0.0,40.0Z');
  });

  it('draws one sample as a flat band and nothing without samples', () => {
    expect(stackedBands([])).toEqual([]);
    expect(stackedBands([sample(5, { offline: 2 })])[4].path).toBe(
      'M0.0,0.0L600.0,0.0L600.0,160.0L0.0,160.0Z',
    );
  });
});

describe('FleetChartComponent', () => {
  it('describes the latest figures for screen readers', async () => {
    const fixture = TestBed.createComponent(FleetChartComponent);
    fixture.componentRef.setInput('samples', [
      sample(0, { in_sync: 2 }),
      sample(60000, { in_sync: 1, diverged: 1 }),
    ]);
    await fixture.whenStable();
    const svg = (fixture.nativeElement as HTMLElement).querySelector('svg')!;
    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.getAttribute('aria-label')).toBe(
      'Fleet status over time, latest: In sync 1, Ahead 0, Behind 0, Diverged 1, Offline 0, Unknown 0',
    );
    expect(svg.querySelectorAll('path')).toHaveLength(6);
  });
});
