import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Observable, Subject, takeUntil } from 'rxjs';

import { EVENT_BUS, EventBus } from './event-bus';

export type EventType =
  'endpoint.status' | 'operation.updated' | 'pool.target_changed' | 'repositories.analyzed';

export const EVENT_TYPES: readonly EventType[] = [
  'endpoint.status',
  'operation.updated',
  'pool.target_changed',
  'repositories.analyzed',
];

/** One real-time event as it goes over WS /api/events. */
export interface ServerEvent<T = Record<string, unknown>> {
  type: EventType;
  data: T;
  timestamp: string;
}

/**
 * Domain services publish here; transports (the WebSocket gateway) subscribe to `events$`. Both go through
 * the {@link EventBus}, so when a LISTEN/NOTIFY bus replaces the local one, every instance's subscribers see
 * every instance's events. Per-role filtering belongs to the subscriber, which knows who is listening.
 */
@Injectable()
export class EventsService implements OnModuleDestroy {
  private readonly destroyed = new Subject<void>();
  readonly events$: Observable<ServerEvent>;

  constructor(@Inject(EVENT_BUS) private readonly bus: EventBus) {
    this.events$ = new Observable<ServerEvent>((subscriber) =>
      this.bus.subscribe((event) => subscriber.next(event)),
    ).pipe(takeUntil(this.destroyed));
  }

  publish<T extends Record<string, unknown>>(type: EventType, data: T): void {
    this.bus.publish({ type, data, timestamp: new Date().toISOString() });
  }

  onModuleDestroy(): void {
    this.destroyed.next();
    this.destroyed.complete();
  }
}
