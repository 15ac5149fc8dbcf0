import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import type { EndpointDto, SyncStatus } from '../api/generated/models';
import { SessionStore } from '../auth/session.store';
import { EndpointListComponent, filterEndpoints } from './endpoint-list.component';
import { FleetStore } from './fleet.store';

const STATUSES: SyncStatus[] = ['in_sync', 'behind', 'ahead', 'diverged', 'offline', 'unknown'];

function fleet(count: number): EndpointDto[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `id-${i}`,
    name: `host-${String(i).padStart(5, '0')}`,
    hostname: `h${i}.lab.example`,
    pool_id: i % 3 === 0 ? null : `pool-${i % 3}`,
    sync_status: STATUSES[i % STATUSES.length],
    last_seen: i % 7 === 0 ? null : new Date(Date.UTC(2026, 10, 30, 0, 0, i % 3600)).toISOString(),
    latest_state_id: null,
    report_interval: 300,
    created_at: '2026-11-30T00:00:00.000Z',
    updated_at: '2026-11-30T00:00:00.000Z',
  }));
}

const poolName = (id: string | null) => (id ? `pool ${id}` : '—');

describe('filterEndpoints over 10,000 endpoints', () => {
  const endpoints = fleet(10000);

  it('filters by status, pool and search together', () => {
    const rows = filterEndpoints(
      endpoints,
      { search: 'H99', status: 'behind', poolId: 'pool-1', sort: 'name' },
      poolName,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.sync_status).toBe('behind');
      expect(row.pool_id).toBe('pool-1');
      expect(`${row.name} ${row.hostname}`.toLowerCase()).toContain('h99');
    }
    const expected = endpoints.filter(
      (e) =>
        e.sync_status === 'behind' &&
        e.pool_id === 'pool-1' &&
        `${e.name}|${e.hostname}`.toLowerCase().includes('h99'),
    );
    expect(rows).toHaveLength(expected.length);
  });

  it('finds endpoints in no pool', () => {
    const rows = filterEndpoints(
      endpoints,
      { search: '', status: '', poolId: 'none', sort: 'name' },
      poolName,
    );
    expect(rows).toHaveLength(3334);
    expect(rows.every((row) => row.pool_id === null)).toBe(true);
  });

  it('sorts worst status first, then by name', () => {
    const rows = filterEndpoints(endpoints, { search: '', status: '', poolId: '', sort: 'status' }, poolName);
    expect(rows[0].sync_status).toBe('diverged');
    expect(rows[rows.length - 1].sync_status).toBe('in_sync');
    expect(rows[0].name < rows[1].name).toBe(true);
  });

  it('sorts by last seen, most recent first and never-seen last', () => {
    const rows = filterEndpoints(
      endpoints,
      { search: '', status: '', poolId: '', sort: 'last_seen' },
      poolName,
    );
    for (let i = 1; i < rows.length; i++) {
      expect((rows[i - 1].last_seen ?? '') >= (rows[i].last_seen ?? '')).toBe(true);
    }
    expect(rows[rows.length - 1].last_seen).toBeNull();
  });

  it('sorts by pool name', () => {
    const rows = filterEndpoints(endpoints, { search: '', status: '', poolId: '', sort: 'pool' }, poolName);
    for (let i = 1; i < rows.length; i++) {
      expect(poolName(rows[i - 1].pool_id).localeCompare(poolName(rows[i].pool_id))).toBeLessThanOrEqual(0);
    }
  });
});

describe('EndpointListComponent', () => {
  async function render(role: 'admin' | 'viewer') {
    sessionStorage.clear();
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()],
    });
    TestBed.inject(SessionStore).start({ access_token: 't', expires_in: 600, role }, role);
    const fixture = TestBed.createComponent(EndpointListComponent);
    fixture.componentRef.setInput('status', 'behind');
    fixture.detectChanges();
    const http = TestBed.inject(HttpTestingController);
    http
      .expectOne((req) => req.url === '/api/endpoints')
      .flush({ items: fleet(12), total: 12, limit: 500, offset: 0 });
    http.expectOne((req) => req.url === '/api/pools').flush({ items: [], total: 0, limit: 500, offset: 0 });
    await fixture.whenStable();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('opens filtered by the status given in the URL and renders rows through the virtual scroller', async () => {
    const element = await render('admin');
    expect(element.querySelector('[data-testid=row-count]')?.textContent?.trim()).toBe('2 of 12 endpoints');
    expect(TestBed.inject(FleetStore).endpoints()).toHaveLength(12);
    expect(element.querySelectorAll('input[type=checkbox]').length).toBeGreaterThan(0);
  });

  it('gives a viewer no selection or assignment controls', async () => {
    const element = await render('viewer');
    expect(element.querySelector('[data-testid=selected-count]')).toBeNull();
    expect(element.querySelectorAll('input[type=checkbox]').length).toBe(0);
    expect(element.textContent).not.toContain('Assign');
  });
});
