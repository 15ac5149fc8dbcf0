import { HttpTestingController, provideHttpClientTesting, TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { By } from '@angular/platform-browser';
import { provideRouter } from '@angular/router';

import { provideApi } from '../api/api-client';
import type { EndpointDto, SyncStatus } from '../api/generated/models';
import { SessionStore } from '../auth/session.store';
import { ConfirmButtonComponent } from '../ui/confirm-button.component';
import { EndpointListComponent } from './endpoint-list.component';

const STATUSES: SyncStatus[] = ['in_sync', 'behind', 'ahead', 'diverged', 'offline', 'unknown'];

function fleet(count: number): EndpointDto[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `host-${String(i).padStart(5, '0')}`,
    hostname: `h${i}.lab.example`,
    pool_id: null,
    sync_status: STATUSES[i % STATUSES.length],
    last_seen: null,
    latest_state_id: null,
    report_interval: 300,
    created_at: '2026-11-30T00:00:00.000Z',
    updated_at: '2026-11-30T00:00:00.000Z',
  }));
}

const POOL_ID = '11111111-1111-4111-8111-111111111111';
const isList = (req: { url: string; method: string }) => req.method === 'GET' && req.url === '/api/endpoints';

describe('EndpointListComponent', () => {
  let http: HttpTestingController;

  /** Polls the testing backend until a request matching `predicate` was sent (a debounce is real time). */
  async function sent(predicate: (req: TestRequest['request']) => boolean): Promise<TestRequest> {
    for (let waited = 0; waited < 5000; waited += 10) {
      const [found] = http.match(predicate);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the request was never sent');
  }

  async function render(role: 'admin' | 'viewer', rows = fleet(12)) {
    sessionStorage.clear();
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideApi(''), provideHttpClientTesting()],
    });
    TestBed.inject(SessionStore).start({ access_token: 't', expires_in: 600, role }, role);
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(EndpointListComponent);
    fixture.componentRef.setInput('status', 'behind');
    fixture.detectChanges();
    const first = http.expectOne(isList);
    first.flush({ items: rows, total: rows.length, limit: 100, offset: 0 });
    http
      .expectOne((req) => req.url === '/api/pools')
      .flush({
        items: [{ id: POOL_ID, name: 'lab', endpoints: [], sync_policy: {}, target_state_id: null }],
        total: 1,
        limit: 500,
        offset: 0,
      });
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;
    /** Replies resolve promises a few turns later: render until the screen shows the expected state. */
    const until = async (shown: () => boolean) => {
      for (let waited = 0; waited < 5000 && !shown(); waited += 10) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        fixture.detectChanges();
        await fixture.whenStable();
      }
    };
    const rowCount = () => element.querySelector('[data-testid=row-count]')?.textContent?.trim();
    await until(() => rowCount() !== undefined);
    return { fixture, element, first, until, rowCount };
  }

  afterEach(() => http.verify());

  it('asks the server for one page, filtered by the status in the URL, sorted by name', async () => {
    const { element, first, rowCount } = await render('admin');
    expect(first.request.params.keys().sort()).toEqual(['limit', 'offset', 'order', 'sort', 'sync_status']);
    expect(first.request.params.get('sync_status')).toBe('behind');
    expect([first.request.params.get('sort'), first.request.params.get('order')]).toEqual(['name', 'asc']);
    expect(first.request.params.get('limit')).toBe('100');
    expect(rowCount()).toBe('12 matching endpoint(s)');
    expect(element.querySelectorAll('input[type=checkbox]').length).toBeGreaterThan(0);
  });

  it('says so when nothing matches, and shows the server’s error', async () => {
    const { element, fixture, until, rowCount } = await render('viewer', []);
    expect(rowCount()).toBe('No endpoint matches the filter.');
    fixture.componentInstance['list'].load();
    http
      .expectOne(isList)
      .flush(
        { error: { code: 'UNAVAILABLE', message: 'Database unavailable', details: null, timestamp: 't' } },
        { status: 503, statusText: 'Unavailable' },
      );
    await until(() => element.querySelector('[role=alert]') !== null);
    expect(element.querySelector('[role=alert]')?.textContent).toContain('Database unavailable');
  });

  it('sends a search once typing pauses, not once per key', async () => {
    const { element, until, rowCount } = await render('viewer');
    const search = element.querySelector<HTMLInputElement>('input[type=search]')!;
    for (const value of ['w', 'we', 'web_']) {
      search.value = value;
      search.dispatchEvent(new Event('input'));
    }
    const request = await sent(isList);
    expect([request.request.params.get('search'), request.request.params.get('offset')]).toEqual([
      'web_',
      '0',
    ]);
    request.flush({ items: fleet(1), total: 1, limit: 100, offset: 0 });
    await until(() => rowCount() === '1 matching endpoint(s)');
    expect(rowCount()).toBe('1 matching endpoint(s)');
  });

  it('sorts by a column header, a second click reversing it', async () => {
    const { element, until } = await render('viewer');
    const header = (name: string) =>
      [...element.querySelectorAll<HTMLButtonElement>('button.sort')].find((button) =>
        button.textContent!.includes(name),
      )!;
    const sortOf = (request: TestRequest) => [
      request.request.params.get('sort'),
      request.request.params.get('order'),
    ];
    expect(header('Name').getAttribute('aria-pressed')).toBe('true');

    header('Last seen').click();
    const newest = http.expectOne(isList);
    expect(sortOf(newest)).toEqual(['last_seen', 'desc']);
    newest.flush({ items: fleet(12), total: 12, limit: 100, offset: 0 });
    await until(() => header('Last seen').getAttribute('aria-pressed') === 'true');
    expect(header('Last seen').getAttribute('aria-pressed')).toBe('true');
    expect(header('Last seen').textContent).toContain('▼');

    header('Last seen').click();
    const oldest = http.expectOne(isList);
    expect(sortOf(oldest)).toEqual(['last_seen', 'asc']);
    oldest.flush({ items: fleet(12), total: 12, limit: 100, offset: 0 });
    await until(() => header('Last seen').textContent!.includes('▲'));

    header('Status').click();
    const worst = http.expectOne(isList);
    expect(sortOf(worst)).toEqual(['sync_status', 'asc']);
    worst.flush({ items: fleet(12), total: 12, limit: 100, offset: 0 });
  });

  it('filters endpoints in no pool through the server', async () => {
    const { element } = await render('viewer');
    const pool = element.querySelector<HTMLSelectElement>('select[name=pool]')!;
    pool.value = 'none';
    pool.dispatchEvent(new Event('change'));
    const request = http.expectOne(isList);
    expect([request.request.params.get('unassigned'), request.request.params.has('pool_id')]).toEqual([
      'true',
      false,
    ]);
    request.flush({ items: [], total: 0, limit: 100, offset: 0 });
  });

  it('moves the selection into a pool with one bulk call, then shows the page again', async () => {
    const rows = fleet(3);
    const { element, fixture, until } = await render('admin', rows);
    [...element.querySelectorAll<HTMLButtonElement>('button')]
      .find((button) => button.textContent!.trim() === 'Select all shown')!
      .click();
    const assignTo = element.querySelector<HTMLSelectElement>('select[name=assignPool]')!;
    assignTo.value = POOL_ID;
    assignTo.dispatchEvent(new Event('change'));
    const selectedCount = () => element.querySelector('[data-testid=selected-count]')?.textContent;
    await until(() => selectedCount() === '3 selected');
    expect(element.querySelector('[data-testid=selected-count]')?.textContent).toBe('3 selected');

    fixture.debugElement.query(By.directive(ConfirmButtonComponent)).componentInstance.confirmed.emit();
    const bulk = http.expectOne({ method: 'POST', url: `/api/pools/${POOL_ID}/endpoints` });
    expect(bulk.request.body).toEqual({ endpoint_ids: rows.map((row) => row.id) });
    http.expectNone({ method: 'PUT' });
    const moved = rows.map((row) => ({ ...row, pool_id: POOL_ID }));
    bulk.flush({ pool_id: POOL_ID, moved_ids: rows.map((row) => row.id), endpoints: moved });
    (await sent(isList)).flush({ items: moved, total: 3, limit: 100, offset: 0 });
    (await sent((req) => req.url === '/api/pools')).flush({ items: [], total: 0, limit: 500, offset: 0 });
    await until(() => element.textContent!.includes('Assigned 3 endpoint(s).'));
    expect(element.textContent).toContain('Assigned 3 endpoint(s).');
    expect(element.querySelector('[data-testid=selected-count]')?.textContent).toBe('0 selected');
  });

  it('says nothing was assigned when the server refuses the bulk call', async () => {
    const { element, fixture, until } = await render('admin', fleet(2));
    fixture.componentInstance['selected'].set(new Map([[fleet(1)[0].id, 'host-00000']]));
    fixture.componentInstance['assignPool'].set(POOL_ID);
    fixture.debugElement.query(By.directive(ConfirmButtonComponent)).componentInstance.confirmed.emit();
    http.expectOne({ method: 'POST', url: `/api/pools/${POOL_ID}/endpoints` }).flush(
      {
        error: {
          code: 'NOT_FOUND',
          message: '1 endpoint(s) not found, none assigned: 00000000-0000-4000-8000-000000000000',
          details: null,
          timestamp: 't',
        },
      },
      { status: 404, statusText: 'Not Found' },
    );
    (await sent(isList)).flush({ items: fleet(2), total: 2, limit: 100, offset: 0 });
    (await sent((req) => req.url === '/api/pools')).flush({ items: [], total: 0, limit: 500, offset: 0 });
    await until(() => element.textContent!.includes('Nothing assigned'));
    expect(element.textContent).toContain('Nothing assigned: 1 endpoint(s) not found, none assigned');
  });

  it('gives a viewer no selection or assignment controls', async () => {
    const { element } = await render('viewer');
    expect(element.querySelector('[data-testid=selected-count]')).toBeNull();
    expect(element.querySelectorAll('input[type=checkbox]').length).toBe(0);
    expect(element.textContent).not.toContain('Assign');
  });
});
