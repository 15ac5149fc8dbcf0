import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';

export type EventType =
  'endpoint.status' | 'operation.updated' | 'pool.target_changed' | 'repositories.analyzed';

/** One real-time event as it goes over WS /api/events. */
export interface ServerEvent<T = Record<string, unknown>> {
  type: EventType;
  data: T;
  timestamp: string;
}

/**
 * Domain services publish here; transports (the WebSocket, later PostgreSQL LISTEN/NOTIFY fan-out)
 * subscribe to `events$`. Per-role filtering belongs to the subscriber, which knows who is listening.
 */
@Injectable()
export class EventsService implements OnModuleDestroy {
  private readonly subject = new Subject<ServerEvent>();
  readonly events$: Observable<ServerEvent> = this.subject.asObservable();

  publish<T extends Record<string, unknown>>(type: EventType, data: T): void {
    this.subject.next({ type, data, timestamp: new Date().toISOString() });
  }

  onModuleDestroy(): void {
    this.subject.complete();
  }
}
