import { LocalEventBus } from './event-bus';
import { BusMessage, CredentialRef, EventsService, ServerEvent } from './events.service';

const event = (pool: string): ServerEvent => ({
  type: 'pool.target_changed',
  data: { pool_id: pool },
  timestamp: 't',
});

describe('LocalEventBus', () => {
  it('delivers in subscription order and stops after unsubscribe', () => {
    const bus = new LocalEventBus();
    const got: string[] = [];
    const first = bus.subscribe((e) => got.push(`first:${e.data.pool_id}`));
    bus.subscribe((e) => got.push(`second:${e.data.pool_id}`));
    bus.publish(event('a'));
    first();
    bus.publish(event('b'));
    expect(got).toEqual(['first:a', 'second:a', 'second:b']);
  });

  it('keeps delivering to the others when one listener throws, and reports the error', () => {
    const errors: unknown[] = [];
    const bus = new LocalEventBus((error) => errors.push(error));
    const got: string[] = [];
    bus.subscribe(() => {
      throw new Error('listener bug');
    });
    bus.subscribe((e) => got.push(String(e.data.pool_id)));
    bus.publish(event('a'));
    expect(got).toEqual(['a']);
    expect(errors).toEqual([new Error('listener bug')]);
  });
});

describe('EventsService', () => {
  it('publishes through the bus with an ISO timestamp, and completes events$ on shutdown', () => {
    const bus = new LocalEventBus();
    const service = new EventsService(bus);
    const onBus: BusMessage[] = [];
    bus.subscribe((e) => onBus.push(e));
    const seen: ServerEvent[] = [];
    let completed = false;
    service.events$.subscribe({ next: (e) => seen.push(e), complete: () => (completed = true) });

    service.publish('endpoint.status', { endpoint_id: 'e-1', sync_status: 'behind' });
    expect(onBus).toHaveLength(1);
    expect(seen).toEqual(onBus);
    expect(seen[0]).toMatchObject({
      type: 'endpoint.status',
      data: { endpoint_id: 'e-1', sync_status: 'behind' },
    });
    expect(new Date(seen[0].timestamp).toISOString()).toBe(seen[0].timestamp);

    service.onModuleDestroy();
    expect(completed).toBe(true);
    service.publish('endpoint.status', { endpoint_id: 'e-1' });
    expect(seen).toHaveLength(1);
  });

  it('keeps credential notices out of events$ and hands them to credentialChanges$ only', () => {
    const service = new EventsService(new LocalEventBus());
    const events: ServerEvent[] = [];
    const changes: CredentialRef[] = [];
    service.events$.subscribe((e) => events.push(e));
    service.credentialChanges$.subscribe((credential) => changes.push(credential));

    service.publishCredentialChange({ kind: 'endpoint', id: 'e-9' });
    service.publish('pool.target_changed', { pool_id: 'p-1' });

    expect(changes).toEqual([{ kind: 'endpoint', id: 'e-9' }]);
    expect(events.map((e) => e.type)).toEqual(['pool.target_changed']);
    service.onModuleDestroy();
  });
});
