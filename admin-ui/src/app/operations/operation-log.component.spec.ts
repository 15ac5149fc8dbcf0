import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { provideApi } from '../api/api-client';
import type { OperationDto } from '../api/generated/models';
import { OperationLogComponent } from './operation-log.component';

const operation = (i: number): OperationDto => ({
  id: `op-${i}`,
  endpoint_id: `e-${i}`,
  pool_id: null,
  operation_type: 'sync',
  status: 'failed',
  error: `pacman exited 1 (${i})`,
  details: null,
  before_state_id: null,
  after_state_id: null,
  target_state_id: null,
  claimed_at: null,
  completed_at: null,
  created_at: '2026-11-30T20:00:00.000Z',
  updated_at: '2026-11-30T20:00:00.000Z',
});

describe('OperationLogComponent', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideApi(''), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
  });

  async function settle(fixture: { whenStable: () => Promise<unknown> }): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve));
      await fixture.whenStable();
    }
  }

  it('pages through the server-side list and filters by status', async () => {
    const fixture = TestBed.createComponent(OperationLogComponent);
    fixture.detectChanges();
    http.expectOne((req) => req.url === '/api/pools').flush({ items: [], total: 0, limit: 500, offset: 0 });
    http
      .expectOne((req) => req.url === '/api/endpoints')
      .flush({ items: [], total: 0, limit: 500, offset: 0 });
    const first = http.expectOne((req) => req.url === '/api/operations');
    expect([first.request.params.get('offset'), first.request.params.has('status')]).toEqual(['0', false]);
    first.flush({
      items: Array.from({ length: 50 }, (_, i) => operation(i)),
      total: 120,
      limit: 50,
      offset: 0,
    });
    await settle(fixture);
    const element = fixture.nativeElement as HTMLElement;
    expect(element.querySelector('.pager [role=status]')!.textContent!.trim()).toBe('1–50 of 120');

    const [previous, next] = Array.from(element.querySelectorAll<HTMLButtonElement>('.pager button'));
    expect(previous.disabled).toBe(true);
    next.click();
    const second = http.expectOne((req) => req.url === '/api/operations');
    expect(second.request.params.get('offset')).toBe('50');
    second.flush({ items: [operation(50)], total: 120, limit: 50, offset: 50 });
    await settle(fixture);
    expect(element.querySelector('tbody')!.textContent).toContain('pacman exited 1 (50)');

    const status = element.querySelector<HTMLSelectElement>('select[name=status]')!;
    status.value = 'failed';
    status.dispatchEvent(new Event('change'));
    const filtered = http.expectOne((req) => req.url === '/api/operations');
    expect([filtered.request.params.get('status'), filtered.request.params.get('offset')]).toEqual([
      'failed',
      '0',
    ]);
    filtered.flush({ items: [], total: 0, limit: 50, offset: 0 });
    await settle(fixture);
    expect(element.textContent).toContain('No operation matches.');
  });

  it('shows the error state when the server fails', async () => {
    const fixture = TestBed.createComponent(OperationLogComponent);
    fixture.detectChanges();
    http
      .match(() => true)
      .forEach((request) =>
        request.flush(
          { error: { code: 'UNAVAILABLE', message: 'Database unavailable', details: null, timestamp: 't' } },
          { status: 503, statusText: 'Service Unavailable' },
        ),
      );
    await settle(fixture);
    expect((fixture.nativeElement as HTMLElement).querySelector('[role=alert]')!.textContent).toContain(
      'Could not load operations: Database unavailable',
    );
  });
});
