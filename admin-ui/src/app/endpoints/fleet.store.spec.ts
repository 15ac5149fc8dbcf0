import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import { provideRouter } from '@angular/router';

import { provideApi } from '../api/api-client';
import type { EndpointDto } from '../api/generated/models';
import { FleetStore } from './fleet.store';

const endpoint = (i: number, pool: string | null = 'p1'): EndpointDto => ({
  id: `e${i}`,
  name: `host${i}`,
  hostname: `host${i}`,
  pool_id: pool,
  sync_status: 'in_sync',
  last_seen: null,
  latest_state_id: null,
  report_interval: 300,
  created_at: 't',
  updated_at: 't',
});

describe('FleetStore', () => {
  let http: HttpTestingController;
  let store: FleetStore;

  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideApi(''), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    store = TestBed.inject(FleetStore);
  });

  async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve));
  }

  it('loads every page of a large fleet and drops rows repeated across pages', async () => {
    const loading = store.load();
    const first = http.expectOne((req) => req.params.get('offset') === '0');
    expect(first.request.params.get('limit')).toBe('500');
    first.flush({
      items: Array.from({ length: 500 }, (_, i) => endpoint(i)),
      total: 1200,
      limit: 500,
      offset: 0,
    });
    await settle();
    http
      .expectOne((req) => req.params.get('offset') === '500')
      .flush({
        items: Array.from({ length: 500 }, (_, i) => endpoint(i + 499)),
        total: 1200,
        limit: 500,
        offset: 500,
      });
    http
      .expectOne((req) => req.params.get('offset') === '1000')
      .flush({
        items: Array.from({ length: 200 }, (_, i) => endpoint(i + 1000)),
        total: 1200,
        limit: 500,
        offset: 1000,
      });
    await loading;
    // Row 499 came on both of the first two pages: 1,200 rows, 1,199 endpoints.
    expect(store.endpoints()).toHaveLength(1199);
    expect(store.counts().in_sync).toBe(1199);
  });

  it('applies a status event in place, counts per pool, and ignores malformed events', async () => {
    const loading = store.load();
    http
      .expectOne(() => true)
      .flush({ items: [endpoint(1), endpoint(2, null)], total: 2, limit: 500, offset: 0 });
    await loading;
    store.applyStatus({ endpoint_id: 'e1', pool_id: 'p1', sync_status: 'behind' });
    store.applyStatus({ endpoint_id: 'e2', sync_status: 'not-a-status' });
    store.applyStatus({ endpoint_id: 42, sync_status: 'offline' });
    expect(store.counts()).toMatchObject({ behind: 1, in_sync: 1 });
    expect(store.countsByPool().get('p1')).toMatchObject({ behind: 1, in_sync: 0 });
    expect(store.countsByPool().get('')).toMatchObject({ in_sync: 1 });
    expect(store.history().at(-1)!.counts).toMatchObject({ behind: 1, in_sync: 1 });
  });

  it('reloads when an event names an endpoint it has not seen', async () => {
    const loading = store.load();
    http.expectOne(() => true).flush({ items: [endpoint(1)], total: 1, limit: 500, offset: 0 });
    await loading;
    store.applyStatus({ endpoint_id: 'e9', pool_id: 'p1', sync_status: 'unknown' });
    http.expectOne(() => true).flush({ items: [endpoint(1), endpoint(9)], total: 2, limit: 500, offset: 0 });
    await settle();
    expect(store.endpoints().map((e) => e.id)).toEqual(['e1', 'e9']);
  });

  it('keeps the last load error for the screens to show', async () => {
    const loading = store.load();
    http
      .expectOne(() => true)
      .flush(
        { error: { code: 'UNAVAILABLE', message: 'Database unavailable', details: null, timestamp: 't' } },
        { status: 503, statusText: 'x' },
      );
    await loading;
    expect(store.error()).toBe('Database unavailable');
    expect(store.loaded()).toBe(false);
  });
});
