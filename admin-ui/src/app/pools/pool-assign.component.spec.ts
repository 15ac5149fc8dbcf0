import { HttpTestingController, provideHttpClientTesting, TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import { provideApi } from '../api/api-client';
import type { EndpointDto } from '../api/generated/models';
import { PoolAssignComponent } from './pool-assign.component';

const POOL_ID = '11111111-1111-4111-8111-111111111111';

function endpoint(i: number, poolId: string | null = null): EndpointDto {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `host-${i}`,
    hostname: `h${i}.lab.example`,
    pool_id: poolId,
    sync_status: 'unknown',
    last_seen: null,
    latest_state_id: null,
    report_interval: 300,
    created_at: '2026-11-30T00:00:00.000Z',
    updated_at: '2026-11-30T00:00:00.000Z',
  };
}
const isList = (req: { url: string; method: string }) => req.method === 'GET' && req.url === '/api/endpoints';

describe('PoolAssignComponent', () => {
  let http: HttpTestingController;

  async function render(rows: EndpointDto[]) {
    TestBed.configureTestingModule({ providers: [provideApi(''), provideHttpClientTesting()] });
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(PoolAssignComponent);
    fixture.componentRef.setInput('poolId', POOL_ID);
    const emitted: EndpointDto[][] = [];
    fixture.componentInstance.assigned.subscribe((endpoints) => emitted.push(endpoints));
    fixture.detectChanges();
    const first = http.expectOne(isList);
    first.flush({ items: rows, total: rows.length, limit: 20, offset: 0 });
    const element = fixture.nativeElement as HTMLElement;
    /** Replies resolve promises a few turns later: render until the screen shows the expected state. */
    const until = async (shown: () => boolean) => {
      for (let waited = 0; waited < 5000 && !shown(); waited += 10) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        fixture.detectChanges();
        await fixture.whenStable();
      }
    };
    const sent = async (predicate: (req: TestRequest['request']) => boolean) => {
      for (let waited = 0; waited < 5000; waited += 10) {
        const [found] = http.match(predicate);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error('the request was never sent');
    };
    await until(() => element.querySelector('[data-testid=assign-candidates]') !== null);
    const addButton = () =>
      [...element.querySelectorAll('button')].find((button) => button.textContent!.includes('to the pool'))!;
    return { element, first, emitted, until, sent, addButton };
  }

  afterEach(() => http.verify());

  it('lists endpoints in no pool first, and searches the server once typing pauses', async () => {
    const { element, first, sent, until } = await render([endpoint(1)]);
    expect([first.request.params.get('unassigned'), first.request.params.get('sort')]).toEqual([
      'true',
      'name',
    ]);
    const find = element.querySelector<HTMLInputElement>('input[type=search]')!;
    for (const value of ['h', 'h2', 'h2.lab']) {
      find.value = value;
      find.dispatchEvent(new Event('input'));
    }
    const search = await sent(isList);
    expect([search.request.params.get('search'), search.request.params.get('unassigned')]).toEqual([
      'h2.lab',
      'true',
    ]);
    search.flush({ items: [], total: 0, limit: 20, offset: 0 });
    await until(() => element.textContent!.includes('No endpoint matches.'));
    expect(element.textContent).toContain('No endpoint matches.');
  });

  it('adds the chosen endpoints with one bulk call and hands back what the server answered', async () => {
    const rows = [endpoint(1), endpoint(2), endpoint(3, POOL_ID)];
    const { element, emitted, sent, until, addButton } = await render(rows);
    const boxes = [...element.querySelectorAll<HTMLInputElement>('li input[type=checkbox]')];
    expect(boxes.map((box) => box.disabled)).toEqual([false, false, true]);
    expect(element.textContent).toContain('already in this pool');
    boxes[0].click();
    boxes[1].click();
    await until(() => addButton().textContent!.includes('Add 2'));
    addButton().click();
    const bulk = await sent((req) => req.method === 'POST');
    expect([bulk.request.url, bulk.request.body]).toEqual([
      `/api/pools/${POOL_ID}/endpoints`,
      { endpoint_ids: [rows[0].id, rows[1].id] },
    ]);
    const moved = rows.slice(0, 2).map((row) => ({ ...row, pool_id: POOL_ID }));
    bulk.flush({ pool_id: POOL_ID, moved_ids: moved.map((row) => row.id), endpoints: moved });
    (await sent(isList)).flush({ items: [rows[2]], total: 1, limit: 20, offset: 0 });
    await until(() => emitted.length > 0 && addButton().textContent!.includes('Add 0'));
    expect(emitted).toEqual([moved]);
  });

  it('says why nothing was added when the server refuses', async () => {
    const { element, emitted, sent, until, addButton } = await render([endpoint(1)]);
    element.querySelector<HTMLInputElement>('li input[type=checkbox]')!.click();
    await until(() => !addButton().disabled);
    addButton().click();
    (await sent((req) => req.method === 'POST')).flush(
      {
        error: {
          code: 'NOT_FOUND',
          message: '1 endpoint(s) not found, none assigned: x',
          details: null,
          timestamp: 't',
        },
      },
      { status: 404, statusText: 'Not Found' },
    );
    await until(() => element.querySelector('[role=alert]') !== null);
    expect(element.querySelector('[role=alert]')?.textContent).toContain(
      'Nothing added: 1 endpoint(s) not found, none assigned',
    );
    expect(emitted).toEqual([]);
  });
});
