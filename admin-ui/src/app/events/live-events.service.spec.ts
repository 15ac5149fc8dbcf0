import { TestBed } from '@angular/core/testing';

import { SessionStore } from '../auth/session.store';
import { LIVE_EVENTS_OPTIONS, LiveEventsService, type LiveEvent } from './live-events.service';

/** Stands in for the browser's WebSocket: the transport is the edge here, the service's reactions are the subject. */
class FakeSocket {
  static instances: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.instances.push(this);
  }
  close(): void {
    this.closed = true;
  }
}

describe('LiveEventsService', () => {
  let received: LiveEvent[];
  let service: LiveEventsService;
  const realWebSocket = globalThis.WebSocket;

  beforeEach(() => {
    jest.useFakeTimers();
    FakeSocket.instances = [];
    (globalThis as { WebSocket: unknown }).WebSocket = FakeSocket;
    sessionStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        {
          provide: LIVE_EVENTS_OPTIONS,
          useValue: { pollIntervalMs: 1000, reconnectMs: 500, maxReconnectMs: 2000 },
        },
      ],
    });
    TestBed.inject(SessionStore).start(
      { access_token: 'jwt.token', expires_in: 600, role: 'viewer' },
      'vera',
    );
    service = TestBed.inject(LiveEventsService);
    received = [];
    service.events$.subscribe((event) => received.push(event));
  });

  afterEach(() => {
    service.stop();
    jest.useRealTimers();
    (globalThis as { WebSocket: unknown }).WebSocket = realWebSocket;
  });

  it('connects with the token as a subprotocol, not in the URL, and passes server events on', () => {
    service.start();
    const socket = FakeSocket.instances[0];
    expect(socket.url).toBe('ws://localhost/api/events');
    expect(socket.protocols).toEqual(['pacman-sync.v1', 'bearer.jwt.token']);
    socket.onopen!();
    expect(service.connection()).toBe('live');
    socket.onmessage!({
      data: JSON.stringify({ type: 'endpoint.status', data: { endpoint_id: 'e1' }, timestamp: 't1' }),
    });
    expect(received.filter((event) => event.type !== 'poll')).toEqual([
      { type: 'endpoint.status', data: { endpoint_id: 'e1' }, timestamp: 't1' },
    ]);
  });

  it('drops frames that are not events', () => {
    service.start();
    const socket = FakeSocket.instances[0];
    socket.onopen!();
    received.length = 0;
    for (const data of [
      'not json',
      '{"type":"rm -rf","data":{}}',
      '[]',
      JSON.stringify({ type: 'operation.updated', data: 'x' }),
    ]) {
      socket.onmessage!({ data });
    }
    expect(received).toEqual([{ type: 'operation.updated', data: {}, timestamp: expect.any(String) }]);
  });

  it('polls while the socket is down and reconnects with growing delays', () => {
    service.start();
    FakeSocket.instances[0].onclose!();
    expect(service.connection()).toBe('polling');
    jest.advanceTimersByTime(1000);
    expect(received.map((event) => event.type)).toEqual(['poll']);
    expect(FakeSocket.instances).toHaveLength(2);
    FakeSocket.instances[1].onclose!();
    jest.advanceTimersByTime(999);
    expect(FakeSocket.instances).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(3);
    FakeSocket.instances[2].onopen!();
    expect(service.connection()).toBe('live');
    const polls = received.length;
    jest.advanceTimersByTime(5000);
    expect(received.length).toBe(polls);
  });

  it('closes the socket and stops every timer on stop', () => {
    service.start();
    const socket = FakeSocket.instances[0];
    service.stop();
    expect(socket.closed).toBe(true);
    jest.advanceTimersByTime(10000);
    expect(received).toEqual([]);
    expect(FakeSocket.instances).toHaveLength(1);
  });
});
